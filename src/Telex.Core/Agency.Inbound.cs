using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

using Telex.Core.Inbound;
using Telex.Core.Model;
using Telex.Core.Protocol;
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
    /// <summary>
    /// Handles a packed message posted by a peer. Every Telex message must be signed and encrypted, come from an
    /// agency with an established tie (a tie request excepted) and be addressed to this agency. A refused message
    /// changes nothing. Never throws for bad input.
    /// </summary>
    public async Task<InboundResult> ReceiveAsync(ReadOnlyMemory<byte> packed, CancellationToken ct = default)
    {
        var unpacked = Packer.Unpack(packed);
        if (!unpacked.Success)
        {
            var f = unpacked.Failure!;
            Log.Refused(_logger, f.ToString());
            return new InboundResult(InboundGate.UnpackRefusal(f, ""));
        }

        var message = unpacked.Message!;
        var meta = unpacked.Metadata!;
        try
        {
            if (!meta.Encrypted || !meta.NonRepudiation || message.From is null || !IsPeerDid(message.From))
            {
                throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.unprotected", "Telex messages must be signed by a did:peer:2 sender and encrypted");
            }

            var identity = Identity;
            if (message.To is null || !message.To.Any(identity.IsOwnDid))
            {
                throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.recipient", "the message is not addressed to this agency");
            }

            if (!PeerTime.IsValidUnixSeconds(message.CreatedTime) || !PeerTime.IsValidUnixSeconds(message.ExpiresTime))
            {
                throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-time", "created_time and expires_time must be Unix times from 1970 to 9999");
            }

            if (message.ExpiresTime is { } expires && DateTimeOffset.FromUnixTimeSeconds(expires) < Now)
            {
                throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.expired", "the message has expired");
            }

            if (message.Type == MessageTypes.TieRequest)
            {
                await HandleTieRequestAsync(message, ct).ConfigureAwait(false);
                return InboundResult.Accepted;
            }

            if (message.Type == MessageTypes.KeysRotate)
            {
                await HandleKeyRotationAsync(message, meta, ct).ConfigureAwait(false);
                return InboundResult.Accepted;
            }

            // An agency without a tie reaches this one only through a relay's signed delivery (HandleRelayDeliveryAsync).
            var tie = await Store.GetTieAsync(message.From, ct).ConfigureAwait(false);
            if (tie is not null && tie.PeerDid != message.From && await IsRetiredDidAsync(message.From, ct).ConfigureAwait(false))
            {
                throw new InboundRefusal(RefusalKind.Forbidden, "e.p.keys.retired", "the sender's DID was replaced by a key rotation longer ago than this agency accepts it for");
            }

            bool allowed = tie is not null && (tie.Status == TieStatus.Established
                || (tie.Status == TieStatus.Invited && message.Type == MessageTypes.TieAccept)
                || (tie.Status == TieStatus.Suspended && message.Type is MessageTypes.TieStatus or MessageTypes.Receipt));
            if (!allowed)
            {
                throw new InboundRefusal(RefusalKind.Forbidden, "e.p.tie.none", "no established tie with the sender");
            }

            switch (message.Type)
            {
                case MessageTypes.Telegram:
                    await HandleTelegramAsync(tie!, message, meta, ct).ConfigureAwait(false);
                    break;
                case MessageTypes.Receipt:
                    await HandleReceiptAsync(tie!, message, meta, ct).ConfigureAwait(false);
                    break;
                case MessageTypes.Resend:
                    await HandleResendAsync(tie!, message, ct).ConfigureAwait(false);
                    break;
                case MessageTypes.TieAccept:
                    await HandleTieAcceptAsync(tie!, message, ct).ConfigureAwait(false);
                    break;
                case MessageTypes.TieStatus:
                    await HandleTieStatusAsync(tie!, message, ct).ConfigureAwait(false);
                    break;
                case MessageTypes.TermsPropose:
                    await HandleTermsAsync(tie!, message, signed: false, ct).ConfigureAwait(false);
                    break;
                case MessageTypes.TermsSign:
                    await HandleTermsAsync(tie!, message, signed: true, ct).ConfigureAwait(false);
                    break;
                case MessageTypes.Checkpoint:
                    await HandleCheckpointAsync(tie!, message, meta, ct).ConfigureAwait(false);
                    break;
                case MessageTypes.Read:
                    await HandleReadAsync(tie!, message, ct).ConfigureAwait(false);
                    break;
                case MessageTypes.IssueOpen:
                    await HandleIssueOpenAsync(tie!, message, ct).ConfigureAwait(false);
                    break;
                case MessageTypes.IssueStatus:
                    await HandleIssueStatusAsync(tie!, message, ct).ConfigureAwait(false);
                    break;
                case MessageTypes.IssueShare:
                    await HandleIssueShareAsync(tie!, message, ct).ConfigureAwait(false);
                    break;
                case MessageTypes.ClearanceRequest:
                    await HandleClearanceRequestAsync(tie!, message, ct).ConfigureAwait(false);
                    break;
                case MessageTypes.ClearanceAnswer:
                    await HandleClearanceAnswerAsync(tie!, message, ct).ConfigureAwait(false);
                    break;
                case DidCommPacker.ForwardType:
                    await HandleForwardAsync(tie!, message, ct).ConfigureAwait(false);
                    break;
                case MessageTypes.RelayDelivery:
                    await HandleRelayDeliveryAsync(tie!, message, ct).ConfigureAwait(false);
                    break;
                case MessageTypes.BureauCharter or MessageTypes.BureauJoin or MessageTypes.BureauLeave or MessageTypes.BureauEpoch
                    or MessageTypes.BureauIssueOpen or MessageTypes.BureauIssueStatus or MessageTypes.BureauOutcomes:
                    await HandleBureauMessageAsync(tie!, message, ct).ConfigureAwait(false);
                    break;
                case MessageTypes.ProblemReport:
                    Log.ProblemReported(_logger, tie!.PeerName, message.Body.StringMember("code"), message.Body.StringMember("comment"));
                    break;
                default:
                    throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.unsupported", $"message type {message.Type} is not supported");
            }

            return InboundResult.Accepted;
        }
        catch (InboundRefusal refusal)
        {
            Log.Refused(_logger, refusal.Message);
            return new InboundResult(refusal.Refusal);
        }
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
            await CheckBulletinAsync(tie, bureauId, t.BureauEpoch!.Value, ct).ConfigureAwait(false);
        }

        // An issue held here belongs to one counterpart (or bureau): a telegram from anyone else may not join its history.
        // An id naming no issue here is a label, as on telegrams from before issues were shared (or its opening is on its way).
        if (t.IssueId is { } issueId && await Store.GetIssueAsync(issueId, ct).ConfigureAwait(false) is { } issue
            && !await IsIssueSharedAsync(issue, tie, t.BureauId, ct).ConfigureAwait(false))
        {
            throw new InboundRefusal(RefusalKind.Forbidden, "e.p.issue.other-tie", "the telegram names an issue this agency shares with another counterpart");
        }

        byte[] signedOriginal = meta.SignedMessage.ToArray();
        string contentHash = Convert.ToHexStringLower(SHA256.HashData(signedOriginal));
        var result = await Store.RegisterInboundAsync(t.Id, (registryNumber, receivedAt) =>
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

        if (result.Record.ContentHash != contentHash || !await IsOfTieAsync(tie, result.Record.Counterpart, ct).ConfigureAwait(false))
        {
            // The same id with other content or from another agency: never overwrite the register.
            throw new InboundRefusal(RefusalKind.Conflict, "e.p.msg.conflict", "a different telegram with this id is registered already");
        }

        if (result.IsNew)
        {
            Log.Registered(_logger, t.Id, tie.PeerName, result.Record.RegistryNumber);
            NoteArrivalFrom(tie.PeerDid);
            Publish("telegram.registered", tie.PeerDid, t.Id);
        }
        else
        {
            Log.Duplicate(_logger, t.Id);
        }

        var entry = result.Record;
        var pending = new PendingReceipt(tie, entry.Receipt is null ? new ReceiptEntry(entry.Id, entry.ContentHash, entry.RegistryNumber, entry.RegisteredAt) : null,
            entry.Receipt);
        QueueReceipt(pending with { Via = via });
    }

    private byte[] SignReceipt(string peerDid, IEnumerable<ReceiptEntry> entries)
    {
        var list = new JsonArray();
        foreach (var (id, hash, number, at) in entries)
        {
            list.Add(new JsonObject
            {
                ["telegram"] = id.ToString(),
                ["content_hash"] = hash,
                ["registry_number"] = number,
                ["received_time"] = at.ToUnixTimeMilliseconds(),
            });
        }

        var receipt = ControlMessage(MessageTypes.Receipt, peerDid, new JsonObject { ["receipts"] = list });
        return Packer.PackSigned(receipt, receipt.From!).Packed;
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
            var telegram = await Store.GetTelegramAsync(e.Id, Direction.Outbound, c).ConfigureAwait(false);
            if (telegram is null || telegram.ContentHash != e.Hash || !await IsOfTieAsync(tie, telegram.Counterpart, c).ConfigureAwait(false))
            {
                return;
            }

            var now = Now;
            if (telegram.Status != TelegramStatus.Delivered
                && await Store.MarkDeliveredAsync(e.Id, signed, e.Number, now, c).ConfigureAwait(false))
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

        foreach (var id in await Store.OutboundIdsBySerialAsync(tie.PeerDid, serials, ct).ConfigureAwait(false))
        {
            await Store.RequeueAsync(id, tie.PeerDid, Now, ct).ConfigureAwait(false);
        }

        Wake();
    }
}
