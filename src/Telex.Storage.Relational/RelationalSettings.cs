namespace Telex.Storage.Relational;

/// <summary>Settings: the agency's key–value configuration kept in the database.</summary>
internal sealed class RelationalSettings(RelationalStore store) : RelationalRole(store), ISettingsStore
{
    /// <inheritdoc/>
    public Task<string?> GetSettingAsync(string key, CancellationToken ct = default) =>
        ReadAsync(async c => (string?)await ScalarAsync(c, null, "SELECT value FROM settings WHERE key=@k", ct, ("@k", key)).ConfigureAwait(false), ct);

    /// <inheritdoc/>
    public Task SetSettingAsync(string key, string value, CancellationToken ct = default) =>
        WriteAsync((c, tx) => SetSettingAsync(c, tx, key, value, ct), ct);

    /// <summary>Sets a setting inside <paramref name="tx"/>.</summary>
    internal static Task<int> SetSettingAsync(DbConnection c, DbTransaction tx, string key, string value, CancellationToken ct) =>
        ExecuteAsync(c, tx, "INSERT INTO settings(key, value) VALUES(@k, @v) ON CONFLICT(key) DO UPDATE SET value=excluded.value", ct,
            ("@k", key), ("@v", value));

    /// <inheritdoc/>
    public Task<IReadOnlyList<KeyValuePair<string, string>>> ListSettingsAsync(string prefix, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);

        // substr and length count characters, so the comparison is exact for any prefix (LIKE would read % and _).
        return ReadAsync<IReadOnlyList<KeyValuePair<string, string>>>(async c => await ListAsync(c, null,
            $"SELECT key, value FROM settings WHERE substr(key, 1, length(@p)) = @p ORDER BY key COLLATE {BinaryCollation}", SettingRow, ct,
            ("@p", prefix)).ConfigureAwait(false), ct);
    }

    private static Func<KeyValuePair<string, string>> SettingRow(DbDataReader r)
    {
        int key = r.GetOrdinal("key"), value = r.GetOrdinal("value");
        return () => new(r.GetString(key), r.GetString(value));
    }
}
