using System.Text.Json;
using System.Text.Json.Nodes;

using Telex.Core.Inbound;
using Telex.Core.Model;
using Telex.Core.Protocol;
using Telex.DidComm;
using Telex.DidComm.Messages;

namespace Telex.Core;

public sealed partial class Agency
{
    /// <summary>The setting that holds the relay policy (JSON).</summary>
    public const string RelayPolicySetting = "relay.policy";

    /// <summary>The DIDComm problem code a relay answers for a pair its policy does not permit.</summary>
    public const string RelayRefusedCode = "e.p.relay.refused";

    /// <summary>
    /// Chooses how a telegram to an agency without an established tie travels: through <see cref="TelegramDraft.Via"/>
    /// when given, otherwise through an established tie whose terms permit relays and that the directory knows the
    /// recipient is tied with. Returns the recipient's tie (created with status none when missing: it holds the serial
    /// counter of the pair) carrying the relay's terms and endpoint, and the relay path.
    /// </summary>
    private async Task<(Tie Recipient, IReadOnlyList<string> Path)> ChooseRelayAsync(TelegramDraft draft, Tie? recipient, CancellationToken ct)
    {
        if (recipient is { Status: TieStatus.Invited or TieStatus.Suspended or TieStatus.Severed })
        {
            throw new TelexException(TelexErrorKind.Conflict, $"the tie with the recipient is {recipient.Status.ToString().ToLowerInvariant()}: nothing is sent to it");
        }

        if (draft.To == Identity.Did)
        {
            throw new TelexException(TelexErrorKind.Invalid, "the recipient must be another agency's did:peer:2 DID");
        }

        if (!IsPeerDid(draft.To))
        {
            throw await UnaddressableAsync(draft.To, ct).ConfigureAwait(false);
        }

        var entry = await Store.FindDirectoryEntryAsync(draft.To, ct).ConfigureAwait(false);
        Tie relay;
        if (draft.Via is { } via)
        {
            relay = await FindTieAsync(via, ct).ConfigureAwait(false)
                ?? throw new TelexException(TelexErrorKind.Invalid, $"no tie with the relay '{via}'");
            if (relay.PeerDid == draft.To)
            {
                throw new TelexException(TelexErrorKind.Invalid, "the relay cannot be the recipient itself");
            }

            if (relay is not { Status: TieStatus.Established, Terms.Relays: true })
            {
                throw new TelexException(TelexErrorKind.Conflict, $"the tie with {relay.PeerName} is not established or its terms do not permit relays");
            }
        }
        else
        {
            if (entry is null)
            {
                throw new TelexException(TelexErrorKind.Conflict,
                    "no established tie with the recipient, and it is not in the directory: add it with the ties it is known to hold, or name a relay");
            }

            Tie? chosen = null;
            foreach (string known in entry.KnownTies)
            {
                if (await Store.GetTieAsync(known, ct).ConfigureAwait(false) is { Status: TieStatus.Established, Terms.Relays: true } candidate)
                {
                    chosen = candidate;
                    break;
                }
            }

            relay = chosen ?? throw new TelexException(TelexErrorKind.Conflict,
                "no route to the recipient: no established tie with it, and none of the agencies it is known to be tied with is an established tie whose terms permit relays");
        }

        if (recipient is null)
        {
            string endpoint = entry?.Endpoint ?? (Dids.TryResolve(draft.To, out var doc) && doc.Services.Count > 0 ? doc.Services[0].Uri : "");
            recipient = new Tie
            {
                PeerDid = draft.To,
                PeerName = entry?.Name ?? draft.To,
                PeerEndpoint = endpoint,
                Status = TieStatus.None,
            };
            await Store.SaveTieAsync(recipient, ct).ConfigureAwait(false);
        }

        return (recipient with { Terms = relay.Terms, PeerEndpoint = relay.PeerEndpoint }, [relay.PeerDid]);
    }

