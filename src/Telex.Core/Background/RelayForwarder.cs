using Telex.Core.Relay;

namespace Telex.Core.Background;

/// <summary>
/// For an agency acting as a relay: passes on the envelopes its counterparts asked it to relay, once due, to the next
/// hop over an established tie (at most <see cref="AgencyOptions.RelayConcurrency"/> at once), backs off on failure and
/// drops what is past <see cref="AgencyOptions.RelayRetention"/>. Between passes it sleeps until a forward is taken
/// (<see cref="AgencyContext.WakeRelays"/>) or the earliest retry it scheduled falls due, and at most
/// <see cref="AgencyOptions.IdleRecheck"/>, which is also how soon it finds retries scheduled before a restart or by a
/// node that went down.
/// </summary>
internal sealed class RelayForwarder(AgencyContext context, RelayService relays) : IAgencyWorker
{
    /// <summary>The retries this forwarder scheduled and has not yet seen fall due (guarded by itself).</summary>
    private readonly PriorityQueue<DateTimeOffset, DateTimeOffset> _retries = new();

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
                await context.WaitForRelaysAsync(UntilNextRetry(), c).ConfigureAwait(false);
            }
        }, context.Logger, TimeSpan.FromMilliseconds(500), ct).ConfigureAwait(false);
    }

    /// <summary>How long until the earliest retry still ahead, at most <see cref="AgencyOptions.IdleRecheck"/>.</summary>
    private TimeSpan UntilNextRetry()
    {
        var now = context.Now;
        lock (_retries)
        {
            // Those due already were claimed by the pass that found nothing more to do (or are gone).
            while (_retries.TryPeek(out var due, out _) && due <= now)
            {
                _retries.Dequeue();
            }

            var wait = _retries.TryPeek(out var next, out _) ? next - now : Options.IdleRecheck;
            return wait < Options.IdleRecheck ? wait : Options.IdleRecheck;
        }
    }

    /// <summary>Files a failed attempt: the envelope is tried again at <paramref name="nextDue"/>, when the forwarder wakes for it.</summary>
    private async Task RetryAtAsync(Guid id, DateTimeOffset nextDue, CancellationToken ct)
    {
        await Store.Relays.CompleteRelayAsync(id, accepted: false, nextDue, ct).ConfigureAwait(false);
        lock (_retries)
        {
            _retries.Enqueue(nextDue, nextDue);
        }
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
                await RetryAtAsync(item.Id, context.Now + Backoff.After(Options, item.Attempts, max), c).ConfigureAwait(false);
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
            await RetryAtAsync(item.Id, context.Now + Backoff.After(Options, item.Attempts, max), c).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return true;
    }
}
