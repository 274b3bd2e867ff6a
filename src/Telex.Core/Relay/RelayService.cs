namespace Telex.Core.Relay;

/// <summary>
/// Relays, both ways: for a telegram to an agency without a tie, which tied relay it travels through and how it is packed
/// for it; for this agency acting as a relay, its policy (which pairs of counterparts it relays between) and the forwards
/// it takes, kept for the relay forwarder (<see cref="Background.RelayForwarder"/>) to pass on.
/// </summary>
public sealed class RelayService
{
    /// <summary>The setting that holds the relay policy (JSON).</summary>
    public const string PolicySetting = "relay.policy";

    /// <summary>The DIDComm problem code a relay answers for a pair its policy does not permit.</summary>
    public const string RefusedCode = "e.p.relay.refused";

    private readonly AgencyContext context;
    private readonly DirectoryService directory;

    internal RelayService(AgencyContext context, DirectoryService directory)
    {
        this.context = context;
        this.directory = directory;
    }

    /// <summary>
    /// Chooses how a telegram to an agency without an established tie travels: through <see cref="TelegramDraft.Via"/>
    /// when given, otherwise through an established tie whose terms permit relays and that the directory knows the
    /// recipient is tied with. Returns the recipient's tie (created with status none when missing: it holds the serial
    /// counter of the pair) carrying the relay's terms and endpoint, and the relay path.
    /// </summary>
    internal async Task<(Tie Recipient, IReadOnlyList<string> Path)> ChooseAsync(TelegramDraft draft, Tie? recipient, CancellationToken ct)
    {
        if (recipient is { Status: TieStatus.Invited or TieStatus.Suspended or TieStatus.Severed })
        {
            throw new TelexException(TelexErrorKind.Conflict, $"the tie with the recipient is {recipient.Status.ToString().ToLowerInvariant()}: nothing is sent to it");
        }

        if (draft.To == context.Identity.Did)
        {
            throw new TelexException(TelexErrorKind.Invalid, "the recipient must be another agency's did:peer:2 DID");
        }

        if (!PeerDids.Is(draft.To))
        {
            throw await directory.UnaddressableAsync(draft.To, ct).ConfigureAwait(false);
        }

        var entry = await context.Store.Directory.FindDirectoryEntryAsync(draft.To, ct).ConfigureAwait(false);
        Tie relay;
        if (draft.Via is { } via)
        {
            relay = await directory.FindTieAsync(via, ct).ConfigureAwait(false)
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
                if (await context.Store.Ties.GetTieAsync(known, ct).ConfigureAwait(false) is { Status: TieStatus.Established, Terms.Relays: true } candidate)
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
            string endpoint = entry?.Endpoint ?? (context.Dids.TryResolve(draft.To, out var doc) && doc.Services.Count > 0 ? doc.Services[0].Uri : "");
            recipient = new Tie
            {
                PeerDid = draft.To,
                PeerName = entry?.Name ?? draft.To,
                PeerEndpoint = endpoint,
                Status = TieStatus.None,
            };
            await context.Store.Ties.SaveTieAsync(recipient, ct).ConfigureAwait(false);
        }

        return (recipient with { Terms = relay.Terms, PeerEndpoint = relay.PeerEndpoint }, [relay.PeerDid]);
    }

    /// <summary>
    /// Packs a signed message for <paramref name="to"/> to travel through <paramref name="relay"/>: anoncrypted to the
    /// recipient, wrapped in a routing/2.0 forward naming it as the next hop, the forward signed by this agency (so the
    /// relay knows the pair) and anoncrypted to the relay.
    /// </summary>
    internal byte[] PackThrough(ReadOnlySpan<byte> signed, string to, string relay)
    {
        byte[] inner = context.Packer.PackEncryptedPayload(signed, new PackEncryptedOptions
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
            From = context.Identity.Did,
            To = [relay],
            CreatedTime = context.Now.ToUnixTimeSeconds(),
            Body = JsonSerializer.SerializeToElement(new JsonObject { ["next"] = to }),
            Attachments = [new Attachment { Data = new AttachmentData { Json = attached.RootElement.Clone() } }],
        };
        return PackSignedTo(forward, relay);
    }

