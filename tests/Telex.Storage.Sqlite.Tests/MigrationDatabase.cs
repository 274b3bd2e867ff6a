using Microsoft.Data.Sqlite;

namespace Telex.Storage.Sqlite.Tests;

/// <summary>
/// A database file in the temporary folder for a migration test: opened as a store (migrated), taken back to an older
/// schema with plain SQL, then opened again to migrate it. Disposing closes every store opened on it and deletes the file.
/// </summary>
internal sealed class MigrationDatabase : IAsyncDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"telex-migration-{Guid.NewGuid():N}.db");
    private readonly List<SqliteStore> _stores = [];

    /// <summary>Opens the file as a store and runs its migrations.</summary>
    public async Task<SqliteStore> OpenAsync()
    {
        var store = new SqliteStore(_path);
        _stores.Add(store);
        await store.MigrateAsync();
        return store;
    }

    /// <summary>Runs SQL on the file outside any store, as an older version of Telex would have left it.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _path, Pooling = false }.ToString());
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        foreach (string suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            File.Delete(_path + suffix);
        }
    }
}
