using System.Runtime.CompilerServices;

using Microsoft.Data.Sqlite;

using Telex.Storage.Relational;

namespace Telex.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode under the agency's data folder. Writes are serialized in the
/// process (SQLite has one writer) and committed in groups (see <see cref="SqliteWriter"/>); reads run concurrently.
/// </summary>
public sealed partial class SqliteStore : RelationalStore
{
    private readonly string _connectionString;
    /// <summary>
    /// Physical connections whose pragmas are set, with the synchronous mode set (two stores on one file share the
    /// pool); weakly held, so a connection the pool closes drops out.
    /// </summary>
    private static readonly ConditionalWeakTable<SQLitePCL.sqlite3, StrongBox<bool>> Configured = new();

    private readonly SqliteWriter _writer;
    private readonly bool _fullSync;

    /// <summary>
    /// Opens (creating if needed) the database at <paramref name="path"/>. <paramref name="fullSync"/> (default true)
    /// makes every commit survive power loss, not only a crash of the process.
    /// </summary>
    public SqliteStore(string path, TimeProvider? time = null, bool fullSync = true)
        : base(time)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _fullSync = fullSync;
        _writer = new SqliteWriter(OpenConnectionAsync);
    }

    /// <inheritdoc/>
    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken ct)
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

    /// <inheritdoc/>
    /// <remarks>One writer, committing the writes queued meanwhile in one transaction (<see cref="SqliteWriter"/>).</remarks>
    protected override Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct) => _writer.WriteAsync(work, ct);

    /// <inheritdoc/>
    /// <remarks>A deferred transaction: in WAL mode its first read fixes the snapshot every later read sees.</remarks>
    protected override Task<DbTransaction> BeginSnapshotAsync(DbConnection c, CancellationToken ct) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)c).BeginTransaction(deferred: true));

    /// <inheritdoc/>
    /// <remarks>Nothing to take: SQLite has one writer, so a write transaction already holds the whole database.</remarks>
    protected override Task LockChainAsync(DbConnection c, DbTransaction tx, CancellationToken ct) => Task.CompletedTask;

    /// <inheritdoc/>
    /// <remarks>Nothing to take: SQLite has one writer, so a write transaction already holds the whole database.</remarks>
    protected override Task LockCounterAsync(DbConnection c, DbTransaction tx, string name, CancellationToken ct) => Task.CompletedTask;

    /// <inheritdoc/>
    protected override string Greatest(string a, string b) => $"MAX({a}, {b})";

    /// <inheritdoc/>
    /// <remarks>Nothing to take: SQLite has one writer, so a write transaction already holds the whole database.</remarks>
    protected override Task LockAsync(DbConnection c, DbTransaction tx, string name, CancellationToken ct) => Task.CompletedTask;

    /// <inheritdoc/>
    protected override string ForUpdate => "";

    /// <inheritdoc/>
    protected override string NextSeq(string table) => $"(SELECT COALESCE(MAX(seq), 0) + 1 FROM {table})";

    /// <inheritdoc/>
    protected override string Least(string a, string b) => $"MIN({a}, {b})";

    /// <inheritdoc/>
    protected override string BinaryCollation => "BINARY";

    /// <inheritdoc/>
    /// <remarks>One writer: the rows chosen are claimed before any other write runs.</remarks>
    protected override string ClaimStatement(string table, string condition, string order, string columns) => $"""
        UPDATE {table} SET claimed_by=@node, claimed_until=@until
        WHERE id IN (SELECT id FROM {table} WHERE {condition} ORDER BY {order} LIMIT @limit)
        RETURNING {columns}
        """;

    /// <summary>
    /// The steps of SQLite's migrations that SQL alone cannot take, each run in the migration's transaction right after
    /// the migration that brings the schema to the version it is keyed by.
    /// </summary>
    private Dictionary<int, Func<DbConnection, DbTransaction, CancellationToken, Task>> MigrationSteps() => new()
    {
        [Schema.RegisterChainVersion] = EnterExistingTelegramsAsync,
        [Schema.IssueChainVersion] = EnterExistingIssuesAndClearanceAsync,
        [Schema.RelayVersion] = AddRelayPathColumnAsync,
        [Schema.BureauVersion] = AddBureauColumnsAsync,
        [Schema.SuspendedByVersion] = AddSuspendedByColumnAsync,
        [Schema.OutcomeVersion] = AddOutcomeColumnsAsync,
        [Schema.OfficerAdministrationVersion] = AddOfficerDisabledColumnAsync,
        [Schema.DirectoryEnteredByOfficerVersion] = AddDirectoryEnteredByOfficerColumnAsync,
    };

    /// <inheritdoc/>
    public override async Task MigrateAsync(CancellationToken ct = default)
    {
        await WriteAsync(async (c, tx) =>
        {
            using var version = Command(c, tx, "PRAGMA user_version;");
            long current = (long)(await version.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            var steps = MigrationSteps();
            for (int v = (int)current; v < Schema.Migrations.Length; v++)
            {
                using var migrate = Command(c, tx, Schema.Migrations[v] + $"\nPRAGMA user_version = {v + 1};");
                await migrate.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                if (steps.TryGetValue(v + 1, out var step))
                {
                    await step(c, tx, ct).ConfigureAwait(false);
                }
            }

            return 0;
        }, ct).ConfigureAwait(false);

        await using var connection = await OpenConnectionAsync(ct).ConfigureAwait(false);
        using var wal = Command(connection, null, "PRAGMA journal_mode=WAL;");
        await wal.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override ValueTask DisposeAsync()
    {
        _writer.Dispose();

        // Close this database's pooled connections (so its file can be removed), not other stores' in the process.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }
}
