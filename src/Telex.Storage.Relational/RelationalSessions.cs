namespace Telex.Storage.Relational;

/// <summary>Officers' API tokens, shared by every node using the store.</summary>
internal sealed class RelationalSessions(RelationalStore store) : RelationalRole(store), ISessionStore
{
    /// <inheritdoc/>
    public Task AddTokenAsync(ApiToken token, CancellationToken ct = default) =>
        WriteAsync((c, tx) => ExecuteAsync(c, tx, "INSERT INTO tokens(hash, officer, created_at, expires_at) VALUES(@h, @o, @c, @e)", ct,
            ("@h", token.TokenHash), ("@o", token.OfficerName), ("@c", Time(token.CreatedAt)), ("@e", Time(token.ExpiresAt))), ct);

    /// <inheritdoc/>
    public Task<ApiToken?> FindTokenAsync(string tokenHash, DateTimeOffset now, CancellationToken ct = default) =>
        ReadAsync(c => FirstAsync(c, null, "SELECT hash, officer, created_at, expires_at FROM tokens WHERE hash=@h AND expires_at > @now", TokenRow, ct,
            ("@h", tokenHash), ("@now", Time(now))), ct);

    /// <summary>The row mapper of <c>tokens</c>.</summary>
    private Func<ApiToken> TokenRow(DbDataReader r)
    {
        int hash = r.GetOrdinal("hash"), officer = r.GetOrdinal("officer"), createdAt = r.GetOrdinal("created_at"), expiresAt = r.GetOrdinal("expires_at");
        return () => new ApiToken(r.GetString(hash), r.GetString(officer), ReadTime(r, createdAt), ReadTime(r, expiresAt));
    }

    /// <inheritdoc/>
    public Task<bool> RevokeTokenAsync(string tokenHash, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) => await ExecuteAsync(c, tx, "DELETE FROM tokens WHERE hash=@h", ct, ("@h", tokenHash)).ConfigureAwait(false) == 1, ct);

    /// <inheritdoc/>
    public Task<int> RevokeOfficerTokensAsync(string officerName, string? keptTokenHash, CancellationToken ct = default) =>
        // No token's hash is empty, so an empty one keeps none.
        WriteAsync((c, tx) => ExecuteAsync(c, tx, "DELETE FROM tokens WHERE officer=@o AND hash <> @k", ct,
            ("@o", officerName), ("@k", keptTokenHash ?? "")), ct);
}
