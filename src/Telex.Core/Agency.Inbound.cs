using System.Collections.Frozen;
using System.Security.Cryptography;

using Telex.Core.Background;
using Telex.Core.Inbound;
using Telex.DidComm;
using Telex.DidComm.Messages;

namespace Telex.Core;

/// <summary>The answer to a peer's message: accepted, or refused with a <see cref="Inbound.Refusal"/>.</summary>
/// <param name="Refusal">Why it was refused; null when accepted.</param>
public sealed record InboundResult(Refusal? Refusal)
{
    /// <summary>Accepted.</summary>
    public static InboundResult Accepted { get; } = new((Refusal?)null);

    /// <summary>True when accepted.</summary>
    public bool IsAccepted => Refusal is null;

    /// <summary>The DIDComm problem code (e.g. <c>e.p.tie.none</c>), null when accepted.</summary>
    public string? Code => Refusal?.Code;

    /// <summary>Why it was refused, null when accepted.</summary>
    public string? Detail => Refusal?.Reason;
}

public sealed partial class Agency
{
    /// <summary>The handlers by message type (<see cref="RegisterHandlers"/>), over a tie and through a relay.</summary>
    private readonly (FrozenDictionary<string, InboundHandler> Direct, FrozenDictionary<string, InboundHandler> Relayed) _handlers;

    /// <summary>
    /// Handles a packed message posted by a peer: it passes the gate (<see cref="InboundGate"/>) and then the handler
    /// registered for its type. Every Telex message must be signed and encrypted, addressed to this agency and come over
    /// a tie whose state lets its type through (a tie request excepted), or through a relay from an agency without one.
    /// A refused message changes nothing. Never throws for bad input.
    /// </summary>
    public async Task<InboundResult> ReceiveAsync(ReadOnlyMemory<byte> packed, CancellationToken ct = default)
    {
        var unpacked = Packer.Unpack(packed);
        if (!unpacked.Success)
        {
            Log.Refused(_logger, unpacked.Failure!.ToString());
            return new InboundResult(InboundGate.UnpackRefusal(unpacked.Failure, ""));
        }

        Refusal? refusal;
        try
        {
            refusal = InboundGate.CheckEnvelope(unpacked.Message!, unpacked.Metadata!, Identity.IsOwnDid, Now)
                ?? await PassGateAsync(unpacked.Message!, unpacked.Metadata!, relay: null, ct).ConfigureAwait(false);
        }
        catch (InboundRefusal raised)
        {
            refusal = raised.Refusal;
        }

        if (refusal is not null)
        {
            Log.Refused(_logger, refusal.Reason);
            return new InboundResult(refusal);
        }

        return InboundResult.Accepted;
    }

