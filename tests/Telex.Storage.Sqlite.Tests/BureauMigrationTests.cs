using System.Security.Cryptography;
using System.Text;

using Telex.Core.Model;
using Telex.Core.Register;

namespace Telex.Storage.Sqlite.Tests;

/// <summary>A register filed before bureaus existed migrates: its tables and telegram columns are added and it still verifies.</summary>
public sealed class BureauMigrationTests
{
    private const string Peer = "did:example:bravo";

    private static (TelegramRecord, OutboxItem) Release(long serial, Guid? bureau = null)
    {
        var id = Guid.NewGuid();
        var now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        byte[] signed = Encoding.UTF8.GetBytes("signed " + id);
        var record = new TelegramRecord
        {
            Id = id,
            Direction = Direction.Outbound,
            Counterpart = Peer,
            Serial = serial,
            RegistryNumber = 0,
            Status = TelegramStatus.Queued,
            CreatedAt = now,
            ReleasedAt = now,
            RegisteredAt = now,
            Subject = "Subject " + serial,
            Body = "Text",
            Precedence = Precedence.Routine,
            ContentHash = Convert.ToHexStringLower(SHA256.HashData(signed)),
            Plaintext = Encoding.UTF8.GetBytes("plaintext " + id),
            SignedOriginal = signed,
            BureauId = bureau,
            BureauEpoch = bureau is null ? null : 2,
        };
        var outbox = new OutboxItem(Id: Guid.NewGuid(), Kind: OutboxKind.Telegram, PeerDid: Peer, Endpoint: "https://bravo.example/didcomm",
            Payload: signed, DueAt: now, ExpiresAt: now.AddDays(1), TelegramId: id, Precedence: Precedence.Routine);
        return (record, outbox);
    }

    [Fact]
    public async Task A_register_from_before_bureaus_gains_their_tables_and_columns_and_still_verifies()
    {
        await using var database = new MigrationDatabase();
        var store = await database.OpenAsync();
        await store.Ties.SaveTieAsync(new Tie { PeerDid = Peer, PeerName = "Bravo", PeerEndpoint = "https://bravo.example/didcomm" });
        var old = await store.Telegrams.ReleaseAsync(Peer, serial => Release(serial));

        // As a version without bureaus left it: no bureau tables or columns, user_version 4.
        await database.ExecuteAsync("""
            DROP TABLE bureau_epochs; DROP TABLE bureau_members; DROP TABLE bureaus;
            ALTER TABLE telegrams DROP COLUMN bureau_epoch; ALTER TABLE telegrams DROP COLUMN bureau_id; PRAGMA user_version=4;
            """);

        var upgraded = await database.OpenAsync();
        var read = await upgraded.Telegrams.GetTelegramAsync(old.Id, Direction.Outbound);
        Assert.Null(read!.BureauId);
        Assert.True(RegisterVerifier.Verify(await upgraded.Register.ReadRegisterAsync(), "did:example:alpha", _ => null).Ok);

        // Bulletins file their bureau and epoch, and the register verifies with them.
        var bureau = Guid.NewGuid();
        var bulletin = await upgraded.Telegrams.ReleaseAsync(Peer, serial => Release(serial, bureau));
        Assert.Equal((bureau, 2L), ((await upgraded.Telegrams.GetTelegramAsync(bulletin.Id, Direction.Outbound))!.BureauId!.Value, 2L));
        Assert.Equal(2, (await upgraded.Telegrams.GetTelegramAsync(bulletin.Id, Direction.Outbound))!.BureauEpoch);
        Assert.True(RegisterVerifier.Verify(await upgraded.Register.ReadRegisterAsync(), "did:example:alpha", _ => null).Ok);
        Assert.Empty(await upgraded.Bureaus.ListBureausAsync());
    }
}
