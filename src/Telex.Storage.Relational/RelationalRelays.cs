namespace Telex.Storage.Relational;

/// <summary>The relay queue: envelopes this agency forwards for others, bounded per sender, claimed and retried as the outbox is.</summary>
internal sealed class RelationalRelays(RelationalStore store) : RelationalRole(store), IRelayStore
{
    private const string RelayColumns = "id, from_did, next_did, endpoint, envelope, received_at, due_at, expires_at, attempts";

    /// <inheritdoc/>
    public Task<bool> EnqueueRelayAsync(RelayItem item, long maxQueuedBytesFromSender = long.MaxValue, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        return WriteAsync(async (c, tx) =>
        {
            // One counterpart's forwards are counted one at a time across nodes, so the bound holds however many run.
            await LockAsync(c, tx, "relay:" + item.FromDid, ct).ConfigureAwait(false);
            long queued = await LongAsync(c, tx, "SELECT COALESCE(SUM(length(envelope)), 0) FROM relay_queue WHERE from_did=@f", ct, ("@f", item.FromDid))
                .ConfigureAwait(false);
            if (queued + item.Envelope.Length > maxQueuedBytesFromSender)
            {
                return false;
            }

            await ExecuteAsync(c, tx, $"""
                INSERT INTO relay_queue({RelayColumns}) VALUES(@id, @from, @next, @endpoint, @envelope, @received, @due, @expires, @attempts)
                """, ct,
                ("@id", Id(item.Id)), ("@from", item.FromDid), ("@next", item.NextDid), ("@endpoint", item.Endpoint), ("@envelope", Bytes(item.Envelope)),
                ("@received", Time(item.ReceivedAt)), ("@due", Time(item.DueAt)), ("@expires", Time(item.ExpiresAt)), ("@attempts", item.Attempts))
                .ConfigureAwait(false);
            return true;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<RelayItem>> ClaimDueRelaysAsync(DateTimeOffset now, int limit, TimeSpan lease, string node, CancellationToken ct = default) =>
        WriteAsync<IReadOnlyList<RelayItem>>(async (c, tx) =>
        {
            var list = await ListAsync(c, tx,
                ClaimStatement("relay_queue", "due_at <= @now AND expires_at > @now AND (claimed_until IS NULL OR claimed_until < @now)", "due_at",
                    RelayColumns),
                RelayRow, ct, ("@node", node), ("@until", Time(now + lease)), ("@now", Time(now)), ("@limit", limit)).ConfigureAwait(false);
            list.Sort((x, y) => x.DueAt.CompareTo(y.DueAt));
            return list;
        }, ct);

    /// <inheritdoc/>
    public Task<bool> CompleteRelayAsync(Guid id, bool accepted, DateTimeOffset nextDue, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) => await (accepted
            ? ExecuteAsync(c, tx, "DELETE FROM relay_queue WHERE id=@id", ct, ("@id", Id(id)))
            : ExecuteAsync(c, tx, "UPDATE relay_queue SET attempts=attempts+1, due_at=@due, claimed_by=NULL, claimed_until=NULL WHERE id=@id", ct,
                ("@due", Time(nextDue)), ("@id", Id(id)))).ConfigureAwait(false) == 1, ct);

    /// <inheritdoc/>
    public Task ReleaseRelayClaimsAsync(string node, CancellationToken ct = default) =>
        WriteAsync((c, tx) => ExecuteAsync(c, tx, "UPDATE relay_queue SET claimed_by=NULL, claimed_until=NULL WHERE claimed_by=@node", ct, ("@node", node)), ct);

    /// <inheritdoc/>
    public Task<int> DropExpiredRelaysAsync(DateTimeOffset now, CancellationToken ct = default) =>
        WriteAsync((c, tx) => ExecuteAsync(c, tx, "DELETE FROM relay_queue WHERE expires_at <= @now", ct, ("@now", Time(now))), ct);

    /// <inheritdoc/>
    public Task<long> CountRelaysAsync(CancellationToken ct = default) =>
        ReadAsync(c => LongAsync(c, null, "SELECT COUNT(*) FROM relay_queue", ct), ct);

    /// <summary>The row mapper of <c>relay_queue</c>.</summary>
    private Func<RelayItem> RelayRow(DbDataReader r)
    {
        int id = r.GetOrdinal("id"), fromDid = r.GetOrdinal("from_did"), nextDid = r.GetOrdinal("next_did"), endpoint = r.GetOrdinal("endpoint"),
            envelope = r.GetOrdinal("envelope"), receivedAt = r.GetOrdinal("received_at"), dueAt = r.GetOrdinal("due_at"), expiresAt = r.GetOrdinal("expires_at"),
            attempts = r.GetOrdinal("attempts");
        return () => new(ReadId(r, id), FromDid: r.GetString(fromDid), NextDid: r.GetString(nextDid), Endpoint: r.GetString(endpoint),
            ReadBytes(r, envelope), ReceivedAt: ReadTime(r, receivedAt), DueAt: ReadTime(r, dueAt), ExpiresAt: ReadTime(r, expiresAt),
            Attempts: r.GetInt32(attempts));
    }
}
