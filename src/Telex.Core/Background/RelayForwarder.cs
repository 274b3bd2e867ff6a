using Telex.Core.Relay;

namespace Telex.Core.Background;

/// <summary>
/// For an agency acting as a relay: passes on the envelopes its counterparts asked it to relay, once due, to the next
/// hop over an established tie (at most <see cref="AgencyOptions.RelayConcurrency"/> at once), backs off on failure and
/// drops what is past <see cref="AgencyOptions.RelayRetention"/>. Wakes when a forward is taken, and otherwise looks
/// again every second for retries falling due.
/// </summary>
internal sealed class RelayForwarder(AgencyContext context, RelayService relays) : IAgencyWorker
{
    public string Name => "relay forwarder";

    private ITelexStore Store => context.Store;

    private AgencyOptions Options => context.Options;

    public async Task RunAsync(CancellationToken ct)
    {
        await Store.Relays.ReleaseRelayClaimsAsync(Options.NodeId, ct).ConfigureAwait(false);
        await WorkerLoop.RunAsync(async c =>
        {
            if (!await PassAsync(c).ConfigureAwait(false))
            {
                await context.WaitForRelaysAsync(TimeSpan.FromSeconds(1), c).ConfigureAwait(false);
            }
        }, context.Logger, TimeSpan.FromMilliseconds(500), ct).ConfigureAwait(false);
    }

    /// <summary>Passes on the relayed envelopes that are due; drops those past their retention. True when there was work.</summary>
    private async Task<bool> PassAsync(CancellationToken ct)
    {
        // Most agencies relay nothing: one read of an empty queue, rather than two writes queued behind the register's.
        if (await Store.Relays.CountRelaysAsync(ct).ConfigureAwait(false) == 0)
        {
            return false;
        }

        int dropped = await Store.Relays.DropExpiredRelaysAsync(context.Now, ct).ConfigureAwait(false);
        if (dropped > 0)
        {
            Log.RelaysExpired(context.Logger, dropped);
        }

        var items = await Store.Relays.ClaimDueRelaysAsync(context.Now, Options.DispatchBatch, Options.ClaimLease, Options.NodeId, ct).ConfigureAwait(false);
        if (items.Count == 0)
        {
            return false;
        }

        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = Options.RelayConcurrency, CancellationToken = ct }, async (item, c) =>
        {
            var next = await Store.Ties.GetTieAsync(item.NextDid, c).ConfigureAwait(false);
            var max = next?.Terms.MaxRetryInterval ?? TieTerms.Default.MaxRetryInterval;
            if (next is not { Status: TieStatus.Established })
            {
                // Passed on only over an established tie: the envelope waits, and is dropped past the retention.
                await Store.Relays.CompleteRelayAsync(item.Id, accepted: false, context.Now + Backoff.After(Options, item.Attempts, max), c).ConfigureAwait(false);
                return;
            }

            TransportResult result;
            try
            {
                result = await context.Transport.SendAsync(next.PeerEndpoint, relays.PackDelivery(item, next.PeerDid), c).ConfigureAwait(false);
            }
            catch (DidCommException e)
            {
                result = new TransportResult(false, 0, "cannot encrypt to the next hop: " + e.Message);
            }

            if (result.Accepted)
            {
                await Store.Relays.CompleteRelayAsync(item.Id, accepted: true, context.Now, c).ConfigureAwait(false);
                Log.RelayPassedOn(context.Logger, item.Id, next.PeerName);
                return;
            }

            Log.DeliveryNotAccepted(context.Logger, next.PeerEndpoint, result.Status, result.Detail);
            await Store.Relays.CompleteRelayAsync(item.Id, accepted: false, context.Now + Backoff.After(Options, item.Attempts, max), c).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return true;
    }
}
