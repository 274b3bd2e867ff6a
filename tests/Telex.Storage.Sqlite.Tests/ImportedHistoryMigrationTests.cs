using Telex.Core.Register;
using Telex.Core.Storage;

namespace Telex.Storage.Sqlite.Tests;

/// <summary>A database with cables imported before imported history was searchable migrates: its cables are found by their words.</summary>
public sealed class ImportedHistoryMigrationTests
{
    [Fact]
    public async Task A_cable_imported_before_the_migration_is_found_by_full_text_after_it()
    {
        await using var database = new MigrationDatabase();
        var store = await database.OpenAsync();
        var cable = new ImportedCable(Id: Guid.NewGuid(), RegistryNumber: 54611,
            ReceivedAt: new DateTimeOffset(1949, 5, 18, 17, 18, 0, TimeSpan.Zero), SenderSerial: 477, Signer: "Kovalev", SignedOn: "18 May",
            Text: "Come to an agreement on these issues with Cde. Gao Gang.", ImportedAt: DateTimeOffset.UtcNow);
        await store.Register.ImportCableAsync(cable);

        // As the version before left it: no search index for cables, no idempotency keys, user_version 8.
        await database.ExecuteAsync("""
            DROP TRIGGER imported_cables_ai; DROP TRIGGER imported_cables_ad; DROP TABLE imported_cables_fts; DROP INDEX imported_cables_number;
            DROP TABLE idempotency_keys; PRAGMA user_version=10;
            """);

        var upgraded = await database.OpenAsync();
        var found = await upgraded.Register.QueryAsync(new RegisterQuery { Text = "Gao Gang", Imported = ImportedScope.Included });
        Assert.Equal(cable.Id, Assert.Single(found).Id);
        Assert.Equal(cable.Id, Assert.Single(await upgraded.Register.QueryAsync(new RegisterQuery { Text = "Kovalev", Imported = ImportedScope.Only })).Id);
        Assert.Null(await upgraded.Idempotency.FindIdempotentReleaseAsync("kovalev", "key-1", DateTimeOffset.UtcNow));
    }
}
