using Microsoft.Data.Sqlite;

using Telex.Core.Model;

namespace Telex.Storage.Sqlite.Tests;

/// <summary>A database from before ties recorded who suspended them migrates: its suspended ties read with no side and can record one.</summary>
public sealed class SuspendedByMigrationTests : IAsyncLifetime
{
    private const string Peer = "did:example:bravo";
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"telex-suspended-by-migration-{Guid.NewGuid():N}.db");
    private readonly List<SqliteStore> _stores = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
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

    private async Task<SqliteStore> OpenAsync()
    {
        var store = new SqliteStore(_path);
        _stores.Add(store);
        await store.MigrateAsync();
        return store;
    }

    [Fact]
    public async Task A_tie_suspended_before_the_column_existed_reads_with_no_side_and_records_one_after_the_migration()
    {
        var store = await OpenAsync();
        var tie = new Tie { PeerDid = Peer, PeerName = "Bravo", PeerEndpoint = "https://bravo.example/didcomm", Status = TieStatus.Suspended };
        await store.SaveTieAsync(tie);

        // As the version before left it: no suspended_by column, user_version 7.
        await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _path, Pooling = false }.ToString()))
        {
            await connection.OpenAsync();
            using var command = connection.CreateCommand();
            command.CommandText = "ALTER TABLE ties DROP COLUMN suspended_by; PRAGMA user_version=7;";
            await command.ExecuteNonQueryAsync();
        }

        var upgraded = await OpenAsync();
        var read = await upgraded.GetTieAsync(Peer);
        Assert.Equal((TieStatus.Suspended, (TieSide?)null), (read!.Status, read.SuspendedBy));

        await upgraded.SaveTieAsync(read with { SuspendedBy = TieSide.ThisAgency });
        Assert.Equal(TieSide.ThisAgency, (await upgraded.GetTieAsync(Peer))!.SuspendedBy);
    }
}
