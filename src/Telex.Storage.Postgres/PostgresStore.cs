using System.Data;
using System.Data.Common;

using Npgsql;

using Telex.Storage.Relational;

namespace Telex.Storage.Postgres;

/// <summary>
/// The store for an agency that outgrows one machine: PostgreSQL through one <see cref="NpgsqlDataSource"/>, shared
/// by any number of agency nodes. Each write runs in its own transaction; what must be unique or gap-free across nodes
/// (registry numbers, tie serials, the register's chain, outbox claims) is taken under a row lock in that transaction.
/// </summary>
public sealed partial class PostgresStore : RelationalStore
{
    /// <summary>A write that lost a deadlock or a serialization conflict is run again, at most this many times.</summary>
    private const int MaxAttempts = 5;

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;

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
        : base(time)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
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

    /// <inheritdoc/>
    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken ct) =>
        await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);

    /// <inheritdoc/>
    protected override async Task<DbTransaction> BeginSnapshotAsync(DbConnection c, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(c);
        return await c.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction of its own; its effects commit if it returns and are rolled back if
    /// it throws. A transaction PostgreSQL aborts to break a deadlock or a serialization conflict is run again whole.
    /// </summary>
    protected override async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(work);
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

    /// <inheritdoc/>
    protected override async Task LockChainAsync(DbConnection c, DbTransaction tx, CancellationToken ct) =>
        await LockCounterAsync(c, tx, "chain", ct).ConfigureAwait(false);

    /// <inheritdoc/>
    /// <remarks>The counter's row lock, taken with <c>FOR UPDATE</c>: another node's transaction waits for this one to end.</remarks>
    protected override async Task LockCounterAsync(DbConnection c, DbTransaction tx, string name, CancellationToken ct) =>
        await ScalarAsync(c, tx, "SELECT value FROM counters WHERE name=@n FOR UPDATE", ct, ("@n", name)).ConfigureAwait(false);

    /// <inheritdoc/>
    protected override string TextCondition(string table, string text, List<(string, object?)> parameters) =>
        TextSearch.Condition("search", text, parameters);

    /// <inheritdoc/>
    protected override string Greatest(string a, string b) => $"GREATEST({a}, {b})";

    /// <inheritdoc/>
    /// <remarks>A transaction-scoped advisory lock on the name's hash.</remarks>
    protected override async Task LockAsync(DbConnection c, DbTransaction tx, string name, CancellationToken ct) =>
        await ExecuteAsync(c, tx, "SELECT pg_advisory_xact_lock(hashtext(@k))", ct, ("@k", name)).ConfigureAwait(false);

    /// <inheritdoc/>
    protected override string ForUpdate => " FOR UPDATE";

    /// <inheritdoc/>
    /// <remarks>The column is an identity column.</remarks>
    protected override string NextSeq(string table) => "DEFAULT";

    /// <inheritdoc/>
    protected override string Least(string a, string b) => $"LEAST({a}, {b})";

    /// <inheritdoc/>
    /// <remarks>
    /// Rows another node is claiming are skipped, not waited for; the condition is checked again on the row as it is when
    /// locked, so a row claimed by a node that committed meanwhile is not claimed twice.
    /// </remarks>
    protected override string ClaimStatement(string table, string condition, string order, string columns) => $"""
        WITH due AS (SELECT id AS due_id FROM {table} WHERE {condition} ORDER BY {order} LIMIT @limit FOR UPDATE SKIP LOCKED)
        UPDATE {table} SET claimed_by=@node, claimed_until=@until
        FROM due
        WHERE id = due_id AND {condition}
        RETURNING {columns}
        """;

    /// <inheritdoc/>
    protected override string BinaryCollation => "\"C\"";

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
    public override Task MigrateAsync(CancellationToken ct = default) => MigrateAsync(Schema.Migrations.Length, ct);

    /// <summary>
    /// Applies the migrations up to <paramref name="version"/> (the first <paramref name="version"/> of them); a database
    /// at that version or later is left as it is. Only tests stop short of the latest version, to build a database as an
    /// earlier build left it.
    /// </summary>
    internal async Task MigrateAsync(int version, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(version, Schema.Migrations.Length);
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
        int applied = (int)(await current.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        if (applied > Schema.Migrations.Length)
        {
            throw new InvalidOperationException(
                $"the database's schema is version {applied}, newer than this build of Telex knows ({Schema.Migrations.Length}): upgrade Telex");
        }

        for (int v = applied; v < version; v++)
        {
            using var migrate = Command(c, tx, Schema.Migrations[v]);
            await migrate.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        using var set = Command(c, tx, "UPDATE telex_schema SET version=@v", ("@v", Math.Max(applied, version)));
        await set.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }
}