    /// <summary>
    /// The relay an agency without a tie is reached through: the first agency the directory knows it is tied with that is
    /// an established tie here whose terms permit relays; null when there is none.
    /// </summary>
    internal async Task<Tie?> RelayForAsync(string did, CancellationToken ct)
    {
        if (await context.Store.Directory.FindDirectoryEntryAsync(did, ct).ConfigureAwait(false) is not { } entry || entry.Did != did)
        {
            return null;
        }

        foreach (string known in entry.KnownTies.Where(k => k != did))
        {
            if (await context.Store.Ties.GetTieAsync(known, ct).ConfigureAwait(false) is { Status: TieStatus.Established, Terms.Relays: true } relay)
            {
                return relay;
            }
        }

        return null;
    }

    /// <summary>
    /// A forward from a tied counterpart: relayed only when the relay policy permits the pair and the next hop is an
    /// established tie; then only the envelope for the next hop is kept, durably, before the 202. Nothing of the
    /// content is read or logged (it is encrypted to the next hop).
    /// </summary>
    internal async Task HandleForwardAsync(Tie from, Message message, CancellationToken ct)
    {
        string? next = message.Body.StringMember("next");
        if (next is null || !PeerDids.Is(next) || message.Attachments is not [{ Data.Json: { ValueKind: JsonValueKind.Object } json }])
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-forward", "a forward needs 'body.next' (a did:peer DID) and one attachment holding the encrypted message as JSON");
        }