    /// <summary>A tie by its counterpart's DID, else by its counterpart's name (ignoring case).</summary>
    private async Task<Tie?> FindTieAsync(string didOrName, CancellationToken ct)
    {
        if (await Store.GetTieAsync(didOrName, ct).ConfigureAwait(false) is { } tie)
        {
            return tie;
        }

        var named = (await Store.ListTiesAsync(ct).ConfigureAwait(false))
            .Where(t => t.Status != TieStatus.None && string.Equals(t.PeerName, didOrName, StringComparison.OrdinalIgnoreCase)).ToList();
        return named.Count switch
        {
            0 => null,
            1 => named[0],
            _ => throw new TelexException(TelexErrorKind.Invalid, $"several ties are named '{didOrName}': use the DID"),
        };
    }

    /// <summary>
    /// Packs a signed message for <paramref name="to"/> to travel through <paramref name="relay"/>: anoncrypted to the
    /// recipient, wrapped in a routing/2.0 forward naming it as the next hop, the forward signed by this agency (so the
    /// relay knows the pair) and anoncrypted to the relay.
    /// </summary>
    private byte[] PackForRelay(ReadOnlySpan<byte> signed, string to, string relay)
    {
        byte[] inner = Packer.PackEncryptedPayload(signed, new PackEncryptedOptions
        {
            To = to,
            AnonEncryption = DidComm.Crypto.ContentEncryption.A256Gcm,
            Forward = false,
        }).Packed;
        using var attached = JsonDocument.Parse(inner);
        var forward = new Message
        {
            Id = Guid.NewGuid().ToString(),
            Type = DidCommPacker.ForwardType,
            From = Identity.Did,
            To = [relay],
            CreatedTime = Now.ToUnixTimeSeconds(),
            Body = JsonSerializer.SerializeToElement(new JsonObject { ["next"] = to }),
            Attachments = [new Attachment { Data = new AttachmentData { Json = attached.RootElement.Clone() } }],
        };
        return Packer.PackEncrypted(forward, new PackEncryptedOptions
        {
            To = relay,
            SignBy = Identity.Did,
            AnonEncryption = DidComm.Crypto.ContentEncryption.A256Gcm,
            Forward = false,
        }).Packed;
    }

    /// <summary>
    /// The relay an agency without a tie is reached through: the first agency the directory knows it is tied with that is
    /// an established tie here whose terms permit relays; null when there is none.
    /// </summary>
    private async Task<Tie?> RelayForAsync(string did, CancellationToken ct)
    {
        if (await Store.FindDirectoryEntryAsync(did, ct).ConfigureAwait(false) is not { } entry || entry.Did != did)
        {
            return null;
        }

        foreach (string known in entry.KnownTies.Where(k => k != did))
        {
            if (await Store.GetTieAsync(known, ct).ConfigureAwait(false) is { Status: TieStatus.Established, Terms.Relays: true } relay)
            {
                return relay;
            }
        }

        return null;
    }

    /// <summary>
    /// Delivers an outbox item through the relay <paramref name="relayDid"/> (a relayed telegram's first hop, or the relay
    /// a message on an issue goes through to an agency taking part without a tie). A relay that refuses the pair fails
    /// the item at once (its policy will not change by retrying); any other failure backs off and retries.
    /// </summary>
    private async Task DeliverRelayedAsync(OutboxItem item, string relayDid, CancellationToken ct)
    {
        var now = Now;
        var relay = await Store.GetTieAsync(relayDid, ct).ConfigureAwait(false);
        var maxInterval = relay?.Terms.MaxRetryInterval ?? TieTerms.Default.MaxRetryInterval;
        if (relay is not { Status: TieStatus.Established })
        {
            await Store.CompleteAttemptAsync(item, accepted: false, now + Backoff(item.Attempts, maxInterval), ct).ConfigureAwait(false);
            return;
        }

        byte[] packed;
        try
        {
            packed = PackForRelay(item.Payload, item.PeerDid, relay.PeerDid);
        }
        catch (DidCommException e)
        {
            await Store.FailAsync(item, "cannot encrypt to the recipient or the relay: " + e.Message, ct).ConfigureAwait(false);
            PublishFailed(item);
            return;
        }

        var result = await _transport.SendAsync(relay.PeerEndpoint, packed, ct).ConfigureAwait(false);
        if (result.Accepted)
        {
            await Store.CompleteAttemptAsync(item, accepted: true, Now + Options.ReceiptWait, ct).ConfigureAwait(false);
            if (item.Kind == OutboxKind.Telegram)
            {
                Publish("telegram.sent", item.PeerDid, item.TelegramId);
            }
        }
        else if (result.Status == 403 && result.Detail?.Contains(RelayRefusedCode, StringComparison.Ordinal) == true)
        {
            string reason = $"refused by the relay {relay.PeerName}: it does not relay between this agency and the recipient";
            await Store.FailAsync(item, reason, ct).ConfigureAwait(false);
            Log.DeliveryFailed(_logger, item.TelegramId, await CounterpartNameAsync(item.PeerDid, ct).ConfigureAwait(false), reason);
            PublishFailed(item);
        }
        else
        {
            Log.DeliveryNotAccepted(_logger, relay.PeerEndpoint, result.Status, result.Detail);
            await Store.CompleteAttemptAsync(item, accepted: false, Now + Backoff(item.Attempts, maxInterval), ct).ConfigureAwait(false);
        }
    }

