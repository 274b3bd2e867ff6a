namespace Telex.Storage.Relational;

/// <summary>The outbox: messages waiting to be sent to a counterpart, claimed by one node at a time, retried until accepted or expired.</summary>
internal sealed class RelationalOutbox(RelationalStore store) : RelationalRole(store), IOutboxStore
{
    /// <summary>The row mapper of <c>outbox</c>.</summary>
    private Func<OutboxItem> OutboxRow(DbDataReader r)
    {
        int id = r.GetOrdinal("id"), kind = r.GetOrdinal("kind"), telegramId = r.GetOrdinal("telegram_id"), peerDid = r.GetOrdinal("peer_did"),
            endpoint = r.GetOrdinal("endpoint"), payload = r.GetOrdinal("payload"), attempts = r.GetOrdinal("attempts"), dueAt = r.GetOrdinal("due_at"),
            expiresAt = r.GetOrdinal("expires_at"), precedence = r.GetOrdinal("precedence");
        return () => new(ReadId(r, id), (OutboxKind)r.GetInt32(kind), PeerDid: r.GetString(peerDid), Endpoint: r.GetString(endpoint),
            ReadBytes(r, payload), DueAt: ReadTime(r, dueAt), ExpiresAt: ReadTime(r, expiresAt), TelegramId: ReadIdOrNull(r, telegramId),
            Attempts: r.GetInt32(attempts), Precedence: (Precedence)r.GetInt32(precedence));
    }

    /// <inheritdoc/>
    public Task EnqueueAsync(OutboxItem item, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            await InsertOutboxAsync(c, tx, item, ct).ConfigureAwait(false);
            return 0;
        }, ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<OutboxItem>> ClaimDueAsync(DateTimeOffset now, int limit, TimeSpan lease, string node, CancellationToken ct = default) =>
        WriteAsync<IReadOnlyList<OutboxItem>>(async (c, tx) =>
        {
            var list = await ListAsync(c, tx,
                ClaimStatement("outbox", "due_at <= @now AND (claimed_until IS NULL OR claimed_until < @now)", "precedence DESC, due_at", OutboxColumns),
                OutboxRow, ct, ("@node", node), ("@until", Time(now + lease)), ("@now", Time(now)), ("@limit", limit)).ConfigureAwait(false);

            // RETURNING gives rows in the order they were updated, not the sub-select's order.
            list.Sort((x, y) => x.Precedence != y.Precedence ? y.Precedence.CompareTo(x.Precedence) : x.DueAt.CompareTo(y.DueAt));
            return list;
        }, ct);

    /// <inheritdoc/>
    public Task<DateTimeOffset?> NextDueAsync(CancellationToken ct = default) =>
        ReadAsync(async c =>
        {
            // Unclaimed items by the due_at index; claimed ones (few: those in flight) from when their claim lapses, through
            // the outbox_claimed index, so a backlog queued for a peer that is down is not scanned.
            var next = await ListAsync(c, null, """
                SELECT MIN(due_at) AS next FROM outbox WHERE claimed_until IS NULL
                UNION ALL
                SELECT MIN(CASE WHEN claimed_until > due_at THEN claimed_until ELSE due_at END) AS next FROM outbox WHERE claimed_until IS NOT NULL
                """, NextDueRow, ct).ConfigureAwait(false);
            return next.Min();
        }, ct);

    private Func<DateTimeOffset?> NextDueRow(DbDataReader r)
    {
        int next = r.GetOrdinal("next");
        return () => ReadTimeOrNull(r, next);
    }

    /// <inheritdoc/>
    public Task CompleteAttemptAsync(OutboxItem item, bool accepted, DateTimeOffset nextDue, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        return WriteAsync(async (c, tx) =>
        {
            if (accepted && item.Kind == OutboxKind.Message)
            {
                return await ExecuteAsync(c, tx, "DELETE FROM outbox WHERE id=@id", ct, ("@id", Id(item.Id))).ConfigureAwait(false);
            }

            int rows = await ExecuteAsync(c, tx, "UPDATE outbox SET attempts=attempts+1, due_at=@due, claimed_by=NULL, claimed_until=NULL WHERE id=@id", ct,
                ("@due", Time(nextDue)), ("@id", Id(item.Id))).ConfigureAwait(false);
            if (accepted && rows == 1 && item.TelegramId is { } tid)
            {
                await ExecuteAsync(c, tx, "UPDATE telegrams SET status=@sent WHERE id=@id AND direction=0 AND status=@queued", ct,
                    ("@sent", (int)TelegramStatus.Sent), ("@queued", (int)TelegramStatus.Queued), ("@id", Id(tid))).ConfigureAwait(false);
            }

            return rows;
        }, ct);
    }

    /// <inheritdoc/>
    public Task FailAsync(OutboxItem item, string reason, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        return WriteAsync(async (c, tx) =>
        {
            int rows = await ExecuteAsync(c, tx, "DELETE FROM outbox WHERE id=@id", ct, ("@id", Id(item.Id))).ConfigureAwait(false);
            if (rows == 1 && item.TelegramId is { } tid
                && await ExecuteAsync(c, tx, """
                    UPDATE telegrams SET status=@failed, failure_reason=@reason WHERE id=@id AND direction=0 AND status IN (@queued, @sent)
                    """, ct, ("@failed", (int)TelegramStatus.Failed), ("@reason", reason), ("@id", Id(tid)),
                    ("@queued", (int)TelegramStatus.Queued), ("@sent", (int)TelegramStatus.Sent)).ConfigureAwait(false) == 1)
            {
                await AppendEntryAsync(c, tx, RegisterKinds.Failure, RegisterChain.TelegramReference(tid, Direction.Outbound),
                    RegisterChain.FailureContent(tid, reason), keepContent: true, ct).ConfigureAwait(false);
            }

            return rows;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyDictionary<string, int>> OutboxDepthAsync(CancellationToken ct = default) =>
        ReadAsync<IReadOnlyDictionary<string, int>>(async c =>
        {
            var depths = await ListAsync(c, null, "SELECT peer_did, COUNT(*) AS depth FROM outbox GROUP BY peer_did", DepthRow, ct).ConfigureAwait(false);
            return depths.ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal);
        }, ct);

    private static Func<KeyValuePair<string, int>> DepthRow(DbDataReader r)
    {
        int peer = r.GetOrdinal("peer_did"), depth = r.GetOrdinal("depth");
        return () => new(r.GetString(peer), (int)r.GetInt64(depth));
    }

    /// <inheritdoc/>
    public Task<bool> RequeueAsync(Guid telegramId, string peerDid, DateTimeOffset now, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) => await ExecuteAsync(c, tx, $"""
            UPDATE outbox SET due_at={Least("due_at", "@now")}, claimed_by=NULL, claimed_until=NULL WHERE telegram_id=@id AND peer_did IN {DidsOfTie("@p")}
            """, ct, ("@now", Time(now)), ("@id", Id(telegramId)), ("@p", peerDid)).ConfigureAwait(false) > 0, ct);

    /// <inheritdoc/>
    public Task ReleaseClaimsAsync(string node, CancellationToken ct = default) =>
        WriteAsync((c, tx) => ExecuteAsync(c, tx, "UPDATE outbox SET claimed_by=NULL, claimed_until=NULL WHERE claimed_by=@n", ct, ("@n", node)), ct);
}
