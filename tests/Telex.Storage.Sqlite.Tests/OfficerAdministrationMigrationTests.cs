using Telex.Core.Model;

namespace Telex.Storage.Sqlite.Tests;

/// <summary>A database from before officers could be disabled migrates: its officers read as enabled and can be disabled.</summary>
public sealed class OfficerAdministrationMigrationTests
{
    [Fact]
    public async Task Officers_from_before_the_column_existed_read_as_enabled_and_can_be_disabled_after_the_migration()
    {
        await using var database = new MigrationDatabase();
        var store = await database.OpenAsync();
        foreach (var (name, role) in new[] { ("ada", Role.Admin), ("kovalev", Role.Clerk) })
        {
            Assert.True(await store.Officers.AddOfficerAsync(new Officer(Name: name, Role: role, PasswordHash: "hash",
                CreatedAt: DateTimeOffset.UnixEpoch)));
        }

        // As the version before left it: no disabled column, no index of officer entries, user_version 8 (officer
        // administration is the ninth migration).
        await database.ExecuteAsync("DROP INDEX register_log_officer; ALTER TABLE officers DROP COLUMN disabled; PRAGMA user_version=9;");

        var upgraded = await database.OpenAsync();
        Assert.All(await upgraded.Officers.ListOfficersAsync(), o => Assert.False(o.Disabled));
        var filed = await upgraded.Officers.AdministerOfficerAsync(new OfficerEvent { Action = OfficerAction.Disabled, Officer = "kovalev", By = "ada", At = DateTimeOffset.UnixEpoch });
        Assert.NotNull(filed);
        Assert.True((await upgraded.Officers.FindOfficerAsync("kovalev"))!.Disabled);
        Assert.Equal(filed, Assert.Single(await upgraded.Officers.ListOfficerEventsAsync("kovalev")));
    }
}
