using System.Security.Cryptography;

using Telex.Core.Clearance;
using Telex.Core.Issues;
using Telex.Core.Storage;

namespace Telex.Core;

public sealed partial class Agency
{
    /// <summary>
    /// Releases a telegram: takes the tie's next serial, signs it, files it in the register and puts it in the
    /// outbox, all in one transaction; the dispatcher delivers it. Throws when there is no established tie or the
    /// telegram breaks the tie's terms.
    /// </summary>
    public Task<TelegramRecord> ReleaseAsync(TelegramDraft draft, string releasingOfficer, CancellationToken ct = default) =>
        ReleaseAsync(draft, releasingOfficer, claim: null, ct);

    /// <summary>
    /// Releases a telegram as <see cref="ReleaseAsync(TelegramDraft, string, CancellationToken)"/> does, keeping the client's
    /// request id <paramref name="claim"/> in the same transaction; throws <see cref="IdempotencyKeyTakenException"/>, and
    /// releases nothing, when another release holds it.
    /// </summary>
    public async Task<TelegramRecord> ReleaseAsync(TelegramDraft draft, string releasingOfficer, IdempotencyClaim? claim, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        draft = await WithIssueIdAsync(draft, ct).ConfigureAwait(false);
        var tie = await Store.Ties.GetTieAsync(draft.To, ct).ConfigureAwait(false);
        IReadOnlyList<string> relayPath = [];
        if (draft.Via is not null || tie is null or { Status: TieStatus.None })
        {
            (tie, relayPath) = await Relays.ChooseAsync(draft, tie, ct).ConfigureAwait(false);
        }
        else if (tie is not { Status: TieStatus.Established })
        {
            throw new TelexException(TelexErrorKind.Conflict, "no established tie with the recipient");
        }

        Validate(draft, tie.Terms);
        await CheckIssueAsync(draft, ct).ConfigureAwait(false);
        var required = await Clearance.RequiredClearancesAsync(draft.To, draft.Precedence, ct).ConfigureAwait(false);
        if (required.Count > 0)
        {
            throw new TelexException(TelexErrorKind.Conflict,
                $"the agency's policy requires clearance ({string.Join(", ", required.Select(ClearanceService.Describe))}) before release: submit it as a draft");
        }

        var id = Guid.NewGuid();
        var record = await Store.Telegrams.ReleaseAsync(tie.PeerDid, serial => BuildRelease(id, draft, tie, serial, releasingOfficer, relayPath), claim, ct).ConfigureAwait(false);
        Wake();
        Publish("telegram.queued", tie.PeerDid, id);
        return record;
    }

    /// <summary>
    /// A draft naming its issue by this agency's short number (<c>--issue 3</c>) names it by its id instead, as the
    /// telegram carries it. Throws when no issue has that number.
    /// </summary>
    private async Task<TelegramDraft> WithIssueIdAsync(TelegramDraft draft, CancellationToken ct) =>
        draft.IssueId is { } reference && IssueService.IsNumber(reference, out _)
            ? draft with
            {
                IssueId = (await Issues.FindIssueAsync(reference, ct).ConfigureAwait(false)
                    ?? throw new TelexException(TelexErrorKind.NotFound, $"no issue {reference} here (telex issue list shows them)")).Id,
            }
            : draft;

    /// <summary>
    /// A telegram naming an issue this agency holds must go to an agency taking part in it: its counterpart or one a
    /// referral brought in. An id naming no issue here is kept as a plain label, as telegrams from before issues were
    /// shared carry.
    /// </summary>
    private async Task CheckIssueAsync(TelegramDraft draft, CancellationToken ct)
    {
        if (draft.IssueId is { } issueId && await Store.Issues.GetIssueAsync(issueId, ct).ConfigureAwait(false) is { } issue
            && !(issue.BureauId is { } bureau && bureau == draft.BureauId)
            && !await Directory.IsSameCounterpartAsync(issue.Counterpart, draft.To, ct).ConfigureAwait(false))
        {
            foreach (var p in issue.BureauId is null ? await Store.Issues.ListIssueParticipantsAsync(issueId, ct).ConfigureAwait(false) : [])
            {
                if (await Directory.IsSameCounterpartAsync(p.Did, draft.To, ct).ConfigureAwait(false))
                {
                    return;
                }
            }

            throw new TelexException(TelexErrorKind.Invalid,
                $"issue \"{issue.Title}\" is not shared with the recipient: refer it to them first (telex issue status … referred --referred-to NAME)");
        }
    }

