namespace Telex.Storage.Sqlite;

/// <summary>
/// Steps of SQLite's migrations that SQL alone cannot take: SQLite cannot add a column only if it is missing, so these
/// check first (a database may have been created by a build whose first migration already had the column).
/// </summary>
public sealed partial class SqliteStore
{
    /// <summary>Adds each of <paramref name="columns"/> to its table unless the table has it already.</summary>
    private static async Task AddColumnsAsync(DbConnection c, DbTransaction tx, CancellationToken ct, params (string Table, string Column, string Type)[] columns)
    {
        foreach (var (table, column, type) in columns)
        {
            if (await LongAsync(c, tx, $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name=@n", ct, ("@n", column)).ConfigureAwait(false) == 0)
            {
                await ExecuteAsync(c, tx, $"ALTER TABLE {table} ADD COLUMN {column} {type}", ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Adds ties.suspended_by unless present (migration <see cref="Schema.SuspendedByVersion"/>).</summary>
    private static Task AddSuspendedByColumnAsync(DbConnection c, DbTransaction tx, CancellationToken ct) =>
        AddColumnsAsync(c, tx, ct, ("ties", "suspended_by", "INTEGER"));

    /// <summary>Adds officers.disabled unless present (migration <see cref="Schema.OfficerAdministrationVersion"/>).</summary>
    private static Task AddOfficerDisabledColumnAsync(DbConnection c, DbTransaction tx, CancellationToken ct) =>
        AddColumnsAsync(c, tx, ct, ("officers", "disabled", "INTEGER NOT NULL DEFAULT 0"));

    /// <summary>Adds directory.entered_by_officer unless present (migration <see cref="Schema.DirectoryEnteredByOfficerVersion"/>).</summary>
    private static Task AddDirectoryEnteredByOfficerColumnAsync(DbConnection c, DbTransaction tx, CancellationToken ct) =>
        AddColumnsAsync(c, tx, ct, ("directory", "entered_by_officer", "INTEGER NOT NULL DEFAULT 0"));

    /// <summary>Adds telegrams.relay_path unless present (migration <see cref="Schema.RelayVersion"/>).</summary>
    private static Task AddRelayPathColumnAsync(DbConnection c, DbTransaction tx, CancellationToken ct) =>
        AddColumnsAsync(c, tx, ct, ("telegrams", "relay_path", "TEXT"));

    /// <summary>
    /// Adds the columns naming a bulletin's bureau and epoch to the telegrams unless present (migration
    /// <see cref="Schema.BureauVersion"/>).
    /// </summary>
    private static Task AddBureauColumnsAsync(DbConnection c, DbTransaction tx, CancellationToken ct) =>
        AddColumnsAsync(c, tx, ct, ("telegrams", "bureau_id", "TEXT"), ("telegrams", "bureau_epoch", "INTEGER"));

    /// <summary>
    /// Run by the migration that added outcome terms and short numbers (<see cref="Schema.OutcomeVersion"/>): adds their
    /// columns unless present, numbers the issues and drafts filed before it in filing order, and starts the counters
    /// after them.
    /// </summary>
    private static async Task AddOutcomeColumnsAsync(DbConnection c, DbTransaction tx, CancellationToken ct)
    {
        await AddColumnsAsync(c, tx, ct, ("issues", "term", "TEXT"), ("issues", "number", "INTEGER"), ("issue_events", "term", "TEXT"),
            ("issue_events", "referred_to_did", "TEXT"), ("drafts", "number", "INTEGER")).ConfigureAwait(false);

        using var number = Command(c, tx, """
            UPDATE issues SET number = n FROM (SELECT rowid AS r, ROW_NUMBER() OVER (ORDER BY rowid) AS n FROM issues) WHERE issues.rowid = r AND number IS NULL;
            UPDATE drafts SET number = n FROM (SELECT rowid AS r, ROW_NUMBER() OVER (ORDER BY rowid) AS n FROM drafts) WHERE drafts.rowid = r AND number IS NULL;
            CREATE UNIQUE INDEX IF NOT EXISTS issues_number ON issues(number);
            CREATE UNIQUE INDEX IF NOT EXISTS drafts_number ON drafts(number);
            INSERT OR IGNORE INTO counters(name, value) VALUES('issue', (SELECT COALESCE(MAX(number), 0) FROM issues)),
                ('draft', (SELECT COALESCE(MAX(number), 0) FROM drafts));
            """);
        await number.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
