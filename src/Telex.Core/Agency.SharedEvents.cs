using Telex.Core.Storage;

namespace Telex.Core;

/// <summary>Events between the nodes of one agency, when its store is shared (<see cref="ISharedEvents"/>).</summary>
public sealed partial class Agency
{
    /// <summary>Announces this node's events and relays the other nodes' to local subscribers, until cancelled.</summary>
    private async Task ShareEventsAsync(ISharedEvents shared, CancellationToken ct)
    {
        var announce = Task.Run(() => KeepGoingAsync(async () =>
        {
            var batch = new List<AgencyEvent>();
            while (await Context.ToOtherNodes.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < 500 && Context.ToOtherNodes.Reader.TryRead(out var e))
                {
                    batch.Add(e);
                }

                await shared.PublishEventsAsync(Options.NodeId, batch, ct).ConfigureAwait(false);
            }
        }, ct), CancellationToken.None);
        var listen = Task.Run(() => KeepGoingAsync(() => shared.ListenEventsAsync((node, e) =>
        {
            if (!string.Equals(node, Options.NodeId, StringComparison.Ordinal))
            {
                Events.Publish(e with { FromOtherNode = true });
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
                Log.SharedEventsError(_logger, e);
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
