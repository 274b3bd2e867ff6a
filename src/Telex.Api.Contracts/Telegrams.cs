using System.Diagnostics.CodeAnalysis;

namespace Telex.Api.Contracts;

/// <summary>
/// <c>POST /api/telegrams</c>. The drafter and releasing officer are the signed-in officer. <c>to</c> and <c>via</c> each
/// name a counterpart by DID or by name (its directory entry's, else its tie's); a name no counterpart bears, or several
/// ties do, is refused (400, field <c>to</c>).
/// </summary>
public sealed record SendTelegramRequest(
    string? To,
    string? Subject,
    string? Body,
    Precedence? Precedence,
    string? IssueId,
    string? OnBehalfOf,
    IReadOnlyList<string>? Attendees,
    IReadOnlyList<Guid>? References,
    IReadOnlyList<AttachmentUpload>? Attachments,
    string? Via = null);

/// <summary>An attachment to send, its content in base64.</summary>
public sealed record AttachmentUpload(string? Name, string? MediaType, string? ContentBase64);

/// <summary>A register entry as listed. Outbound entries have registry number 0: numbers are given on arrival.</summary>
public record TelegramSummary
{
    public required Guid Id { get; init; }

    public required Direction Direction { get; init; }

    public required string Counterpart { get; init; }

    public required string CounterpartName { get; init; }

    public required long Serial { get; init; }

    public required long RegistryNumber { get; init; }

    public required TelegramStatus Status { get; init; }

    public required Precedence Precedence { get; init; }

    public required string Subject { get; init; }

    public string? IssueId { get; init; }

    public required DateTimeOffset RegisteredAt { get; init; }

    public required DateTimeOffset ReleasedAt { get; init; }

    public DateTimeOffset? DeliveredAt { get; init; }

    public DateTimeOffset? ReadAt { get; init; }

    public string? FailureReason { get; init; }

    /// <summary>DIDs of the relays it travelled through, first hop first; empty when sent directly.</summary>
    public IReadOnlyList<string> RelayPath { get; init; } = [];
    /// <summary>The bureau this telegram is a bulletin of, with <see cref="BureauEpoch"/>; null for a telegram on a tie only.</summary>
    public Guid? BureauId { get; init; }

    public long? BureauEpoch { get; init; }

    /// <summary>
    /// Set for an entry of imported history (a historical cable, never traffic): when and from what file it was imported.
    /// Its registry number is the cable's own, not the agency's counter; its counterpart is empty (no DID).
    /// </summary>
    public ImportedView? Imported { get; init; }
}

/// <summary>How an entry of imported history came into the register: when, from which file, and its signature line.</summary>
public sealed record ImportedView(DateTimeOffset ImportedAt, string? Source, string Signer, string SignedOn);

/// <summary>A register entry in full: the text, who wrote and released it, the signed original and the receipt.</summary>
public sealed record TelegramView : TelegramSummary
{
    public required string Body { get; init; }

    public string? OnBehalfOf { get; init; }

    public string? Drafter { get; init; }

    public string? ReleasingOfficer { get; init; }

    public string? SenderName { get; init; }

    public required IReadOnlyList<string> Attendees { get; init; }

    public required IReadOnlyList<Guid> References { get; init; }

    public required IReadOnlyList<AttachmentView> Attachments { get; init; }

    public required string ContentHash { get; init; }

    /// <summary>The recipient's registry number, from its receipt (outbound, once delivered).</summary>
    public long? PeerRegistryNumber { get; init; }

    /// <summary>The signed receipt as JSON text: received (outbound) or issued (inbound).</summary>
    public string? Receipt { get; init; }

    /// <summary>The signed original (JWS, JSON text) as sent or received.</summary>
    public required string SignedOriginal { get; init; }

    /// <summary>A full entry from its summary; the caller sets the rest.</summary>
    [SetsRequiredMembers]
    public TelegramView(TelegramSummary summary)
        : base(summary)
    {
        Body = "";
        Attendees = [];
        References = [];
        Attachments = [];
        ContentHash = "";
        SignedOriginal = "";
    }

    /// <summary>An empty entry, for deserialization: its required members are set from the JSON.</summary>
    public TelegramView()
    {
    }
}

/// <summary>An attachment as the register keeps it: content-addressed by its SHA-256.</summary>
public sealed record AttachmentView(string Name, string MediaType, long Size, string Sha256);

/// <summary>
/// <c>POST /api/telegrams/batch</c> (releasing officer or admin): up to <see cref="MaxTelegrams"/> telegrams released in
/// one request, each as <c>POST /api/telegrams</c> releases one, each with its own idempotency key. A batch with one bad
/// telegram (a missing field, a recipient no one bears, a key used before for another telegram) is refused whole and
/// releases nothing; the problem names the telegram (<c>telegrams[3].subject</c>).
/// </summary>
public sealed record SendTelegramBatchRequest(IReadOnlyList<BatchedTelegram?>? Telegrams)
{
    /// <summary>Most telegrams one batch releases.</summary>
    public const int MaxTelegrams = 100;
}

/// <summary>
/// One telegram of a batch: what <c>POST /api/telegrams</c> takes, and the key (as its <c>Idempotency-Key</c> header would
/// carry it) under which a retry gets this telegram's first answer instead of a second telegram. A key is the officer's
/// for both ways in: a telegram released alone under a key is answered again in a batch, and the other way round.
/// </summary>
public sealed record BatchedTelegram(string? IdempotencyKey, SendTelegramRequest? Telegram);

/// <summary>The answer to a batch: one result per telegram, in the request's order.</summary>
public sealed record SendTelegramBatchResult(IReadOnlyList<BatchedTelegramResult> Telegrams);

/// <summary>
/// What became of one telegram of a batch: status 201 and its register entry (<c>replayed</c> when its key had released
/// it before), or the status and detail of why it was not released (409 when the tie was suspended meanwhile, say);
/// retried under the same keys, the batch releases only what was not released.
/// </summary>
public sealed record BatchedTelegramResult(int Status, TelegramView? Telegram, bool Replayed = false, string? Problem = null);
