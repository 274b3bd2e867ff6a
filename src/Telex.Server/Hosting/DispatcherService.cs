using Telex.Core;

namespace Telex.Server.Hosting;

/// <summary>Runs the agency's outbox dispatcher for the lifetime of the server.</summary>
internal sealed class DispatcherService(Agency agency) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => agency.RunAsync(stoppingToken);
}
