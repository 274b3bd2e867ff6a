namespace Telex.Core.Storage;

/// <summary>The outbox: messages waiting for their next hop, claimed by one node at a time.</summary>
public interface IOutboxStore
{
    /// <summary>Adds an outbox item (for messages other than telegrams).</summary>
    Task EnqueueAsync(OutboxItem item, CancellationToken ct = default);

    /// <summary>
    /// Claims up to <paramref name="limit"/> due items for <paramref name="lease"/>, highest precedence and
    /// oldest first, so that no other node claims them meanwhile.
    /// </summary>
    Task<IReadOnlyList<OutboxItem>> ClaimDueAsync(DateTimeOffset now, int limit, TimeSpan lease, string node, CancellationToken ct = default);

    /// <summary>
    /// When <see cref="ClaimDueAsync"/> can next find something: the earliest due time in the outbox, an item claimed by a
    /// node counting from when its claim lapses; null when the outbox is empty. It may be past (an item is due now). The
    /// dispatcher sleeps until then, unless woken by new work.
    /// </summary>
    Task<DateTimeOffset?> NextDueAsync(CancellationToken ct = default);

    /// <summary>
    /// After an attempt: for a message accepted by the next hop, removes it; for a telegram accepted, marks it sent
    /// (only if still queued) and reschedules a check at <paramref name="nextDue"/>; for a failed attempt,
    /// reschedules at <paramref name="nextDue"/> and counts the attempt. Releases the claim. If the item is gone
    /// (a receipt arrived meanwhile), changes nothing.
    /// </summary>
    Task CompleteAttemptAsync(OutboxItem item, bool accepted, DateTimeOffset nextDue, CancellationToken ct = default);

    /// <summary>
    /// Releases every claim held by <paramref name="node"/>: called when a node starts, since claims it holds are
    /// left over from its previous run.
    /// </summary>
    Task ReleaseClaimsAsync(string node, CancellationToken ct = default);

    /// <summary>Marks an outbox item failed for good (expired): the telegram's status becomes failed with the reason.</summary>
    Task FailAsync(OutboxItem item, string reason, CancellationToken ct = default);

    /// <summary>Outbox depth per counterpart (for metrics and status).</summary>
    Task<IReadOnlyDictionary<string, int>> OutboxDepthAsync(CancellationToken ct = default);

    /// <summary>
    /// Makes a telegram due now again (a counterpart asked for it after detecting a gap); one due earlier keeps its
    /// place, so repeated requests never push it behind later work. False if unknown, not outbound to that counterpart,
    /// or already failed.
    /// </summary>
    Task<bool> RequeueAsync(Guid telegramId, string peerDid, DateTimeOffset now, CancellationToken ct = default);
}
