using System.Collections.Frozen;

namespace Telex.Core.Inbound;

/// <summary>Whether a DID an agency held was replaced by a key rotation longer ago than this agency accepts it for.</summary>
internal delegate Task<bool> RetiredDidCheck(string did, CancellationToken ct);

/// <summary>
/// The path every packed message a peer posts takes: unpacked, its envelope checked, the tie it is judged by found, the
/// gate's decision (<see cref="InboundGate"/>), then the handler registered for its type. A relay's delivery is opened
/// here and what it carries passes the gate again.
/// </summary>
internal sealed class InboundPipeline
{
    private readonly AgencyContext _context;
    private readonly RetiredDidCheck _isRetired;
    private readonly FrozenDictionary<string, InboundHandler> _direct;
    private readonly FrozenDictionary<string, InboundHandler> _relayed;

    /// <summary>
    /// Takes the handlers the services registered; every row of the gate's table must have its handlers, checked here
    /// once, when the agency is made: one that disagrees with the table does not start.
    /// </summary>
    public InboundPipeline(AgencyContext context, RetiredDidCheck isRetired, InboundHandlers handlers)
    {
        _context = context;
        _isRetired = isRetired;
        var (direct, relayed) = (handlers.Direct, handlers.Relayed);
        foreach (var rule in InboundGate.Rules.Values)
        {
            if ((!rule.OpensEnvelope && !direct.ContainsKey(rule.Type)) || (rule.RelayedFrom.Count > 0) != relayed.ContainsKey(rule.Type))
            {
                throw new InvalidOperationException($"the gate's table and the handlers registered disagree on {rule.Type}");
            }
        }

        _direct = direct.ToFrozenDictionary(StringComparer.Ordinal);
        _relayed = relayed.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private ITelexStore Store => _context.Store;

    /// <summary>Handles a packed message; a refused one changes nothing. Never throws for bad input.</summary>
    public async Task<InboundResult> ReceiveAsync(ReadOnlyMemory<byte> packed, CancellationToken ct)
    {
        var unpacked = _context.Packer.Unpack(packed);
        if (!unpacked.Success)
        {
            Log.Refused(_context.Logger, unpacked.Failure!.ToString());
            return new InboundResult(InboundGate.UnpackRefusal(unpacked.Failure, ""));
        }

        Refusal? refusal;
        try
        {
            refusal = InboundGate.CheckEnvelope(unpacked.Message!, unpacked.Metadata!, _context.Identity.IsOwnDid, _context.Now)
                ?? await PassGateAsync(unpacked.Message!, unpacked.Metadata!, relay: null, ct).ConfigureAwait(false);
        }
        catch (InboundRefusal raised)
        {
            refusal = raised.Refusal;
        }

        if (refusal is not null)
        {
            Log.Refused(_context.Logger, refusal.Reason);
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
            && await _isRetired(senderDid, ct).ConfigureAwait(false))
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
                bureau.Secretariat == _context.Identity.Did) is { } notThisSide)
            {
                return notThisSide;
            }

            inbound = inbound with { BureauId = bureauId, Bureau = bureau };
        }

        await (relay is null ? _direct : _relayed)[message.Type](inbound, ct).ConfigureAwait(false);
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

        var unpacked = _context.Packer.Unpack(JsonSerializer.SerializeToUtf8Bytes(envelope));
        if (!unpacked.Success)
        {
            return InboundGate.UnpackRefusal(unpacked.Failure, "the relayed message: ");
        }

        return InboundGate.CheckRelayedEnvelope(unpacked.Message, unpacked.Metadata, origin, _context.Identity.IsOwnDid, _context.Now)
            ?? await PassGateAsync(unpacked.Message, unpacked.Metadata, delivery.SenderTie, ct).ConfigureAwait(false);
    }
}
