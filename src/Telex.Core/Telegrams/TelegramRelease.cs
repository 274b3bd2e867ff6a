using Telex.Core.Issues;

namespace Telex.Core.Telegrams;

/// <summary>The issue a person names by this agency's short number or by id; null when none (see <see cref="IssueService.FindIssueAsync"/>).</summary>
internal delegate Task<Issue?> IssueFinder(string reference, CancellationToken ct);

/// <summary>
/// What a telegram must be to be released, and how a released one is built: the draft's rules against the tie's terms,
/// the issue it names, and the signed register entry and outbox item. Every way out shares them: a telegram
/// (<see cref="TelegramService"/>), a cleared draft (<see cref="Clearance.ClearanceService"/>) and a bureau's bulletin
/// (<see cref="Bureaus.BureauTrafficService"/>).
/// </summary>
internal sealed class TelegramRelease(AgencyContext context, DirectoryService directory, IssueFinder findIssue) : AgencyService(context)
{
    /// <summary>
    /// A draft naming its issue by this agency's short number (<c>--issue 3</c>) names it by its id instead, as the
    /// telegram carries it. Throws when no issue has that number.
    /// </summary>
    public async Task<TelegramDraft> WithIssueIdAsync(TelegramDraft draft, CancellationToken ct) =>
        draft.IssueId is { } reference && IssueService.IsNumber(reference, out _)
            ? draft with
            {
                IssueId = (await findIssue(reference, ct).ConfigureAwait(false)
                    ?? throw new TelexException(TelexErrorKind.NotFound, $"no issue {reference} here (telex issue list shows them)")).Id,
            }
            : draft;

    /// <summary>
    /// A telegram naming an issue this agency holds must go to an agency taking part in it: its counterpart or one a
    /// referral brought in. An id naming no issue here is kept as a plain label, as telegrams from before issues were
    /// shared carry.
    /// </summary>
    public async Task CheckIssueAsync(TelegramDraft draft, CancellationToken ct)
    {
        if (draft.IssueId is { } issueId && await Store.Issues.GetIssueAsync(issueId, ct).ConfigureAwait(false) is { } issue
            && !(issue.BureauId is { } bureau && bureau == draft.BureauId)
            && !await directory.IsSameCounterpartAsync(issue.Counterpart, draft.To, ct).ConfigureAwait(false))
        {
            foreach (var p in issue.BureauId is null ? await Store.Issues.ListIssueParticipantsAsync(issueId, ct).ConfigureAwait(false) : [])
            {
                if (await directory.IsSameCounterpartAsync(p.Did, draft.To, ct).ConfigureAwait(false))
                {
                    return;
                }
            }

            throw new TelexException(TelexErrorKind.Invalid,
                $"issue \"{issue.Title}\" is not shared with the recipient: refer it to them first (telex issue status … referred --referred-to NAME)");
        }
    }

    /// <summary>The register entry and outbox item of a telegram released with <paramref name="serial"/>.</summary>
    public (TelegramRecord Record, OutboxItem Outbox) BuildRelease(Guid id, TelegramDraft draft, Tie tie, long serial, string releasingOfficer,
        IReadOnlyList<string>? relayPath = null)
    {
        var now = Now;
        var identity = Identity;
        var expiresAt = now + tie.Terms.Expiry;
        var message = TelegramWire.ToMessage(id, identity.Did, identity.Name, draft, serial, now, now, releasingOfficer, expiresAt, relayPath);
        if (TelegramWire.SizeProblem(message.Body, tie.Terms) is { } tooLarge)
        {
            throw new TelexException(TelexErrorKind.Invalid, tooLarge);
        }

        byte[] signed = Packer.PackSigned(message, message.From!).Packed;
        var released = new TelegramWire.Parsed(id, serial, draft.Subject, draft.Body, draft.Precedence, draft.IssueId, draft.OnBehalfOf, draft.Drafter,
            releasingOfficer, identity.Name, draft.Attendees, draft.References,
            draft.Attachments.Select(a => new AttachmentInfo(a.Name, a.MediaType, a.Content.Length, a.Sha256)).ToArray(), CreatedAt: now, ReleasedAt: now)
        {
            RelayPath = relayPath ?? [],
            BureauId = draft.BureauId,
            BureauEpoch = draft.BureauEpoch,
        };
        var entry = TelegramRecord.Of(released, Direction.Outbound, tie.PeerDid, message.ToUtf8Json(), signed);
        var outbox = new OutboxItem(Guid.NewGuid(), OutboxKind.Telegram, PeerDid: tie.PeerDid, Endpoint: tie.PeerEndpoint, Payload: signed, DueAt: now,
            ExpiresAt: expiresAt, TelegramId: id, Precedence: draft.Precedence);
        return (entry, outbox);
    }

    /// <summary>Throws when the telegram breaks the tie's terms or is not well formed.</summary>
    public static void Validate(TelegramDraft draft, TieTerms terms)
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
