using System.Data.Common;

using Telex.Core.Model;
using Telex.Core.Register;

namespace Telex.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string OutboxColumns = "id, kind, telegram_id, peer_did, endpoint, payload, attempts, due_at, expires_at, precedence";

    private static async Task InsertOutboxAsync(DbConnection c, DbTransaction tx, OutboxItem o, CancellationToken ct)
    {
        using var cmd = Command(c, tx, $"""
            INSERT INTO outbox({OutboxColumns}) VALUES(@id, @kind, @tid, @peer, @endpoint, @payload, @attempts, @due, @expires, @prec)
            """,
            ("@id", o.Id.ToString()), ("@kind", (int)o.Kind), ("@tid", o.TelegramId?.ToString()), ("@peer", o.PeerDid),
            ("@endpoint", o.Endpoint), ("@payload", o.Payload), ("@attempts", o.Attempts), ("@due", o.DueAt.ToUnixTimeMilliseconds()),
            ("@expires", o.ExpiresAt.ToUnixTimeMilliseconds()), ("@prec", (int)o.Precedence));
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static OutboxItem ReadOutbox(DbDataReader r) => new()
    {
        Id = Guid.Parse(r.GetString(0)),
        Kind = (OutboxKind)r.GetInt32(1),
        TelegramId = r.IsDBNull(2) ? null : Guid.Parse(r.GetString(2)),
        PeerDid = r.GetString(3),
        Endpoint = r.GetString(4),
        Payload = (byte[])r.GetValue(5),
        Attempts = r.GetInt32(6),
        DueAt = Ms(r.GetInt64(7)),
        ExpiresAt = Ms(r.GetInt64(8)),
        Precedence = (Precedence)r.GetInt32(9),
    };

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
            // Rows another node is claiming are skipped, not waited for; the condition is checked again on the row as
            // it is when locked, so an item claimed by a node that committed meanwhile is not claimed twice.
            long nowMs = now.ToUnixTimeMilliseconds();
            using var cmd = Command(c, tx, $"""
                WITH due AS (
                    SELECT id AS due_id FROM outbox WHERE due_at <= @now AND (claimed_until IS NULL OR claimed_until < @now)
                    ORDER BY precedence DESC, due_at LIMIT @limit
                    FOR UPDATE SKIP LOCKED)
                UPDATE outbox SET claimed_by=@node, claimed_until=@until
                FROM due
                WHERE id = due_id AND due_at <= @now AND (claimed_until IS NULL OR claimed_until < @now)
                RETURNING {OutboxColumns}
                """, ("@node", node), ("@until", nowMs + (long)lease.TotalMilliseconds), ("@now", nowMs), ("@limit", limit));
            using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var list = new List<OutboxItem>();
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                list.Add(ReadOutbox(r));
            }

            // RETURNING gives rows in the order they were updated, not the sub-select's order.
            list.Sort((x, y) => x.Precedence != y.Precedence ? y.Precedence.CompareTo(x.Precedence) : x.DueAt.CompareTo(y.DueAt));
            return list;
        }, ct);

    /// <inheritdoc/>
    public Task CompleteAttemptAsync(OutboxItem item, bool accepted, DateTimeOffset nextDue, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        return WriteAsync(async (c, tx) =>
        {
            if (accepted && item.Kind == OutboxKind.Message)
            {
                using var remove = Command(c, tx, "DELETE FROM outbox WHERE id=@id", ("@id", item.Id.ToString()));
                return await remove.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            using var reschedule = Command(c, tx, """
                UPDATE outbox SET attempts=attempts+1, due_at=@due, claimed_by=NULL, claimed_until=NULL WHERE id=@id
                """, ("@due", nextDue.ToUnixTimeMilliseconds()), ("@id", item.Id.ToString()));
            int rows = await reschedule.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            if (accepted && rows == 1 && item.TelegramId is { } tid)
            {
                using var sent = Command(c, tx, "UPDATE telegrams SET status=@sent WHERE id=@id AND direction=0 AND status=@queued",
                    ("@sent", (int)TelegramStatus.Sent), ("@queued", (int)TelegramStatus.Queued), ("@id", tid.ToString()));
                await sent.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
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
            using var remove = Command(c, tx, "DELETE FROM outbox WHERE id=@id", ("@id", item.Id.ToString()));
            int rows = await remove.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            if (rows == 1 && item.TelegramId is { } tid)
            {
                using var failed = Command(c, tx, """
                    UPDATE telegrams SET status=@failed, failure_reason=@reason WHERE id=@id AND direction=0 AND status IN (@queued, @sent)
                    """, ("@failed", (int)TelegramStatus.Failed), ("@reason", reason), ("@id", tid.ToString()),
                    ("@queued", (int)TelegramStatus.Queued), ("@sent", (int)TelegramStatus.Sent));
                if (await failed.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1)
                {
                    await AppendEntryAsync(c, tx, RegisterKinds.Failure, RegisterChain.TelegramReference(tid, Direction.Outbound),
                        RegisterChain.FailureContent(tid, reason), keepContent: true, ct).ConfigureAwait(false);
                }
            }

            return rows;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyDictionary<string, int>> OutboxDepthAsync(CancellationToken ct = default) =>
        ReadAsync<IReadOnlyDictionary<string, int>>(async c =>
        {
            using var cmd = Command(c, null, "SELECT peer_did, COUNT(*)::integer FROM outbox GROUP BY peer_did");
            using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var map = new Dictionary<string, int>(StringComparer.Ordinal);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                map[r.GetString(0)] = r.GetInt32(1);
            }

            return map;
        }, ct);

    /// <inheritdoc/>
    public Task<bool> RequeueAsync(Guid telegramId, string peerDid, DateTimeOffset now, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            using var cmd = Command(c, tx, $"""
                UPDATE outbox SET due_at=LEAST(due_at, @now), claimed_by=NULL, claimed_until=NULL WHERE telegram_id=@id AND peer_did IN {DidsOfTie("@p")}
                """, ("@now", now.ToUnixTimeMilliseconds()), ("@id", telegramId.ToString()), ("@p", peerDid));
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
        }, ct);

    /// <inheritdoc/>
    public Task ReleaseClaimsAsync(string node, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            using var cmd = Command(c, tx, "UPDATE outbox SET claimed_by=NULL, claimed_until=NULL WHERE claimed_by=@n", ("@n", node));
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, ct);
}
