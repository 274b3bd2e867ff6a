using Telex.Core.Background;
using Telex.Core.Bureaus;
using Telex.Core.Clearance;
using Telex.Core.Issues;
using Telex.Core.Receipts;
using Telex.Core.Relay;

namespace Telex.Core.Telegrams;

/// <summary>
/// Telegrams: released here (a serial, a signature, a register entry and an outbox item in one transaction) and
/// registered on arrival, over a tie or through a relay, each acknowledged by a receipt; a counterpart's request to send
/// missing serials again, and read receipts both ways.
/// </summary>
public sealed class TelegramService : AgencyService
{
    private readonly DirectoryService _directory;
    private readonly TieService _ties;
    private readonly RelayService _relays;
    private readonly ClearanceService _clearance;
    private readonly IssueService _issues;
    private readonly BureauTrafficService _traffic;
    private readonly TelegramRelease _release;
    private readonly ReceiptService _receipts;
    private readonly GapWatcher _gaps;

    internal TelegramService(AgencyContext context, DirectoryService directory, TieService ties, RelayService relays, ClearanceService clearance,
        IssueService issues, BureauTrafficService traffic, TelegramRelease release, ReceiptService receipts, GapWatcher gaps)
        : base(context)
    {
        _directory = directory;
        _ties = ties;
        _relays = relays;
        _clearance = clearance;
        _issues = issues;
        _traffic = traffic;
        _release = release;
        _receipts = receipts;
        _gaps = gaps;
    }