    /// <summary>
    /// Identifies the tie a message is judged by (the sender's, the old DID's for a key rotation, the origin's for one a
    /// relay delivered), lets the gate decide on it and on the sender's side in a bureau, then hands the message to the
    /// handler registered for its type. A relay's delivery opens here, and what it carries passes the gate again.
    /// </summary>
    private async Task<Refusal?> PassGateAsync(Message message, UnpackMetadata meta, Tie? relay, CancellationToken ct)
    {
        var rule = InboundGate.Rules.GetValueOrDefault(message.Type);
        string senderDid = message.From!;
        if (relay is null && rule?.Sender == SenderTie.OfPriorDid && InboundGate.ReadPriorDid(message, meta, out senderDid) is { } noPrior)
        {
            return noPrior;
        }

        var tie = await Store.Ties.GetTieAsync(senderDid, ct).ConfigureAwait(false);
        if (relay is null && rule?.Sender is (null or SenderTie.OfSigner) && tie is not null && tie.PeerDid != senderDid
            && await Keys.IsRetiredDidAsync(senderDid, ct).ConfigureAwait(false))
        {
            return Refusal.Forbidden("e.p.keys.retired", "the sender's DID was replaced by a key rotation longer ago than this agency accepts it for");
        }

        var arrival = new Arrival(message.Type, relay is null ? Route.Direct : Route.Relayed, tie?.Status)
        {
            TermsPermitRelays = tie?.Terms.Relays == true,
            Requested = message.Type == MessageTypes.TieStatus ? InboundGate.RequestedTieStatus(message) : null,
            SuspendedBy = tie?.SuspendedBy,
        };
        if (InboundGate.Decide(arrival) is { } refused)
        {
            return refused;
        }

        var inbound = new InboundMessage(message, meta, tie, senderDid) { Relay = relay };
        if (rule!.OpensEnvelope)
        {
            return await OpenRelayDeliveryAsync(inbound, ct).ConfigureAwait(false);
        }

        if (rule.Bureau is { } bureauRule)
        {
            if (!Guid.TryParse(message.Body.StringMember("bureau"), out var bureauId))
            {
                return Refusal.Malformed("e.p.msg.bad-request", "a bureau message names its bureau");
            }

            var bureau = await Store.Bureaus.GetBureauAsync(bureauId, ct).ConfigureAwait(false);
            if (bureau is null && bureauRule.MustBeHeld)
            {
                // The charter or the epoch that names it may still be on its way: the sender's outbox tries again later.
                return Refusal.Conflict("e.p.bureau.unknown", "no such bureau here yet");
            }

            if (bureau is not null && InboundGate.DecideBureau(bureauRule, InboundGate.RoleOf(bureau, inbound.SenderTie.PeerDid),
                bureau.Secretariat == Identity.Did) is { } notThisSide)
            {
                return notThisSide;
            }

            inbound = inbound with { BureauId = bureauId, Bureau = bureau };
        }

        await (relay is null ? _handlers.Direct : _handlers.Relayed)[message.Type](inbound, ct).ConfigureAwait(false);
        return null;
    }

