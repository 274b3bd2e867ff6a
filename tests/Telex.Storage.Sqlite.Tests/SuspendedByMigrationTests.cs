using Telex.Core.Model;

namespace Telex.Storage.Sqlite.Tests;

/// <summary>A database from before ties recorded who suspended them migrates: its suspended ties read with no side and can record one.</summary>
public sealed class SuspendedByMigrationTests
{
    private const string Peer = "did:example:bravo";

    [Fact]
    public async Task A_tie_suspended_before_the_column_existed_reads_with_no_side_and_records_one_after_the_migration()
    {
        await using var database = new MigrationDatabase();
        var store = await database.OpenAsync();
        var tie = new Tie { PeerDid = Peer, PeerName = "Bravo", PeerEndpoint = "https://bravo.example/didcomm", Status = TieStatus.Suspended };
        await store.Ties.SaveTieAsync(tie);

        // As the version before left it: no suspended_by column, user_version 7.
        await database.ExecuteAsync("ALTER TABLE ties DROP COLUMN suspended_by; PRAGMA user_version=7;");

        var upgraded = await database.OpenAsync();
        var read = await upgraded.Ties.GetTieAsync(Peer);
        Assert.Equal((TieStatus.Suspended, (TieSide?)null), (read!.Status, read.SuspendedBy));

        await upgraded.Ties.SaveTieAsync(read with { SuspendedBy = TieSide.ThisAgency });
        Assert.Equal(TieSide.ThisAgency, (await upgraded.Ties.GetTieAsync(Peer))!.SuspendedBy);
    }
}
