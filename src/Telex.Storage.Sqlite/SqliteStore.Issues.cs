using System.Data.Common;

namespace Telex.Storage.Sqlite;

/// <summary>The issues' migration SQLite needs of its own (the issues' SQL is in <c>RelationalStore.Issues.cs</c>).</summary>
public sealed partial class SqliteStore
{
    /// <summary>
    /// Run by the migration that added outcome terms and short numbers: adds their columns unless present, numbers the
    /// issues and drafts filed before it in filing order, and starts the counters after them.
    /// </summary>
    private static async Task AddOutcomeColumnsAsync(DbConnection c, DbTransaction tx, CancellationToken ct)
    {
        foreach (var (table, column, type) in new[]
        {
            ("issues", "term", "TEXT"), ("issues", "number", "INTEGER"), ("issue_events", "term", "TEXT"), ("issue_events", "referred_to_did", "TEXT"),
            ("drafts", "number", "INTEGER"),
        })
        {
            var columns = await ListByPositionAsync(c, tx, $"SELECT name FROM pragma_table_info('{table}')", r => r.GetString(0), ct).ConfigureAwait(false);
            if (!columns.Contains(column))
            {
                using var add = Command(c, tx, $"ALTER TABLE {table} ADD COLUMN {column} {type}");
                await add.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }

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
