namespace Telex.Core.Model;

/// <summary>An attachment carried inside a telegram, content-addressed by its SHA-256.</summary>
public sealed record TelegramAttachment(string Name, string MediaType, byte[] Content)
{
    /// <summary>Hex SHA-256 of <see cref="Content"/>.</summary>
    public string Sha256 => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Content));
}

/// <summary>What a drafter writes: everything of a telegram but its numbers and times.</summary>
public sealed record TelegramDraft
{
    /// <summary>The counterpart DID.</summary>
    public required string To { get; init; }

    /// <summary>The subject line.</summary>
    public required string Subject { get; init; }

    /// <summary>The text (plain or Markdown).</summary>
    public required string Body { get; init; }

    /// <summary>The precedence.</summary>
    public Precedence Precedence { get; init; } = Precedence.Routine;

    /// <summary>The issue (thread) this telegram belongs to.</summary>
    public string? IssueId { get; init; }

    /// <summary>The originator when the agency sends for someone else.</summary>
    public string? OnBehalfOf { get; init; }

    /// <summary>Who drafted it.</summary>
    public string? Drafter { get; init; }

    /// <summary>Who was present when the information was passed.</summary>
    public IReadOnlyList<string> Attendees { get; init; } = [];

    /// <summary>Ids of earlier telegrams referred to.</summary>
    public IReadOnlyList<Guid> References { get; init; } = [];

    /// <summary>Attachments.</summary>
    public IReadOnlyList<TelegramAttachment> Attachments { get; init; } = [];

    /// <summary>
    /// The relaying agency (DID or name of an established tie whose terms permit relays), or null: sent directly when
    /// a tie with the recipient is established, otherwise through a relay chosen from the directory.
    /// </summary>
    public string? Via { get; init; }

    /// <summary>The bureau this telegram is a bulletin of; null for a telegram on a tie only.</summary>
    public Guid? BureauId { get; init; }

    /// <summary>The bureau epoch the bulletin is sent in (with <see cref="BureauId"/>).</summary>
    public long? BureauEpoch { get; init; }
}

/// <summary>A telegram as filed in the register, inbound or outbound.</summary>
public sealed record TelegramRecord
{
    /// <summary>Telegram id, the same at both ends.</summary>
    public required Guid Id { get; init; }

    /// <summary>Sent or received.</summary>
    public required Direction Direction { get; init; }

    /// <summary>The other agency's DID.</summary>
    public required string Counterpart { get; init; }

    /// <summary>The sender's serial on this tie (from 1, no gaps).</summary>
    public required long Serial { get; init; }

    /// <summary>This agency's registry number (from 1, no gaps, one counter for the agency).</summary>
    public required long RegistryNumber { get; init; }

    /// <summary>Status.</summary>
    public required TelegramStatus Status { get; init; }

    /// <summary>When the drafter created it.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it was released.</summary>
    public required DateTimeOffset ReleasedAt { get; init; }

    /// <summary>When it was registered here (received time for inbound, release time for outbound).</summary>
    public required DateTimeOffset RegisteredAt { get; init; }

    /// <summary>Subject.</summary>
    public required string Subject { get; init; }

    /// <summary>Body text.</summary>
    public required string Body { get; init; }

    /// <summary>Precedence.</summary>
    public required Precedence Precedence { get; init; }

    /// <summary>Issue id.</summary>
    public string? IssueId { get; init; }

    /// <summary>Originator, when sent on behalf of someone.</summary>
    public string? OnBehalfOf { get; init; }

    /// <summary>Drafter.</summary>
    public string? Drafter { get; init; }

    /// <summary>Releasing officer.</summary>
    public string? ReleasingOfficer { get; init; }

    /// <summary>The sending agency's name as it signs (the signature line).</summary>
    public string? SenderName { get; init; }

    /// <summary>Attendees.</summary>
    public IReadOnlyList<string> Attendees { get; init; } = [];

