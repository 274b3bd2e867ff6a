using Npgsql;

using Telex.Core.Storage;

namespace Telex.Storage.Postgres;

/// <summary>
/// The store for an agency that outgrows one machine: PostgreSQL through one <see cref="NpgsqlDataSource"/>, shared
/// by any number of agency nodes. Each write runs in its own transaction; what must be unique or gap-free across nodes
/// (registry numbers, tie serials, the register's chain, outbox claims) is taken under a row lock in that transaction.
/// </summary>
public sealed partial class PostgresStore : ITelexStore
{
    /// <summary>A write that lost a deadlock or a serialization conflict is run again, at most this many times.</summary>
    private const int MaxAttempts = 5;

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly TimeProvider _time;

    /// <summary>Opens the database named by <paramref name="connectionString"/> (an Npgsql connection string).</summary>
    public PostgresStore(string connectionString, TimeProvider? time = null)
        : this(NpgsqlDataSource.Create(ValidConnectionString(connectionString)), time, ownsDataSource: true)
    {
    }

    /// <summary>Uses <paramref name="dataSource"/>, which the caller keeps and disposes.</summary>
    public PostgresStore(NpgsqlDataSource dataSource, TimeProvider? time = null)
        : this(dataSource, time, ownsDataSource: false)
    {
    }

    private PostgresStore(NpgsqlDataSource dataSource, TimeProvider? time, bool ownsDataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _time = time ?? TimeProvider.System;
    }

    private static string ValidConnectionString(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);

            // A write waits its turn for the row locks (as SQLite's writes wait in its queue); under load that can take
            // longer than Npgsql's default 30 s, which would fail the write rather than delay it. Kept if given.
            if (!connectionString.Contains("timeout", StringComparison.OrdinalIgnoreCase))
            {
                builder.CommandTimeout = 300;
            }

            return builder.ConnectionString;
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException("the PostgreSQL connection string is not valid: " + e.Message, nameof(connectionString), e);
        }
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private async Task<T> ReadAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await work(connection).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction of its own; its effects commit if it returns and are rolled back if
    /// it throws. A transaction PostgreSQL aborts to break a deadlock or a serialization conflict is run again whole.
    /// </summary>
    private async Task<T> WriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            ct.ThrowIfCancellationRequested();
            await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            try
            {
                T result = await work(connection, tx).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
                return result;
            }
            catch (PostgresException e) when (attempt < MaxAttempts
                && e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                // Rolled back by the disposal of the transaction; run it again.
            }
        }
    }

    private static NpgsqlCommand Command(NpgsqlConnection c, NpgsqlTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name.TrimStart('@'), value ?? DBNull.Value);
        }

        return cmd;
    }

    /// <summary>Takes the lock on the register's chain for the rest of <paramref name="tx"/>: appends happen one at a time, in one order.</summary>
    private static async Task LockChainAsync(NpgsqlConnection c, NpgsqlTransaction tx, CancellationToken ct)
    {
        using var cmd = Command(c, tx, "SELECT value FROM counters WHERE name='chain' FOR UPDATE");
        await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Migrations applied so far (0 for a database Telex has not touched).</summary>
    public Task<int> SchemaVersionAsync(CancellationToken ct = default) =>
        ReadAsync(async c =>
        {
            using var exists = Command(c, null, "SELECT to_regclass('telex_schema') IS NOT NULL");
            if (!(bool)(await exists.ExecuteScalarAsync(ct).ConfigureAwait(false))!)
            {
                return 0;
            }

            using var version = Command(c, null, "SELECT version FROM telex_schema");
            return (int)(await version.ExecuteScalarAsync(ct).ConfigureAwait(false) ?? 0);
        }, ct);

    /// <summary>Migrations this build knows.</summary>
    public static int LatestSchemaVersion => Schema.Migrations.Length;

    /// <inheritdoc/>
    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await using var c = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);

        // Nodes starting together: the first migrates, the others wait for it and then find nothing to do.
        using (var lockCmd = Command(c, tx, "SELECT pg_advisory_xact_lock(@k)", ("@k", Schema.MigrationLock)))
        {
            await lockCmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        using (var create = Command(c, tx, """
            CREATE TABLE IF NOT EXISTS telex_schema(one INTEGER PRIMARY KEY DEFAULT 1 CHECK (one = 1), version INTEGER NOT NULL);
            INSERT INTO telex_schema(version) VALUES(0) ON CONFLICT DO NOTHING;
            """))
        {
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        using var current = Command(c, tx, "SELECT version FROM telex_schema");
        int version = (int)(await current.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        if (version > Schema.Migrations.Length)
        {
            throw new InvalidOperationException(
                $"the database's schema is version {version}, newer than this build of Telex knows ({Schema.Migrations.Length}): upgrade Telex");
        }

        for (int v = version; v < Schema.Migrations.Length; v++)
        {
            using var migrate = Command(c, tx, Schema.Migrations[v]);
            await migrate.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        using var set = Command(c, tx, "UPDATE telex_schema SET version=@v", ("@v", Schema.Migrations.Length));
        await set.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<string?> GetSettingAsync(string key, CancellationToken ct = default) =>
        ReadAsync(async c =>
        {
            using var cmd = Command(c, null, "SELECT value FROM settings WHERE key=@k", ("@k", key));
            return (string?)await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
        }, ct);

    /// <inheritdoc/>
    public Task SetSettingAsync(string key, string value, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            using var cmd = Command(c, tx, "INSERT INTO settings(key, value) VALUES(@k, @v) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                ("@k", key), ("@v", value));
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<KeyValuePair<string, string>>> ListSettingsAsync(string prefix, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return ReadAsync<IReadOnlyList<KeyValuePair<string, string>>>(async c =>
        {
            // left() and length() count characters, so the comparison is exact for any prefix (LIKE would read % and _).
            using var cmd = Command(c, null, "SELECT key, value FROM settings WHERE left(key, length(@p)) = @p ORDER BY key COLLATE \"C\"",
                ("@p", prefix));
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
    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }
}