    /// <summary>A relayed telegram that failed is announced; a message on an issue that failed only leaves its trace in the log.</summary>
    private void PublishFailed(OutboxItem item)
    {
        if (item.Kind == OutboxKind.Telegram)
        {
            Publish("telegram.failed", item.PeerDid, item.TelegramId);
        }
    }

    /// <summary>
    /// A forward from a tied counterpart: relayed only when the relay policy permits the pair and the next hop is an
    /// established tie; then only the envelope for the next hop is kept, durably, before the 202. Nothing of the
    /// content is read or logged (it is encrypted to the next hop).
    /// </summary>
    private async Task HandleForwardAsync(Tie from, Message message, CancellationToken ct)
    {
        string? next = message.Body.StringMember("next");
        if (next is null || !IsPeerDid(next) || message.Attachments is not [{ Data.Json: { ValueKind: JsonValueKind.Object } json }])
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-forward", "a forward needs 'body.next' (a did:peer DID) and one attachment holding the encrypted message as JSON");
        }

        var nextTie = await Store.GetTieAsync(next, ct).ConfigureAwait(false);
        if (next == Identity.Did || next == from.PeerDid || nextTie?.PeerDid == from.PeerDid)
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-forward", "a forward must name another agency as the next hop");
        }

        var policy = await GetRelayPolicyAsync(ct).ConfigureAwait(false);
        bool established = nextTie is { Status: TieStatus.Established };
        if (!established || !(policy.TiedPairs || await RelayPolicyNamesAsync(policy, from.PeerDid, nextTie!.PeerDid, ct).ConfigureAwait(false)))
        {
            Log.RelayRefused(_logger, from.PeerName, nextTie?.PeerName ?? "an agency not tied here");
            throw new InboundRefusal(RefusalKind.Forbidden, RelayRefusedCode, "this agency does not relay between these counterparts");
        }

        byte[] envelope = JsonSerializer.SerializeToUtf8Bytes(json);
        var now = Now;
        var item = new RelayItem
        {
            Id = Guid.NewGuid(),
            FromDid = from.PeerDid,
            NextDid = next,
            Endpoint = nextTie!.PeerEndpoint,
            Envelope = envelope,
            ReceivedAt = now,
            DueAt = now,
            ExpiresAt = now + Options.RelayRetention,
        };
        if (!await Store.EnqueueRelayAsync(item, Options.RelayQueueBytesPerCounterpart, ct).ConfigureAwait(false))
        {
            throw new InboundRefusal(RefusalKind.Unavailable, "e.p.relay.full", "this relay holds as much from this counterpart as it takes at a time: send it again later");
        }

        Log.RelayAccepted(_logger, item.Id, from.PeerName, nextTie!.PeerName, envelope.Length);
        Wake();
    }

    /// <summary>Passes on the relayed envelopes that are due; drops those past their retention. True when there was work.</summary>
    private async Task<bool> DispatchRelaysAsync(CancellationToken ct)
    {
        // The dispatcher comes here on every pass that found no outbox item due, under load many times a second. Most
        // agencies relay nothing: one read of an empty queue, rather than two writes queued behind the register's.
        if (await Store.CountRelaysAsync(ct).ConfigureAwait(false) == 0)
        {
            return false;
        }

        int dropped = await Store.DropExpiredRelaysAsync(Now, ct).ConfigureAwait(false);
        if (dropped > 0)
        {
            Log.RelaysExpired(_logger, dropped);
        }

        var items = await Store.ClaimDueRelaysAsync(Now, Options.DispatchBatch, Options.ClaimLease, Options.NodeId, ct).ConfigureAwait(false);
        if (items.Count == 0)
        {
            return false;
        }

        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (item, c) =>
        {
            var next = await Store.GetTieAsync(item.NextDid, c).ConfigureAwait(false);
            var max = next?.Terms.MaxRetryInterval ?? TieTerms.Default.MaxRetryInterval;
            if (next is not { Status: TieStatus.Established })
            {
                // Passed on only over an established tie: the envelope waits, and is dropped past the retention.
                await Store.CompleteRelayAsync(item.Id, accepted: false, Now + Backoff(item.Attempts, max), c).ConfigureAwait(false);
                return;
            }

            TransportResult result;
            try
            {
                result = await _transport.SendAsync(next.PeerEndpoint, PackRelayDelivery(item, next.PeerDid), c).ConfigureAwait(false);
            }
            catch (DidCommException e)
            {
                result = new TransportResult(false, 0, "cannot encrypt to the next hop: " + e.Message);
            }

            if (result.Accepted)
            {
                await Store.CompleteRelayAsync(item.Id, accepted: true, Now, c).ConfigureAwait(false);
                Log.RelayPassedOn(_logger, item.Id, next.PeerName);
                return;
            }

            Log.DeliveryNotAccepted(_logger, next.PeerEndpoint, result.Status, result.Detail);
            await Store.CompleteRelayAsync(item.Id, accepted: false, Now + Backoff(item.Attempts, max), c).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// What this agency, as a relay, sends the next hop: its own message, signed by it and anoncrypted to the next
    /// hop's current keys, naming the counterpart it relays from, with the envelope that counterpart asked it to pass
    /// on (encrypted to the next hop, unreadable here) as the one attachment. The next hop believes who the envelope
    /// came from only because this agency signed it, over a tie whose terms permit relays.
    /// </summary>
    private byte[] PackRelayDelivery(RelayItem item, string next)
    {
        using var envelope = JsonDocument.Parse(item.Envelope);
        var delivery = new Message
        {
            Id = item.Id.ToString(),
            Type = MessageTypes.RelayDelivery,
            From = Identity.Did,
            To = [next],
            CreatedTime = Now.ToUnixTimeSeconds(),
            Body = JsonSerializer.SerializeToElement(new JsonObject { ["origin"] = item.FromDid }),
            Attachments = [new Attachment { Data = new AttachmentData { Json = envelope.RootElement.Clone() } }],
        };
        return Packer.PackEncrypted(delivery, new PackEncryptedOptions
        {
            To = next,
            SignBy = Identity.Did,
            AnonEncryption = DidComm.Crypto.ContentEncryption.A256Gcm,
            Forward = false,
        }).Packed;
    }

    /// <summary>The relay policy (default: relay for nobody).</summary>
    public async Task<RelayPolicy> GetRelayPolicyAsync(CancellationToken ct = default)
    {
        string? json = await Store.GetSettingAsync(RelayPolicySetting, ct).ConfigureAwait(false);
        try
        {
            return RelayPolicy.Parse(json);
        }
        catch (JsonException)
        {
            // A damaged setting must not open the relay: relay for nobody until an admin sets the policy again.
            return RelayPolicy.Nobody;
        }
    }

    /// <summary>
    /// Permits relaying between two counterparts (DIDs, or names of ties or directory entries). Throws when either is
    /// unknown, both are the same, or one is this agency.
    /// </summary>
    public async Task<RelayPolicy> AllowRelayAsync(string a, string b, CancellationToken ct = default)
    {
        var pair = await ResolvePairAsync(a, b, ct).ConfigureAwait(false);
        var policy = await GetRelayPolicyAsync(ct).ConfigureAwait(false);
        if (!policy.Pairs.Contains(pair))
        {
            policy = policy with { Pairs = [.. policy.Pairs, pair] };
            await SaveRelayPolicyAsync(policy, ct).ConfigureAwait(false);
        }

        return policy;
    }

    /// <summary>Withdraws the permission for a pair. Throws NotFound when the policy does not name it.</summary>
    public async Task<RelayPolicy> DenyRelayAsync(string a, string b, CancellationToken ct = default)
    {
        var pair = await ResolvePairAsync(a, b, ct).ConfigureAwait(false);
        var policy = await GetRelayPolicyAsync(ct).ConfigureAwait(false);
        if (!policy.Pairs.Contains(pair))
        {
            throw new TelexException(TelexErrorKind.NotFound, "the relay policy does not name that pair");
        }

        policy = policy with { Pairs = policy.Pairs.Where(p => p != pair).ToList() };
        await SaveRelayPolicyAsync(policy, ct).ConfigureAwait(false);
        return policy;
    }

    /// <summary>Sets whether any two established ties may be relayed between.</summary>
    public async Task<RelayPolicy> SetRelayTiedPairsAsync(bool tiedPairs, CancellationToken ct = default)
    {
        var policy = await GetRelayPolicyAsync(ct).ConfigureAwait(false) with { TiedPairs = tiedPairs };
        await SaveRelayPolicyAsync(policy, ct).ConfigureAwait(false);
        return policy;
    }

    private Task SaveRelayPolicyAsync(RelayPolicy policy, CancellationToken ct) =>
        Store.SetSettingAsync(RelayPolicySetting, policy.ToJson(), ct);

    private async Task<RelayPair> ResolvePairAsync(string a, string b, CancellationToken ct)
    {
        string first = await ResolveCounterpartDidAsync(a, ct).ConfigureAwait(false);
        string second = await ResolveCounterpartDidAsync(b, ct).ConfigureAwait(false);
        if (first == second)
        {
            throw new TelexException(TelexErrorKind.Invalid, "a relay pair needs two different counterparts");
        }

        return RelayPair.Of(first, second);
    }

    /// <summary>The DID of a counterpart named by DID or by the name of a tie or directory entry.</summary>
    private async Task<string> ResolveCounterpartDidAsync(string didOrName, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(didOrName))
        {
            throw new TelexException(TelexErrorKind.Invalid, "name a counterpart by DID or name");
        }

        if (didOrName == Identity.Did)
        {
            throw new TelexException(TelexErrorKind.Invalid, "this agency is not its own counterpart");
        }

        if (await FindTieAsync(didOrName, ct).ConfigureAwait(false) is { } tie)
        {
            return tie.PeerDid;
        }

        if (await Store.FindDirectoryEntryAsync(didOrName, ct).ConfigureAwait(false) is { Did: { } did })
        {
            return did;
        }

        if (IsPeerDid(didOrName) && Dids.TryResolve(didOrName, out _))
        {
            return didOrName;
        }

        throw await Store.FindDirectoryEntryAsync(didOrName, ct).ConfigureAwait(false) is { } known
            ? await UnaddressableAsync(known.Name, ct).ConfigureAwait(false)
            : new TelexException(TelexErrorKind.NotFound, $"no counterpart '{didOrName}' (not a tie, not in the directory); telex directory list shows every counterpart known");
    }

    /// <summary>
    /// A telegram from an agency without a tie, delivered by <paramref name="relay"/> (the gate opened the delivery, see
    /// <see cref="OpenRelayDeliveryAsync"/>): the relay path the sender signed must end at that relay, so the register
    /// records the way it came; the relay's terms bound it. The sender enters the directory on first contact; the receipt
    /// goes back through that relay.
    /// </summary>
    private async Task HandleRelayedTelegramAsync(Tie relay, Message message, UnpackMetadata meta, CancellationToken ct)
    {
        string from = message.From!;
        string? lastHop = message.Body.ValueKind == JsonValueKind.Object && message.Body.TryGetProperty("relay_path", out var path)
            && path.ValueKind == JsonValueKind.Array && path.GetArrayLength() is > 0 and <= TelegramWire.MaxRelayHops
            && path[path.GetArrayLength() - 1].ValueKind == JsonValueKind.String
                ? path[path.GetArrayLength() - 1].GetString()
                : null;
        if (lastHop is null || !await IsOfTieAsync(relay, lastHop, ct).ConfigureAwait(false))
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
        await HandleTelegramAsync(sender, message, meta, ct, via: relay.PeerDid).ConfigureAwait(false);
        await RecordFirstContactAsync(from, name, relay.PeerDid, ct).ConfigureAwait(false);
    }
}
