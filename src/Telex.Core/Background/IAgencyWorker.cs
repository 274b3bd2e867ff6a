namespace Telex.Core.Background;

/// <summary>
/// One of the loops an agency runs in the background (<see cref="Agency.Workers"/>): the server runs each as its own
/// hosted service, so each starts, stops and fails on its own.
/// </summary>
public interface IAgencyWorker
{
    /// <summary>What the worker does, in a word or two (logs, health).</summary>
    string Name { get; }

    /// <summary>Works until <paramref name="ct"/> is cancelled; one failure is logged and does not end the loop.</summary>
    Task RunAsync(CancellationToken ct);
}
