namespace Telex.Core.Storage;

/// <summary>Envelopes this agency relays for its counterparts, kept until the next hop accepts them.</summary>
public interface IRelayStore
{
    /// <summary>
    /// Keeps a relayed envelope until the next hop accepts it; durable once the call returns true. False, and nothing
    /// written, when the envelopes queued from the same counterpart (<see cref="RelayItem.FromDid"/>) would then hold
    /// more than <paramref name="maxQueuedBytesFromSender"/> bytes.
    /// </summary>
    Task<bool> EnqueueRelayAsync(RelayItem item, long maxQueuedBytesFromSender = long.MaxValue, CancellationToken ct = default);

    /// <summary>
    /// Claims up to <paramref name="limit"/> relayed envelopes due at <paramref name="now"/> (and not expired) for
    /// <paramref name="lease"/>, oldest first, so that no other node claims them meanwhile.
    /// </summary>
    Task<IReadOnlyList<RelayItem>> ClaimDueRelaysAsync(DateTimeOffset now, int limit, TimeSpan lease, string node, CancellationToken ct = default);

    /// <summary>
    /// After an attempt: removes the envelope when the next hop accepted it; otherwise counts the attempt, reschedules it
    /// at <paramref name="nextDue"/> and releases the claim. False if it is gone already.
    /// </summary>
    Task<bool> CompleteRelayAsync(Guid id, bool accepted, DateTimeOffset nextDue, CancellationToken ct = default);

    /// <summary>Releases the relay claims held by <paramref name="node"/> (called when the node starts).</summary>
    Task ReleaseRelayClaimsAsync(string node, CancellationToken ct = default);

    /// <summary>Removes every relayed envelope whose retention ended at <paramref name="now"/>; returns how many.</summary>
    Task<int> DropExpiredRelaysAsync(DateTimeOffset now, CancellationToken ct = default);

    /// <summary>How many relayed envelopes are held.</summary>
    Task<long> CountRelaysAsync(CancellationToken ct = default);
}