    /// <summary>
    /// The release an officer's client request id (the client API's idempotency key) holds while it is kept at
    /// <paramref name="now"/>, or null: what the API answers again when the same request comes back.
    /// </summary>
    public Task<IdempotentRelease?> FindIdempotentReleaseAsync(string officer, string key, DateTimeOffset now, CancellationToken ct = default) =>
        Store.Idempotency.FindIdempotentReleaseAsync(officer, key, now, ct);

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
        (draft, var tie, var relayPath) = await CheckReleaseAsync(draft, ct).ConfigureAwait(false);
        var id = Guid.NewGuid();
        var record = await Store.Telegrams.ReleaseAsync(tie.PeerDid, serial => _release.BuildRelease(id, draft, tie, serial, releasingOfficer, relayPath), claim, ct).ConfigureAwait(false);
        Context.Wake();
        Publish("telegram.queued", tie.PeerDid, id);
        return record;
    }

    /// <summary>
    /// Checks a draft as <see cref="ReleaseAsync(TelegramDraft, string, IdempotencyClaim?, CancellationToken)"/> does before
    /// it writes anything (the tie or relay, the tie's terms, the issue, the clearance policy), throwing what it would throw;
    /// releases nothing. Returns the draft with its issue id, the tie it goes over and its relay path.
    /// </summary>
    public async Task<(TelegramDraft Draft, Tie Tie, IReadOnlyList<string> RelayPath)> CheckReleaseAsync(TelegramDraft draft, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        draft = await _release.WithIssueIdAsync(draft, ct).ConfigureAwait(false);
        var tie = await Store.Ties.GetTieAsync(draft.To, ct).ConfigureAwait(false);
        IReadOnlyList<string> relayPath = [];
        if (draft.Via is not null || tie is null or { Status: TieStatus.None })
        {
            (tie, relayPath) = await _relays.ChooseAsync(draft, tie, ct).ConfigureAwait(false);
        }
        else if (tie is not { Status: TieStatus.Established })
        {
            throw new TelexException(TelexErrorKind.Conflict, "no established tie with the recipient");
        }

        TelegramRelease.Validate(draft, tie.Terms);
        await _release.CheckIssueAsync(draft, ct).ConfigureAwait(false);
        var required = await _clearance.RequiredClearancesAsync(draft.To, draft.Precedence, ct).ConfigureAwait(false);
        if (required.Count > 0)
        {
            throw new TelexException(TelexErrorKind.Conflict,
                $"the agency's policy requires clearance ({string.Join(", ", required.Select(ClearanceService.Describe))}) before release: submit it as a draft");
        }

        return (draft, tie, relayPath);
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
            await _ties.EnqueueControlAsync(tie, MessageTypes.Read, new JsonObject
            {
                ["telegram"] = telegramId.ToString(),
                ["read_time"] = now.ToUnixTimeMilliseconds(),
            }, ct).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Registers the handlers of telegrams, resend requests and read receipts with the gate; telegrams may come through a relay too.</summary>
    internal void RegisterHandlers(InboundHandlers handlers)
    {
        handlers.Direct.Add(MessageTypes.Telegram, (m, ct) => HandleTelegramAsync(m.SenderTie, m.Message, m.Meta, via: null, ct));
        handlers.Direct.Add(MessageTypes.Resend, (m, ct) => HandleResendAsync(m.SenderTie, m.Message, ct));
        handlers.Direct.Add(MessageTypes.Read, (m, ct) => HandleReadAsync(m.SenderTie, m.Message, ct));
        handlers.Relayed.Add(MessageTypes.Telegram, (m, ct) => HandleRelayedTelegramAsync(m.Relay!, m.Message, m.Meta, ct));
    }

    /// <summary>
    /// A telegram from <paramref name="tie"/>: checked against the tie's terms, its bureau and its issue, then registered
    /// once by id (a registry number in one transaction) and acknowledged; one arriving again gets its original receipt.
    /// <paramref name="via"/> is the relay that delivered it, null over a tie.
    /// </summary>
    private async Task HandleTelegramAsync(Tie tie, Message message, UnpackMetadata meta, string? via, CancellationToken ct)
    {
        if (!TelegramWire.TryParse(message, tie.Terms, out var t, out var error))
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-telegram", error);
        }

        // The way a telegram came is what this agency saw, not what the sender claims: one sent over a tie names no relay
        // (HandleRelayedTelegramAsync checks a relayed one's path against the relay that delivered it).
        if (via is null && t.RelayPath.Count > 0)
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-telegram", "a telegram sent over a tie names no relay path");
        }

        if (t.BureauId is { } bureauId)
        {
            await _traffic.CheckBulletinAsync(tie, bureauId, t.BureauEpoch!.Value, ct).ConfigureAwait(false);
        }

        // An issue held here belongs to one counterpart (or bureau): a telegram from anyone else may not join its history.
        // An id naming no issue here is a label, as on telegrams from before issues were shared (or its opening is on its way).
        if (t.IssueId is { } issueId && await Store.Issues.GetIssueAsync(issueId, ct).ConfigureAwait(false) is { } issue
            && !await _issues.IsSharedWithAsync(issue, tie, t.BureauId, ct).ConfigureAwait(false))
        {
            throw new InboundRefusal(RefusalKind.Forbidden, "e.p.issue.other-tie", "the telegram names an issue this agency shares with another counterpart");
        }

        // A telegram that gives no sender name is filed under its tie's.
        var record = TelegramRecord.Of(t with { SenderName = t.SenderName ?? tie.PeerName }, Direction.Inbound, tie.PeerDid, message.ToUtf8Json(),
            meta.SignedMessage.ToArray());
        var result = await Store.Telegrams.RegisterInboundAsync(t.Id, (registryNumber, receivedAt) =>
            record with { RegistryNumber = registryNumber, RegisteredAt = receivedAt }, ct).ConfigureAwait(false);


        if (result.Record.ContentHash != record.ContentHash || !await _directory.IsOfTieAsync(tie, result.Record.Counterpart, ct).ConfigureAwait(false))
        {
            // The same id with other content or from another agency: never overwrite the register.
            throw new InboundRefusal(RefusalKind.Conflict, "e.p.msg.conflict", "a different telegram with this id is registered already");
        }

        if (result.IsNew)
        {
            Log.Registered(Logger, t.Id, tie.PeerName, result.Record.RegistryNumber);
            _gaps.NoteArrivalFrom(tie.PeerDid);
            Publish("telegram.registered", tie.PeerDid, t.Id);
        }
        else
        {
            Log.Duplicate(Logger, t.Id);
        }

        _receipts.Acknowledge(tie, result.Record, via);
    }

    /// <summary>
    /// A telegram from an agency without a tie, delivered by <paramref name="relay"/> (the gate opened the delivery): the
    /// relay path the sender signed must end at that relay, so the register records the way it came; the relay's terms
    /// bound it. The sender enters the directory on first contact; the receipt goes back through that relay.
    /// </summary>
    private async Task HandleRelayedTelegramAsync(Tie relay, Message message, UnpackMetadata meta, CancellationToken ct)
    {
        string from = message.From!;
        string? lastHop = message.Body.ValueKind == JsonValueKind.Object && message.Body.TryGetProperty("relay_path", out var path)
            && path.ValueKind == JsonValueKind.Array && path.GetArrayLength() is > 0 and <= TelegramWire.MaxRelayHops
            && path[path.GetArrayLength() - 1].ValueKind == JsonValueKind.String
                ? path[path.GetArrayLength() - 1].GetString()
                : null;
        if (lastHop is null || !await _directory.IsOfTieAsync(relay, lastHop, ct).ConfigureAwait(false))
        {
            throw new InboundRefusal(RefusalKind.Forbidden, "e.p.relay.path", "the telegram's relay path does not end at the relay that delivered it");
        }

        string? senderName = message.Body.StringMember("sender_name");
        string name = string.IsNullOrWhiteSpace(senderName) || senderName.Length > 200 ? from : senderName;
        var sender = new Tie
        {
            PeerDid = from,
            PeerName = name,
            PeerEndpoint = "",
            Status = TieStatus.None,
            Terms = relay.Terms,
        };
        await HandleTelegramAsync(sender, message, meta, relay.PeerDid, ct).ConfigureAwait(false);
        await _directory.RecordFirstContactAsync(from, name, relay.PeerDid, ct).ConfigureAwait(false);
    }

    /// <summary>A counterpart's request to send serials again that never reached it: their telegrams go back in the outbox.</summary>
    private async Task HandleResendAsync(Tie tie, Message message, CancellationToken ct)
    {
        if (!message.Body.TryGetProperty("missing", out var missing) || missing.ValueKind != JsonValueKind.Array
            || missing.GetArrayLength() > 10_000)
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "a resend request lists at most 10,000 serials");
        }

        var serials = new List<long>();
        foreach (var s in missing.EnumerateArray())
        {
            if (!s.TryInteger(out long serial) || serial < 1)
            {
                throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "serials must be positive integers");
            }

            serials.Add(serial);
        }

        foreach (var id in await Store.Telegrams.OutboundIdsBySerialAsync(tie.PeerDid, serials, ct).ConfigureAwait(false))
        {
            await Store.Outbox.RequeueAsync(id, tie.PeerDid, Now, ct).ConfigureAwait(false);
        }

        Context.Wake();
    }

    /// <summary>A counterpart's read receipt for a telegram sent from here: noted once, with the time it gives (bounded).</summary>
    private async Task HandleReadAsync(Tie tie, Message message, CancellationToken ct)
    {
        if (!Guid.TryParse(message.Body.StringMember("telegram"), out var id))
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "a read receipt names the telegram");
        }

        var at = message.Body.TryIntegerMember("read_time", out long ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(ms, 0, 253_402_300_799_000))
            : Now;
        if (await Store.Telegrams.MarkReadByCounterpartAsync(id, tie.PeerDid, at, ct).ConfigureAwait(false))
        {
            Publish("telegram.read", tie.PeerDid, id);
        }
    }
}
