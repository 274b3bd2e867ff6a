namespace Telex.Core.Background;

/// <summary>The loops an agency runs in the background, each started and stopped on its own (the server hosts each).</summary>
/// <param name="Dispatcher">Delivers the outbox.</param>
/// <param name="Receipts">Signs and sends receipts for registered telegrams.</param>
/// <param name="Gaps">Asks counterparts again for serials that stay missing.</param>
/// <param name="Relays">Passes on what this agency relays for its counterparts.</param>
/// <param name="Checkpoints">Signs and sends checkpoints of the register.</param>
/// <param name="EventSharing">Shares events with the other nodes of the agency; null when the store is not shared.</param>
public sealed record AgencyWorkers(IAgencyWorker Dispatcher, IAgencyWorker Receipts, IAgencyWorker Gaps, IAgencyWorker Relays,
    IAgencyWorker Checkpoints, IAgencyWorker? EventSharing)
{
    /// <summary>Every worker there is.</summary>
    public IEnumerable<IAgencyWorker> All =>
        new[] { Dispatcher, Receipts, Gaps, Relays, Checkpoints, EventSharing }.OfType<IAgencyWorker>();
}
