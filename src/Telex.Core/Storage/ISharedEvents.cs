namespace Telex.Core.Storage;

/// <summary>
/// Implemented by a store that several agency nodes share: it carries each node's live events (<see cref="AgencyEvent"/>)
/// to the other nodes, so a client's event stream shows what happens on every node, whichever node it is connected to.
/// Delivery is best effort, like the events themselves: the register, not the stream, is the record.
/// </summary>
public interface ISharedEvents
{
    /// <summary>Announces events raised on <paramref name="node"/> to every node listening.</summary>
    Task PublishEventsAsync(string node, IReadOnlyList<AgencyEvent> events, CancellationToken ct = default);

    /// <summary>Listens until cancelled, calling <paramref name="received"/> with each event and the node that raised it.</summary>
    Task ListenEventsAsync(Func<string, AgencyEvent, ValueTask> received, CancellationToken ct);
}
