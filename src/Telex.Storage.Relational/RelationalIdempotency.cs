
namespace Telex.Storage.Relational;

/// <summary>Idempotency keys: a client's request id claimed inside the release it names, and the answer kept with it.</summary>
internal sealed class RelationalIdempotency(RelationalStore store) : RelationalRole(store), IIdempotencyStore
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
            ReadJsonArray<Guid>(r, telegrams), ReadBytesOrNull(r, answer) ?? []);
    }
}