    /// <summary>
    /// A relay's delivery, from an established tie whose terms permit relays (the gate checked that): the envelope it
    /// carries must be signed and encrypted, signed by the origin the relay names and addressed to this agency; then it
    /// passes the gate as a relayed message. The relay checked its own policy before it took the envelope; its
    /// signature here is its word.
    /// </summary>
    private async Task<Refusal?> OpenRelayDeliveryAsync(InboundMessage delivery, CancellationToken ct)
    {
        if (InboundGate.ReadDelivery(delivery.Message, out string origin, out var envelope) is { } malformed)
        {
            return malformed;
        }

        var unpacked = Packer.Unpack(JsonSerializer.SerializeToUtf8Bytes(envelope));
        if (!unpacked.Success)
        {
            return InboundGate.UnpackRefusal(unpacked.Failure, "the relayed message: ");
        }

        return InboundGate.CheckRelayedEnvelope(unpacked.Message, unpacked.Metadata, origin, Identity.IsOwnDid, Now)
            ?? await PassGateAsync(unpacked.Message, unpacked.Metadata, delivery.SenderTie, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The handler of each message type the gate lets through: over a tie, and (for the few that may) through a relay
    /// from an agency without one. Every row of the gate's table has its handlers, checked here once, when the agency is
    /// made: one that disagrees with the table does not start.
    /// </summary>
    private (FrozenDictionary<string, InboundHandler> Direct, FrozenDictionary<string, InboundHandler> Relayed) RegisterHandlers()
    {
        var handlers = new InboundHandlers
        {
            Direct =
            {
                [MessageTypes.TieRequest] = (m, ct) => Ties.HandleTieRequestAsync(m.Message, m.Tie, ct),
                [MessageTypes.TieAccept] = (m, ct) => Ties.HandleTieAcceptAsync(m.SenderTie, m.Message, ct),
                [MessageTypes.TieStatus] = (m, ct) => Ties.HandleTieStatusAsync(m.SenderTie, m.Message, ct),
                [MessageTypes.TermsPropose] = (m, ct) => Ties.HandleTermsAsync(m.SenderTie, m.Message, signed: false, ct),
                [MessageTypes.TermsSign] = (m, ct) => Ties.HandleTermsAsync(m.SenderTie, m.Message, signed: true, ct),
                [MessageTypes.KeysRotate] = (m, ct) => Keys.HandleKeyRotationAsync(m.SenderTie, m.SenderDid, m.Message, ct),
                [MessageTypes.Telegram] = (m, ct) => HandleTelegramAsync(m.SenderTie, m.Message, m.Meta, ct),
                [MessageTypes.Receipt] = (m, ct) => HandleReceiptAsync(m.SenderTie, m.Message, m.Meta, ct),
                [MessageTypes.Resend] = (m, ct) => HandleResendAsync(m.SenderTie, m.Message, ct),
                [MessageTypes.Read] = (m, ct) => HandleReadAsync(m.SenderTie, m.Message, ct),
                [MessageTypes.Checkpoint] = (m, ct) => Register.HandleCheckpointAsync(m.SenderTie, m.Message, m.Meta, ct),
                [DidCommPacker.ForwardType] = (m, ct) => Relays.HandleForwardAsync(m.SenderTie, m.Message, ct),
                [MessageTypes.ProblemReport] = (m, _) =>
                {
                    Log.ProblemReported(_logger, m.SenderTie.PeerName, m.Message.Body.StringMember("code"), m.Message.Body.StringMember("comment"));
                    return Task.CompletedTask;
                },
            },
            Relayed =
            {
                [MessageTypes.Telegram] = (m, ct) => HandleRelayedTelegramAsync(m.Relay!, m.Message, m.Meta, ct),
                [MessageTypes.Receipt] = (m, ct) => HandleReceiptAsync(m.SenderTie, m.Message, m.Meta, ct),
            },
        };
        Issues.RegisterHandlers(handlers);
        Clearance.RegisterHandlers(handlers);
        Bureaus.RegisterHandlers(handlers);
        BureauTraffic.RegisterHandlers(handlers);
        var (direct, relayed) = (handlers.Direct, handlers.Relayed);
        foreach (var rule in InboundGate.Rules.Values)
        {
            if ((!rule.OpensEnvelope && !direct.ContainsKey(rule.Type)) || (rule.RelayedFrom.Count > 0) != relayed.ContainsKey(rule.Type))
            {
                throw new InvalidOperationException($"the gate's table and the handlers registered disagree on {rule.Type}");
            }
        }

        return (direct.ToFrozenDictionary(StringComparer.Ordinal), relayed.ToFrozenDictionary(StringComparer.Ordinal));
    }

    private async Task HandleTelegramAsync(Tie tie, Message message, UnpackMetadata meta, CancellationToken ct, string? via = null)
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
            await BureauTraffic.CheckBulletinAsync(tie, bureauId, t.BureauEpoch!.Value, ct).ConfigureAwait(false);
        }

        // An issue held here belongs to one counterpart (or bureau): a telegram from anyone else may not join its history.
        // An id naming no issue here is a label, as on telegrams from before issues were shared (or its opening is on its way).
        if (t.IssueId is { } issueId && await Store.Issues.GetIssueAsync(issueId, ct).ConfigureAwait(false) is { } issue
            && !await IsIssueSharedAsync(issue, tie, t.BureauId, ct).ConfigureAwait(false))
        {
            throw new InboundRefusal(RefusalKind.Forbidden, "e.p.issue.other-tie", "the telegram names an issue this agency shares with another counterpart");
        }

        byte[] signedOriginal = meta.SignedMessage.ToArray();
        string contentHash = Convert.ToHexStringLower(SHA256.HashData(signedOriginal));
        var result = await Store.Telegrams.RegisterInboundAsync(t.Id, (registryNumber, receivedAt) =>
        {
            return new TelegramRecord
            {
                Id = t.Id,
                Direction = Direction.Inbound,
                Counterpart = tie.PeerDid,
                Serial = t.Serial,
                RegistryNumber = registryNumber,
                Status = TelegramStatus.Registered,
                CreatedAt = t.CreatedAt,
                ReleasedAt = t.ReleasedAt,
                RegisteredAt = receivedAt,
                Subject = t.Subject,
                Body = t.Text,
                Precedence = t.Precedence,
                IssueId = t.IssueId,
                OnBehalfOf = t.OnBehalfOf,
                Drafter = t.Drafter,
                ReleasingOfficer = t.ReleasingOfficer,
                SenderName = t.SenderName ?? tie.PeerName,
                Attendees = t.Attendees,
                References = t.References,
                Attachments = t.Attachments,
                ContentHash = contentHash,
                Plaintext = message.ToUtf8Json(),
                SignedOriginal = signedOriginal,
                RelayPath = t.RelayPath,
                BureauId = t.BureauId,
                BureauEpoch = t.BureauEpoch,
            };
        }, ct).ConfigureAwait(false);

        if (result.Record.ContentHash != contentHash || !await Directory.IsOfTieAsync(tie, result.Record.Counterpart, ct).ConfigureAwait(false))
        {
            // The same id with other content or from another agency: never overwrite the register.
            throw new InboundRefusal(RefusalKind.Conflict, "e.p.msg.conflict", "a different telegram with this id is registered already");
        }

        if (result.IsNew)
        {
            Log.Registered(_logger, t.Id, tie.PeerName, result.Record.RegistryNumber);
            _gaps.NoteArrivalFrom(tie.PeerDid);
            Publish("telegram.registered", tie.PeerDid, t.Id);
        }
        else
        {
            Log.Duplicate(_logger, t.Id);
        }

        var entry = result.Record;
        var pending = new PendingReceipt(tie, entry.Receipt is null ? new ReceiptEntry(entry.Id, entry.ContentHash, entry.RegistryNumber, entry.RegisteredAt) : null,
            entry.Receipt);
        _receiptSender.Queue(pending with { Via = via });
    }