    /// <summary>The register entry and outbox item of a telegram released with <paramref name="serial"/>.</summary>
    private (TelegramRecord Record, OutboxItem Outbox) BuildRelease(Guid id, TelegramDraft draft, Tie tie, long serial, string releasingOfficer,
        IReadOnlyList<string>? relayPath = null)
    {
        var now = Now;
        var expiresAt = now + tie.Terms.Expiry;
        var message = TelegramWire.ToMessage(id, Identity.Did, Identity.Name, draft, serial, now, now, releasingOfficer, expiresAt, relayPath);
        if (TelegramWire.SizeProblem(message.Body, tie.Terms) is { } tooLarge)
        {
            throw new TelexException(TelexErrorKind.Invalid, tooLarge);
        }

        byte[] plaintext = message.ToUtf8Json();
        byte[] signed = Packer.PackSigned(message, message.From!).Packed;
        var entry = new TelegramRecord
        {
            Id = id,
            Direction = Direction.Outbound,
            Counterpart = tie.PeerDid,
            Serial = serial,
            RegistryNumber = 0,
            Status = TelegramStatus.Queued,
            CreatedAt = now,
            ReleasedAt = now,
            RegisteredAt = now,
            Subject = draft.Subject,
            Body = draft.Body,
            Precedence = draft.Precedence,
            IssueId = draft.IssueId,
            OnBehalfOf = draft.OnBehalfOf,
            Drafter = draft.Drafter,
            ReleasingOfficer = releasingOfficer,
            SenderName = Identity.Name,
            Attendees = draft.Attendees,
            References = draft.References,
            Attachments = draft.Attachments.Select(a => new AttachmentInfo(a.Name, a.MediaType, a.Content.Length, a.Sha256)).ToArray(),
            ContentHash = Convert.ToHexStringLower(SHA256.HashData(signed)),
            Plaintext = plaintext,
            SignedOriginal = signed,
            RelayPath = relayPath ?? [],
            BureauId = draft.BureauId,
            BureauEpoch = draft.BureauEpoch,
        };
        var outbox = new OutboxItem
        {
            Id = Guid.NewGuid(),
            Kind = OutboxKind.Telegram,
            TelegramId = id,
            PeerDid = tie.PeerDid,
            Endpoint = tie.PeerEndpoint,
            Payload = signed,
            DueAt = now,
            ExpiresAt = expiresAt,
            Precedence = draft.Precedence,
        };
        return (entry, outbox);
    }

    /// <summary>Marks an inbound telegram read (first opening only) and sends a read receipt if the tie allows.</summary>
    public async Task<bool> MarkReadAsync(Guid telegramId, CancellationToken ct = default)
    {
        var now = Now;
        var record = await Store.Telegrams.GetTelegramAsync(telegramId, Direction.Inbound, ct).ConfigureAwait(false);
        if (record is null || !await Store.Telegrams.MarkReadAsync(telegramId, now, ct).ConfigureAwait(false))
        {
            return false;
        }

        var tie = await Store.Ties.GetTieAsync(record.Counterpart, ct).ConfigureAwait(false);
        if (tie is { Status: TieStatus.Established, Terms.ReadReceipts: true })
        {
            await Ties.EnqueueControlAsync(tie, MessageTypes.Read, new System.Text.Json.Nodes.JsonObject
            {
                ["telegram"] = telegramId.ToString(),
                ["read_time"] = now.ToUnixTimeMilliseconds(),
            }, ct).ConfigureAwait(false);
        }

        return true;
    }

    private static void Validate(TelegramDraft draft, TieTerms terms)
    {
        if (TelegramDraftRules.Check(draft) is [var broken, ..])
        {
            throw new TelexException(TelexErrorKind.Invalid, $"{broken.Field}: {broken.Message}");
        }

        if (System.Text.Encoding.UTF8.GetByteCount(draft.Body) > terms.MaxTelegramBytes)
        {
            throw new TelexException(TelexErrorKind.Invalid, $"the text exceeds the tie's limit of {terms.MaxTelegramBytes} bytes");
        }

        long content = System.Text.Encoding.UTF8.GetByteCount(draft.Body) + System.Text.Encoding.UTF8.GetByteCount(draft.Subject) + 4096;
        foreach (var a in draft.Attachments)
        {
            if (a.Content.Length > terms.MaxAttachmentBytes)
            {
                throw new TelexException(TelexErrorKind.Invalid, $"attachment {a.Name} exceeds the tie's limit of {terms.MaxAttachmentBytes} bytes");
            }

            content += ((a.Content.Length + 2L) / 3 * 4) + 512;
        }

        // The packed message carries the content base64url-encoded twice (JWS payload, then JWE ciphertext); it must
        // stay under the size any DIDComm receiver accepts, or it could be released but never delivered.
        long packed = ((content * 4 / 3) + 1024) * 4 / 3 + 4096;
        if (packed > DidComm.DidCommLimits.Default.MaxMessageBytes)
        {
            throw new TelexException(TelexErrorKind.Invalid,
                $"the telegram with its attachments is too large to deliver (about {packed / (1024 * 1024)} MiB packed; the limit is {DidComm.DidCommLimits.Default.MaxMessageBytes / (1024 * 1024)} MiB)");
        }
    }
}
