using Telex.Core.Background;

namespace Telex.Server.Hosting;

/// <summary>Runs one of the agency's background loops (<see cref="Agency.Workers"/>) for the lifetime of the server.</summary>
internal sealed class AgencyWorkerService(Agency agency, Func<AgencyWorkers, IAgencyWorker?> which) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        which(agency.Workers) is { } worker ? worker.RunAsync(stoppingToken) : Task.CompletedTask;

    /// <summary>Hosts each of the agency's background loops as its own service.</summary>
    public static void AddTo(IServiceCollection services)
    {
        Func<AgencyWorkers, IAgencyWorker?>[] each = [w => w.Dispatcher, w => w.Receipts, w => w.Gaps, w => w.Relays, w => w.Checkpoints, w => w.EventSharing];
        foreach (var which in each)
        {
            services.AddSingleton<IHostedService>(sp => new AgencyWorkerService(sp.GetRequiredService<Agency>(), which));
        }
    }
}
