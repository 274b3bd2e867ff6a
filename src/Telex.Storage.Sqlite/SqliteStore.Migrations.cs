using System.Data.Common;

namespace Telex.Storage.Sqlite;

/// <summary>
/// Steps of SQLite's migrations that SQL alone cannot take: SQLite cannot add a column only if it is missing, so these
/// check first (a database may have been created by a build whose first migration already had the column).
/// </summary>
public sealed partial class SqliteStore
{
    /// <summary>Adds ties.suspended_by unless present (migration <see cref="Schema.SuspendedByVersion"/>).</summary>
    private static async Task AddSuspendedByColumnAsync(DbConnection c, DbTransaction tx, CancellationToken ct)
    {
        using var probe = Command(c, tx, "SELECT COUNT(*) FROM pragma_table_info('ties') WHERE name='suspended_by'");
        if ((long)(await probe.ExecuteScalarAsync(ct).ConfigureAwait(false))! == 0)
        {
            using var add = Command(c, tx, "ALTER TABLE ties ADD COLUMN suspended_by INTEGER");
            await add.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Adds officers.disabled unless present (migration <see cref="Schema.OfficerAdministrationVersion"/>).</summary>
    private static async Task AddOfficerDisabledColumnAsync(DbConnection c, DbTransaction tx, CancellationToken ct)
    {
        using var probe = Command(c, tx, "SELECT COUNT(*) FROM pragma_table_info('officers') WHERE name='disabled'");
        if ((long)(await probe.ExecuteScalarAsync(ct).ConfigureAwait(false))! == 0)
        {
            using var add = Command(c, tx, "ALTER TABLE officers ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0");
            await add.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Run by the relay migration: SQLite cannot add a column only if it is missing, so this checks first.</summary>
    private static async Task AddRelayPathColumnAsync(DbConnection c, DbTransaction tx, CancellationToken ct)
    {
        using var probe = Command(c, tx, "SELECT COUNT(*) FROM pragma_table_info('telegrams') WHERE name='relay_path'");
        if ((long)(await probe.ExecuteScalarAsync(ct).ConfigureAwait(false))! == 0)
        {
            using var add = Command(c, tx, "ALTER TABLE telegrams ADD COLUMN relay_path TEXT");
            await add.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }
}
