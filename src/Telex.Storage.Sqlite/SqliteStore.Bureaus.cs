using System.Data.Common;

namespace Telex.Storage.Sqlite;

/// <summary>The bureaus' migration SQLite needs of its own (the bureaus' SQL is in <c>RelationalStore.Bureaus.cs</c>).</summary>
public sealed partial class SqliteStore
{
    /// <summary>
    /// Run by the migration that added bureaus: the columns naming a bulletin's bureau and epoch, added to the telegrams
    /// table where they are missing (SQLite has no <c>ADD COLUMN IF NOT EXISTS</c>).
    /// </summary>
    private static async Task AddBureauColumnsAsync(DbConnection c, DbTransaction tx, CancellationToken ct)
    {
        var columns = await ListByPositionAsync(c, tx, "SELECT name FROM pragma_table_info('telegrams')", r => r.GetString(0), ct).ConfigureAwait(false);
        foreach (var (name, type) in new[] { ("bureau_id", "TEXT"), ("bureau_epoch", "INTEGER") })
        {
            if (!columns.Contains(name))
            {
                using var add = Command(c, tx, $"ALTER TABLE telegrams ADD COLUMN {name} {type}");
                await add.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }
    }
}
