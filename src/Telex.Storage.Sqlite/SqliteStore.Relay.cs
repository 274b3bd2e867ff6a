using System.Data.Common;

using Telex.Core.Model;

namespace Telex.Storage.Sqlite;

public sealed partial class SqliteStore
{
    private const string RelayColumns = "id, from_did, next_did, endpoint, envelope, received_at, due_at, expires_at, attempts";

    /// <inheritdoc/>
    public Task<bool> EnqueueRelayAsync(RelayItem item, long maxQueuedBytesFromSender = long.MaxValue, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        return WriteAsync(async (c, tx) =>
        {
            using var queued = Command(c, tx, "SELECT COALESCE(SUM(length(envelope)), 0) FROM relay_queue WHERE from_did=$f", ("$f", item.FromDid));
            if (Convert.ToInt64(await queued.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture)
                + item.Envelope.Length > maxQueuedBytesFromSender)
            {
                return false;
            }

            using var cmd = Command(c, tx, $"""
                INSERT INTO relay_queue({RelayColumns}) VALUES($id, $from, $next, $endpoint, $envelope, $received, $due, $expires, $attempts)
                """,
                ("$id", item.Id.ToString()), ("$from", item.FromDid), ("$next", item.NextDid), ("$endpoint", item.Endpoint),
                ("$envelope", item.Envelope), ("$received", item.ReceivedAt.ToUnixTimeMilliseconds()),
                ("$due", item.DueAt.ToUnixTimeMilliseconds()), ("$expires", item.ExpiresAt.ToUnixTimeMilliseconds()), ("$attempts", item.Attempts));
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return true;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<RelayItem>> ClaimDueRelaysAsync(DateTimeOffset now, int limit, TimeSpan lease, string node, CancellationToken ct = default) =>
        WriteAsync<IReadOnlyList<RelayItem>>(async (c, tx) =>
        {
            long nowMs = now.ToUnixTimeMilliseconds();
            using var cmd = Command(c, tx, $"""
                UPDATE relay_queue SET claimed_by=$node, claimed_until=$until
                WHERE id IN (SELECT id FROM relay_queue WHERE due_at <= $now AND expires_at > $now
                             AND (claimed_until IS NULL OR claimed_until < $now) ORDER BY due_at LIMIT $limit)
                RETURNING {RelayColumns}
                """, ("$node", node), ("$until", nowMs + (long)lease.TotalMilliseconds), ("$now", nowMs), ("$limit", limit));
            using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var list = new List<RelayItem>();
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                list.Add(ReadRelay(r));
            }

            list.Sort((x, y) => x.DueAt.CompareTo(y.DueAt));
            return list;
        }, ct);

    /// <inheritdoc/>
    public Task<bool> CompleteRelayAsync(Guid id, bool accepted, DateTimeOffset nextDue, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            using var cmd = accepted
                ? Command(c, tx, "DELETE FROM relay_queue WHERE id=$id", ("$id", id.ToString()))
                : Command(c, tx, "UPDATE relay_queue SET attempts=attempts+1, due_at=$due, claimed_by=NULL, claimed_until=NULL WHERE id=$id",
                    ("$due", nextDue.ToUnixTimeMilliseconds()), ("$id", id.ToString()));
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, ct);

    /// <inheritdoc/>
    public Task ReleaseRelayClaimsAsync(string node, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            using var cmd = Command(c, tx, "UPDATE relay_queue SET claimed_by=NULL, claimed_until=NULL WHERE claimed_by=$node", ("$node", node));
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, ct);

    /// <inheritdoc/>
    public Task<int> DropExpiredRelaysAsync(DateTimeOffset now, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            using var cmd = Command(c, tx, "DELETE FROM relay_queue WHERE expires_at <= $now", ("$now", now.ToUnixTimeMilliseconds()));
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, ct);

    /// <inheritdoc/>
    public Task<long> CountRelaysAsync(CancellationToken ct = default) =>
        ReadAsync(async c =>
        {
            using var cmd = Command(c, null, "SELECT COUNT(*) FROM relay_queue");
            return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }, ct);

    /// <summary>Run by the relay migration: SQLite cannot add a column only if it is missing, so this checks first.</summary>
    private static async Task AddRelayPathColumnAsync(DbConnection c, DbTransaction tx, CancellationToken ct)
    {
        using var probe = Command(c, tx, "SELECT COUNT(*) FROM pragma_table_info('telegrams') WHERE name='relay_path'");
        if ((long)(await probe.ExecuteScalarAsync(ct).ConfigureAwait(false))! == 0)
        {
            using var add = Command(c, tx, "ALTER TABLE telegrams ADD COLUMN relay_path TEXT");
            await add.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    private static RelayItem ReadRelay(DbDataReader r) => new()
    {
        Id = Guid.Parse(r.GetString(0)),
        FromDid = r.GetString(1),
        NextDid = r.GetString(2),
        Endpoint = r.GetString(3),
        Envelope = (byte[])r.GetValue(4),
        ReceivedAt = Ms(r.GetInt64(5)),
        DueAt = Ms(r.GetInt64(6)),
        ExpiresAt = Ms(r.GetInt64(7)),
        Attempts = r.GetInt32(8),
    };
}
