namespace Telex.Server.Api.Metrics;

/// <summary>Follows the agency's events for the lifetime of the node and counts them into <see cref="TelexMetrics"/>.</summary>
internal sealed class MetricsService(Agency agency, TelexMetrics metrics, ILoggerFactory loggers) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger(ApiLog.Category);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A slow metrics reader loses the oldest events rather than holding up the agency; 4096 absorbs bursts.
        using var subscription = agency.Events.Subscribe(capacity: 4096);
        try
        {
            await foreach (var e in subscription.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await CountAsync(e, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    ApiLog.MetricsFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task CountAsync(AgencyEvent e, CancellationToken ct)
    {
        if (e.FromOtherNode)
        {
            return; // counted by the node that did the work
        }

        switch (e.Kind)
        {
            case "telegram.registered":
                metrics.Registrations.Add(1);
                break;
            case "telegram.failed":
                metrics.Failures.Add(1);
                break;
            case "telegram.delivered":
                metrics.Deliveries.Add(1);
                if (e.SinceRelease is { } since)
                {
                    metrics.DeliveryLatency.Record(Math.Max(0, since.TotalMilliseconds));
                }
                else if (e.TelegramId is { } id
                    && await agency.Register.GetTelegramAsync(id, Direction.Outbound, ct).ConfigureAwait(false) is { DeliveredAt: { } delivered } t)
                {
                    metrics.DeliveryLatency.Record(Math.Max(0, (delivered - t.ReleasedAt).TotalMilliseconds));
                }

                break;
        }
    }
}
