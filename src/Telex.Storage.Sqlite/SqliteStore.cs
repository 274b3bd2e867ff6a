using System.Runtime.CompilerServices;

using Microsoft.Data.Sqlite;

using Telex.Core.Storage;

namespace Telex.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode under the agency's data folder. Writes are serialized in the
/// process (SQLite has one writer) and committed in groups (see <c>SqliteStore.Writer.cs</c>); reads run concurrently.
/// </summary>
public sealed partial class SqliteStore : ITelexStore
{
    private readonly string _connectionString;
    /// <summary>
    /// Physical connections whose pragmas are set, with the synchronous mode set (two stores on one file share the
    /// pool); weakly held, so a connection the pool closes drops out.
    /// </summary>
    private static readonly ConditionalWeakTable<SQLitePCL.sqlite3, StrongBox<bool>> Configured = new();

    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly TimeProvider _time;
    private readonly bool _fullSync;

    /// <summary>
    /// Opens (creating if needed) the database at <paramref name="path"/>. <paramref name="fullSync"/> (default true)
    /// makes every commit survive power loss, not only a crash of the process.
    /// </summary>
    public SqliteStore(string path, TimeProvider? time = null, bool fullSync = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _time = time ?? TimeProvider.System;
        _fullSync = fullSync;
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);

        // The settings belong to the physical connection, which the pool keeps open: set them once, not per use.
        if (connection.Handle is { } handle && Configured.TryGetValue(handle, out var sync) && sync.Value == _fullSync)
        {
            return connection;
        }

        using var pragma = connection.CreateCommand();
        pragma.CommandText = _fullSync
            ? "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;"
            : "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;";
        await pragma.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        if (connection.Handle is { } opened)
        {
            Configured.AddOrUpdate(opened, new StrongBox<bool>(_fullSync));
        }

        return connection;
    }

    private async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        return await work(connection).ConfigureAwait(false);
    }

    private static SqliteCommand Command(SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return cmd;
    }

    /// <inheritdoc/>
    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await WriteAsync(async (c, tx) =>
        {
            using var version = Command(c, tx, "PRAGMA user_version;");
            long current = (long)(await version.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            for (int v = (int)current; v < Schema.Migrations.Length; v++)
            {
                using var migrate = Command(c, tx, Schema.Migrations[v] + $"\nPRAGMA user_version = {v + 1};");
                await migrate.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                if (v + 1 == Schema.RegisterChainVersion)
                {
                    await EnterExistingTelegramsAsync(c, tx, ct).ConfigureAwait(false);
                }

                if (v + 1 == Schema.IssueChainVersion)
                {
                    await EnterExistingIssuesAndClearanceAsync(c, tx, ct).ConfigureAwait(false);
                }

                if (v + 1 == Schema.RelayVersion)
                {
                    await AddRelayPathColumnAsync(c, tx, ct).ConfigureAwait(false);
                }

                if (v + 1 == Schema.BureauVersion)
                {
                    await AddBureauColumnsAsync(c, tx, ct).ConfigureAwait(false);
                }

                if (v + 1 == Schema.SuspendedByVersion)
                {
                    await AddSuspendedByColumnAsync(c, tx, ct).ConfigureAwait(false);
                }

                if (v + 1 == Schema.OutcomeVersion)
                {
                    await AddOutcomeColumnsAsync(c, tx, ct).ConfigureAwait(false);
                }

                if (v + 1 == Schema.OfficerAdministrationVersion)
                {
                    await AddOfficerDisabledColumnAsync(c, tx, ct).ConfigureAwait(false);
                }
            }

            return 0;
        }, ct).ConfigureAwait(false);

        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        using var wal = Command(connection, null, "PRAGMA journal_mode=WAL;");
        await wal.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<string?> GetSettingAsync(string key, CancellationToken ct = default) =>
        ReadAsync(async c =>
        {
            using var cmd = Command(c, null, "SELECT value FROM settings WHERE key=$k", ("$k", key));
            return (string?)await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
        }, ct);

    /// <inheritdoc/>
    public Task SetSettingAsync(string key, string value, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            using var cmd = Command(c, tx, "INSERT INTO settings(key, value) VALUES($k, $v) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                ("$k", key), ("$v", value));
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<KeyValuePair<string, string>>> ListSettingsAsync(string prefix, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return ReadAsync<IReadOnlyList<KeyValuePair<string, string>>>(async c =>
        {
            // substr and length count characters, so the comparison is exact for any prefix (LIKE would read % and _).
            using var cmd = Command(c, null, "SELECT key, value FROM settings WHERE substr(key, 1, length($p)) = $p ORDER BY key",
                ("$p", prefix));
            using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var found = new List<KeyValuePair<string, string>>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                found.Add(new(reader.GetString(0), reader.GetString(1)));
            }

            return found;
        }, ct);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _writer.Dispose();

        // Close this database's pooled connections (so its file can be removed), not other stores' in the process.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }
}
