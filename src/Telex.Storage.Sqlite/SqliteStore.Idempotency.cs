using System.Data.Common;
using System.Text.Json;

using Telex.Core.Model;
using Telex.Core.Storage;

namespace Telex.Storage.Sqlite;

public sealed partial class SqliteStore
{
    /// <inheritdoc/>
    public Task<IdempotentRelease?> FindIdempotentReleaseAsync(string officer, string key, DateTimeOffset now, CancellationToken ct = default) =>
        ReadAsync(async c =>
        {
            using var cmd = Command(c, null, """
                SELECT officer, key, request_hash, created_at, expires_at, telegrams, answer FROM idempotency_keys
                WHERE officer=$o AND key=$k AND expires_at > $now
                """, ("$o", officer), ("$k", key), ("$now", now.ToUnixTimeMilliseconds()));
            using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await r.ReadAsync(ct).ConfigureAwait(false)
                ? new IdempotentRelease(r.GetString(0), r.GetString(1), r.GetString(2), Ms(r.GetInt64(3)), Ms(r.GetInt64(4)),
                    JsonSerializer.Deserialize<Guid[]>(r.GetString(5)) ?? [], r.IsDBNull(6) ? [] : (byte[])r.GetValue(6))
                : null;
        }, ct);

    /// <summary>
    /// Claims a client's request id inside the release's transaction, before anything else is written, after dropping that
    /// officer's expired keys; throws <see cref="IdempotencyKeyTakenException"/> if the key is held.
    /// </summary>
    private static async Task ClaimAsync(DbConnection c, DbTransaction tx, IdempotencyClaim? claim, CancellationToken ct)
    {
        if (claim is null)
        {
            return;
        }

        using var purge = Command(c, tx, "DELETE FROM idempotency_keys WHERE officer=$o AND expires_at <= $now",
            ("$o", claim.Officer), ("$now", claim.CreatedAt.ToUnixTimeMilliseconds()));
        await purge.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        using var insert = Command(c, tx, """
            INSERT INTO idempotency_keys(officer, key, request_hash, created_at, expires_at, telegrams, answer)
            VALUES($o, $k, $h, $at, $until, '[]', NULL) ON CONFLICT(officer, key) DO NOTHING
            """, ("$o", claim.Officer), ("$k", claim.Key), ("$h", claim.RequestHash), ("$at", claim.CreatedAt.ToUnixTimeMilliseconds()),
            ("$until", claim.ExpiresAt.ToUnixTimeMilliseconds()));
        if (await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
        {
            throw new IdempotencyKeyTakenException();
        }
    }

    /// <summary>Keeps, with the claimed key, the telegrams the release filed and the answer made from them.</summary>
    private static async Task KeepAnswerAsync(DbConnection c, DbTransaction tx, IdempotencyClaim? claim, IReadOnlyList<TelegramRecord> released,
        CancellationToken ct)
    {
        if (claim is null)
        {
            return;
        }

        using var update = Command(c, tx, "UPDATE idempotency_keys SET telegrams=$t, answer=$a WHERE officer=$o AND key=$k",
            ("$t", JsonSerializer.Serialize(released.Select(r => r.Id))), ("$a", claim.Answer(released)), ("$o", claim.Officer), ("$k", claim.Key));
        await update.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