    /// <summary>References to earlier telegrams.</summary>
    public IReadOnlyList<Guid> References { get; init; } = [];

    /// <summary>Attachment names, media types and hashes (content is kept with the signed original).</summary>
    public IReadOnlyList<AttachmentInfo> Attachments { get; init; } = [];

    /// <summary>Hex SHA-256 of the signed original: what receipts refer to.</summary>
    public required string ContentHash { get; init; }

    /// <summary>The plaintext DIDComm message.</summary>
    public required byte[] Plaintext { get; init; }

    /// <summary>The signed original (JWS) as sent or received.</summary>
    public required byte[] SignedOriginal { get; init; }

    /// <summary>The signed receipt: the one received (outbound) or the one issued (inbound).</summary>
    public byte[]? Receipt { get; init; }

    /// <summary>When delivery was confirmed by a verified receipt (outbound).</summary>
    public DateTimeOffset? DeliveredAt { get; init; }

    /// <summary>The recipient's registry number, from its receipt (outbound).</summary>
    public long? PeerRegistryNumber { get; init; }

    /// <summary>Why delivery failed.</summary>
    public string? FailureReason { get; init; }

    /// <summary>When an officer of this agency first opened it (inbound).</summary>
    public DateTimeOffset? ReadAt { get; init; }

    /// <summary>The DIDs of the agencies it was relayed through, first hop first, as the sender signed them; empty when sent directly.</summary>
    public IReadOnlyList<string> RelayPath { get; init; } = [];

    /// <summary>The bureau this telegram is a bulletin of; null for a telegram on a tie only.</summary>
    public Guid? BureauId { get; init; }

    /// <summary>The bureau epoch the bulletin was sent in (with <see cref="BureauId"/>).</summary>
    public long? BureauEpoch { get; init; }

    /// <summary>
    /// For an entry of imported history (a historical cable filed by import, never traffic), the cable as imported; null for
    /// traffic. Such an entry keeps the cable's own registry number, which is not the agency's counter (see
    /// <see cref="Register.ImportedCable.AsRegisterEntry"/>).
    /// </summary>
    public Register.ImportedCable? Imported { get; init; }

    /// <summary>
    /// The entry of a telegram released here (<see cref="TelegramStatus.Queued"/>) or registered on arrival
    /// (<see cref="TelegramStatus.Registered"/>): its content as it travels, the counterpart, and the plaintext and signed
    /// original, whose hash is what receipts refer to. Registry number 0 and registered at its release: the store sets
    /// both when it files it.
    /// </summary>
    internal static TelegramRecord Of(TelegramWire.Parsed telegram, Direction direction, string counterpart, byte[] plaintext, byte[] signedOriginal) => new()
    {
        Id = telegram.Id,
        Direction = direction,
        Counterpart = counterpart,
        Serial = telegram.Serial,
        RegistryNumber = 0,
        Status = direction == Direction.Outbound ? TelegramStatus.Queued : TelegramStatus.Registered,
        CreatedAt = telegram.CreatedAt,
        ReleasedAt = telegram.ReleasedAt,
        RegisteredAt = telegram.ReleasedAt,
        Subject = telegram.Subject,
        Body = telegram.Text,
        Precedence = telegram.Precedence,
        IssueId = telegram.IssueId,
        OnBehalfOf = telegram.OnBehalfOf,
        Drafter = telegram.Drafter,
        ReleasingOfficer = telegram.ReleasingOfficer,
        SenderName = telegram.SenderName,
        Attendees = telegram.Attendees,
        References = telegram.References,
        Attachments = telegram.Attachments,
        ContentHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(signedOriginal)),
        Plaintext = plaintext,
        SignedOriginal = signedOriginal,
        RelayPath = telegram.RelayPath,
        BureauId = telegram.BureauId,
        BureauEpoch = telegram.BureauEpoch,
    };
}

/// <summary>What the register keeps of an attachment besides its content.</summary>
public sealed record AttachmentInfo(string Name, string MediaType, long Size, string Sha256);
