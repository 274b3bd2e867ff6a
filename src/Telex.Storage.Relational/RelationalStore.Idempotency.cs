using System.Text.Json;

namespace Telex.Storage.Relational;

/// <summary>Idempotency keys: a client's request id claimed inside the release it names, and the answer kept with it.</summary>
public abstract partial class RelationalStore
{
    /// <inheritdoc/>
    public Task<IdempotentRelease?> FindIdempotentReleaseAsync(string officer, string key, DateTimeOffset now, CancellationToken ct = default) =>
        ReadAsync(c => FirstAsync(c, null, """
            SELECT officer, key, request_hash, created_at, expires_at, telegrams, answer FROM idempotency_keys
            WHERE officer=@o AND key=@k AND expires_at > @now
            """, IdempotentReleaseRow, ct, ("@o", officer), ("@k", key), ("@now", Time(now))), ct);

    /// <summary>The row mapper of <c>idempotency_keys</c>.</summary>
    private Func<IdempotentRelease> IdempotentReleaseRow(DbDataReader r)
    {
        int officer = r.GetOrdinal("officer"), key = r.GetOrdinal("key"), requestHash = r.GetOrdinal("request_hash"), createdAt = r.GetOrdinal("created_at"),
            expiresAt = r.GetOrdinal("expires_at"), telegrams = r.GetOrdinal("telegrams"), answer = r.GetOrdinal("answer");
        return () => new IdempotentRelease(r.GetString(officer), r.GetString(key), r.GetString(requestHash), ReadTime(r, createdAt), ReadTime(r, expiresAt),
            JsonSerializer.Deserialize<Guid[]>(ReadJson(r, telegrams)) ?? [], ReadBytesOrNull(r, answer) ?? []);
    }

    /// <summary>
    /// Claims a client's request id inside the release's transaction, before anything else is written, after dropping that
    /// officer's expired keys; throws <see cref="IdempotencyKeyTakenException"/> if the key is held. The key's row is the
    /// first lock a release takes (a draft's release takes it after the draft's row): a second release under the same key
    /// on another node waits on it and, once the first commits, finds the key held.
    /// </summary>
    protected async Task ClaimAsync(DbConnection c, DbTransaction tx, IdempotencyClaim? claim, CancellationToken ct)
    {
        if (claim is null)
        {
            return;
        }

        await ExecuteAsync(c, tx, "DELETE FROM idempotency_keys WHERE officer=@o AND expires_at <= @now", ct,
            ("@o", claim.Officer), ("@now", Time(claim.CreatedAt))).ConfigureAwait(false);
        if (await ExecuteAsync(c, tx, """
            INSERT INTO idempotency_keys(officer, key, request_hash, created_at, expires_at, telegrams, answer)
            VALUES(@o, @k, @h, @at, @until, @none, NULL) ON CONFLICT(officer, key) DO NOTHING
            """, ct, ("@o", claim.Officer), ("@k", claim.Key), ("@h", claim.RequestHash), ("@at", Time(claim.CreatedAt)),
            ("@until", Time(claim.ExpiresAt)), ("@none", Json("[]"))).ConfigureAwait(false) == 0)
        {
            throw new IdempotencyKeyTakenException();
        }
    }

    /// <summary>Keeps, with the claimed key, the telegrams the release filed and the answer made from them.</summary>
    protected async Task KeepAnswerAsync(DbConnection c, DbTransaction tx, IdempotencyClaim? claim, IReadOnlyList<TelegramRecord> released,
        CancellationToken ct)
    {
        if (claim is null)
        {
            return;
        }

        await ExecuteAsync(c, tx, "UPDATE idempotency_keys SET telegrams=@t, answer=@a WHERE officer=@o AND key=@k", ct,
            ("@t", Json(JsonSerializer.Serialize(released.Select(r => r.Id)))), ("@a", Bytes(claim.Answer(released))), ("@o", claim.Officer),
            ("@k", claim.Key)).ConfigureAwait(false);
    }
}
