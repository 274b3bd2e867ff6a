namespace Telex.Core.Background;

/// <summary>
/// With a store several nodes share (<see cref="ISharedEvents"/>): announces this node's events to the other nodes and
/// hands theirs to this node's subscribers, so an event stream on any node sees what happened on every node. A wake
/// (<see cref="AgencyContext.Wake"/>) travels the same way and wakes the other nodes' dispatchers instead.
/// </summary>
internal sealed class EventSharing(AgencyContext context, ISharedEvents shared) : IAgencyWorker
{
    public string Name => "event sharing";

    public async Task RunAsync(CancellationToken ct)
    {
        var announce = Task.Run(() => KeepGoingAsync(async () =>
        {
            var batch = new List<AgencyEvent>();
            while (await context.ToOtherNodes.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < 500 && context.ToOtherNodes.Reader.TryRead(out var e))
                {
                    if (e.Kind == AgencyContext.WakeKind)
                    {
                        context.WakeAnnounced();
                    }

                    batch.Add(e);
                }

                await shared.PublishEventsAsync(context.Options.NodeId, batch, ct).ConfigureAwait(false);
            }
        }, ct), CancellationToken.None);
        var listen = Task.Run(() => KeepGoingAsync(() => shared.ListenEventsAsync((node, e) =>
        {
            if (string.Equals(node, context.Options.NodeId, StringComparison.Ordinal))
            {
                return ValueTask.CompletedTask;
            }

            // Another node queued work: this node's dispatcher looks at once rather than at its next due time.
            if (string.Equals(e.Kind, AgencyContext.WakeKind, StringComparison.Ordinal))
            {
                context.WakeFromOtherNode();
            }
            else
            {
                context.Events.Publish(e with { FromOtherNode = true });
            }

            return ValueTask.CompletedTask;
        }, ct), ct), CancellationToken.None);
        await Task.WhenAll(announce, listen).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="work"/> again after a failure (a lost database connection), until cancelled.</summary>
    private async Task KeepGoingAsync(Func<Task> work, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await work().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Sharing events must outlive a lost connection; it logs and starts again.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.SharedEventsError(context.Logger, e);
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
