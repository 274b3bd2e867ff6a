namespace Telex.Core.Background;

/// <summary>
/// Every <see cref="AgencyOptions.CheckpointInterval"/>, signs a checkpoint of the register when it grew since the last
/// one and sends it to the ties.
/// </summary>
internal sealed class CheckpointScheduler(AgencyContext context, Func<CancellationToken, Task> checkpointIfGrown) : IAgencyWorker
{
    public string Name => "checkpoint scheduler";

    public Task RunAsync(CancellationToken ct) => WorkerLoop.RunAsync(async c =>
    {
        // Waited in steps of at most a day: a timer takes no longer interval, and an interval may be set to months.
        var due = context.Now + context.Options.CheckpointInterval;
        for (var left = due - context.Now; left > TimeSpan.Zero; left = due - context.Now)
        {
            await Task.Delay(left < TimeSpan.FromDays(1) ? left : TimeSpan.FromDays(1), context.Time, c).ConfigureAwait(false);
        }

        await checkpointIfGrown(c).ConfigureAwait(false);
    }, context.Logger, TimeSpan.FromSeconds(1), ct);
}
