using Microsoft.Data.Sqlite;

namespace Telex.Storage.Sqlite;

/// <summary>Copies of a SQLite database taken while it is in use.</summary>
public static class SqliteBackup
{
    /// <summary>
    /// Copies the database <paramref name="source"/> to the new file <paramref name="destination"/> with SQLite's online
    /// backup: one consistent snapshot, taken while the agency that uses it goes on reading and writing (in WAL mode a
    /// reader holds no writer up). The copy is a database like any other, in WAL mode as the source is.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no database at <paramref name="source"/>.</exception>
    /// <exception cref="IOException"><paramref name="destination"/> exists already.</exception>
    public static void Copy(string source, string destination)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        if (!File.Exists(source))
        {
            throw new FileNotFoundException("no database to back up", source);
        }

        if (File.Exists(destination))
        {
            throw new IOException($"{destination} exists already");
        }

        // Not pooled: both files are closed when this returns, so the copy can be archived and removed at once.
        using var from = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = source, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        from.Open();
        using (var wait = from.CreateCommand())
        {
            wait.CommandText = "PRAGMA busy_timeout=30000;";
            wait.ExecuteNonQuery();
        }

        using var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = destination, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        to.Open();
        from.BackupDatabase(to);
    }
}