        var nextTie = await context.Store.Ties.GetTieAsync(next, ct).ConfigureAwait(false);
        if (next == context.Identity.Did || next == from.PeerDid || nextTie?.PeerDid == from.PeerDid)
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-forward", "a forward must name another agency as the next hop");
        }

        var policy = await GetPolicyAsync(ct).ConfigureAwait(false);
        bool established = nextTie is { Status: TieStatus.Established };
        if (!established || !(policy.TiedPairs || await PolicyNamesAsync(policy, from.PeerDid, nextTie!.PeerDid, ct).ConfigureAwait(false)))
        {
            Log.RelayRefused(context.Logger, from.PeerName, nextTie?.PeerName ?? "an agency not tied here");
            throw new InboundRefusal(RefusalKind.Forbidden, RefusedCode, "this agency does not relay between these counterparts");
        }

        byte[] envelope = JsonSerializer.SerializeToUtf8Bytes(json);
        var now = context.Now;
        var item = new RelayItem(Guid.NewGuid(), FromDid: from.PeerDid, NextDid: next, Endpoint: nextTie!.PeerEndpoint, envelope, ReceivedAt: now,
            DueAt: now, ExpiresAt: now + context.Options.RelayRetention);
        if (!await context.Store.Relays.EnqueueRelayAsync(item, context.Options.RelayQueueBytesPerCounterpart, ct).ConfigureAwait(false))
        {
            throw new InboundRefusal(RefusalKind.Unavailable, "e.p.relay.full", "this relay holds as much from this counterpart as it takes at a time: send it again later");
        }

        Log.RelayAccepted(context.Logger, item.Id, from.PeerName, nextTie!.PeerName, envelope.Length);
        context.WakeRelays();
    }

    /// <summary>
    /// What this agency, as a relay, sends the next hop: its own message, signed by it and anoncrypted to the next
    /// hop's current keys, naming the counterpart it relays from, with the envelope that counterpart asked it to pass
    /// on (encrypted to the next hop, unreadable here) as the one attachment. The next hop believes who the envelope
    /// came from only because this agency signed it, over a tie whose terms permit relays.
    /// </summary>
    internal byte[] PackDelivery(RelayItem item, string next)
    {
        using var envelope = JsonDocument.Parse(item.Envelope);
        var delivery = new Message
        {
            Id = item.Id.ToString(),
            Type = MessageTypes.RelayDelivery,
            From = context.Identity.Did,
            To = [next],
            CreatedTime = context.Now.ToUnixTimeSeconds(),
            Body = JsonSerializer.SerializeToElement(new JsonObject { ["origin"] = item.FromDid }),
            Attachments = [new Attachment { Data = new AttachmentData { Json = envelope.RootElement.Clone() } }],
        };
        return PackSignedTo(delivery, next);
    }

    /// <summary>This agency's own message to the next hop <paramref name="to"/>: signed by it and anoncrypted to that hop alone.</summary>
    private byte[] PackSignedTo(Message message, string to) => context.Packer.PackEncrypted(message, new PackEncryptedOptions
    {
        To = to,
        SignBy = context.Identity.Did,
        AnonEncryption = DidComm.Crypto.ContentEncryption.A256Gcm,
        Forward = false,
    }).Packed;

    /// <summary>The relay policy (default: relay for nobody).</summary>
    public async Task<RelayPolicy> GetPolicyAsync(CancellationToken ct = default)
    {
        string? json = await context.Store.Settings.GetSettingAsync(PolicySetting, ct).ConfigureAwait(false);
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
    public async Task<RelayPolicy> AllowAsync(string a, string b, CancellationToken ct = default)
    {
        var pair = await ResolvePairAsync(a, b, ct).ConfigureAwait(false);
        var policy = await GetPolicyAsync(ct).ConfigureAwait(false);
        if (!policy.Pairs.Contains(pair))
        {
            policy = policy with { Pairs = [.. policy.Pairs, pair] };
            await SavePolicyAsync(policy, ct).ConfigureAwait(false);
        }

        return policy;
    }

    /// <summary>Withdraws the permission for a pair. Throws NotFound when the policy does not name it.</summary>
    public async Task<RelayPolicy> DenyAsync(string a, string b, CancellationToken ct = default)
    {
        var pair = await ResolvePairAsync(a, b, ct).ConfigureAwait(false);
        var policy = await GetPolicyAsync(ct).ConfigureAwait(false);
        if (!policy.Pairs.Contains(pair))
        {
            throw new TelexException(TelexErrorKind.NotFound, "the relay policy does not name that pair");
        }

        policy = policy with { Pairs = policy.Pairs.Where(p => p != pair).ToList() };
        await SavePolicyAsync(policy, ct).ConfigureAwait(false);
        return policy;
    }

    /// <summary>Sets whether any two established ties may be relayed between.</summary>
    public async Task<RelayPolicy> SetTiedPairsAsync(bool tiedPairs, CancellationToken ct = default)
    {
        var policy = await GetPolicyAsync(ct).ConfigureAwait(false) with { TiedPairs = tiedPairs };
        await SavePolicyAsync(policy, ct).ConfigureAwait(false);
        return policy;
    }

    private Task SavePolicyAsync(RelayPolicy policy, CancellationToken ct) =>
        context.Store.Settings.SetSettingAsync(PolicySetting, policy.ToJson(), ct);

    private async Task<RelayPair> ResolvePairAsync(string a, string b, CancellationToken ct)
    {
        string first = await directory.ResolveCounterpartDidAsync(a, ct).ConfigureAwait(false);
        string second = await directory.ResolveCounterpartDidAsync(b, ct).ConfigureAwait(false);
        if (first == second)
        {
            throw new TelexException(TelexErrorKind.Invalid, "a relay pair needs two different counterparts");
        }

        return RelayPair.Of(first, second);
    }

    /// <summary>Whether the relay policy's explicit pairs name the counterparts <paramref name="a"/> and <paramref name="b"/>, whatever DIDs the pair was written under.</summary>
    private async Task<bool> PolicyNamesAsync(RelayPolicy policy, string a, string b, CancellationToken ct)
    {
        if (policy.Names(a, b))
        {
            return true;
        }

        string first = await directory.CounterpartDidAsync(a, ct).ConfigureAwait(false), second = await directory.CounterpartDidAsync(b, ct).ConfigureAwait(false);
        foreach (var pair in policy.Pairs)
        {
            var resolved = RelayPair.Of(await directory.CounterpartDidAsync(pair.First, ct).ConfigureAwait(false),
                await directory.CounterpartDidAsync(pair.Second, ct).ConfigureAwait(false));
            if (resolved == RelayPair.Of(first, second))
            {
                return true;
            }
        }

        return false;
    }
}