    private async Task HandleReceiptAsync(Tie tie, Message message, UnpackMetadata meta, CancellationToken ct)
    {
        if (!message.Body.TryGetProperty("receipts", out var receipts) || receipts.ValueKind != JsonValueKind.Array
            || receipts.GetArrayLength() > 10_000)
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "a receipt lists at most 10,000 telegrams");
        }

        var entries = new List<(Guid Id, string Hash, long Number)>(receipts.GetArrayLength());
        foreach (var r in receipts.EnumerateArray())
        {
            if (!Guid.TryParse(r.StringMember("telegram"), out var id) || r.StringMember("content_hash") is not { } hash
                || !r.TryIntegerMember("registry_number", out long number))
            {
                throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "malformed receipt entry");
            }

            entries.Add((id, hash, number));
        }

        // A receipt for many telegrams is filed concurrently, so their deliveries share commits.
        byte[] signed = meta.SignedMessage.ToArray();
        await Parallel.ForEachAsync(entries, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = ct }, async (e, c) =>
        {
            var telegram = await Store.Telegrams.GetTelegramAsync(e.Id, Direction.Outbound, c).ConfigureAwait(false);
            if (telegram is null || telegram.ContentHash != e.Hash || !await Directory.IsOfTieAsync(tie, telegram.Counterpart, c).ConfigureAwait(false))
            {
                return;
            }

            var now = Now;
            if (telegram.Status != TelegramStatus.Delivered
                && await Store.Telegrams.MarkDeliveredAsync(e.Id, signed, e.Number, now, c).ConfigureAwait(false))
            {
                Emit(new AgencyEvent("telegram.delivered", tie.PeerDid, e.Id, now) { SinceRelease = now - telegram.ReleasedAt });
            }
        }).ConfigureAwait(false);
    }

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

        Wake();
    }

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
