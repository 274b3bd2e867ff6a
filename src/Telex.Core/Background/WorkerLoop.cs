using Microsoft.Extensions.Logging;

namespace Telex.Core.Background;

/// <summary>The shape every background loop shares: do a pass, survive a failure, stop when cancelled.</summary>
internal static class WorkerLoop
{
    /// <summary>
    /// Runs <paramref name="pass"/> until <paramref name="ct"/> is cancelled. A pass that throws is logged and followed
    /// by a pause of <paramref name="afterFailure"/> (a lost database connection must not spin the loop).
    /// </summary>
    public static async Task RunAsync(Func<CancellationToken, Task> pass, ILogger logger, TimeSpan afterFailure, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await pass(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A background loop must outlive any single failure; it logs and carries on.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.WorkFailed(logger, e);
                try
                {
                    await Task.Delay(afterFailure, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
