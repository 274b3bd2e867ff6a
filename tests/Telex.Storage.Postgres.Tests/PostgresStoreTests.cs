using Telex.Core.Storage;
using Telex.Storage.Compliance;

namespace Telex.Storage.Postgres.Tests;

/// <summary>The compliance suite against <see cref="PostgresStore"/>, one fresh database per test, plus what only PostgreSQL has.</summary>
public sealed partial class PostgresStoreTests : StoreComplianceTests
{
    private TestDatabase? _database;
    private readonly List<PostgresStore> _extraStores = [];

    private TestDatabase Database => _database ?? throw new InvalidOperationException("no database yet");

    protected override async Task<ITelexStore> CreateStoreAsync(TimeProvider time)
    {
        _database = await TestDatabase.CreateAsync();
        var store = new PostgresStore(_database.ConnectionString, time);
        await store.MigrateAsync();
        return store;
    }

    public override async Task DisposeAsync()
    {
        foreach (var store in _extraStores)
        {
            await store.DisposeAsync();
        }

        await base.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    /// <summary>Another store on the same database, as a second agency node opens it.</summary>
    private PostgresStore OpenAnother()
    {
        var store = new PostgresStore(Database.ConnectionString, Clock);
        _extraStores.Add(store);
        return store;
    }

    [Fact]
    public async Task Migrating_twice_and_from_several_nodes_at_once_is_harmless()
    {
        await Store.Settings.SetSettingAsync("agency.name", "Kovalev");
        var nodes = Enumerable.Range(0, 4).Select(_ => OpenAnother()).ToList();

        await Task.WhenAll(nodes.Select(n => Task.Run(() => n.MigrateAsync())));
        await Store.MigrateAsync();

        Assert.Equal(PostgresStore.LatestSchemaVersion, await nodes[0].SchemaVersionAsync());
        Assert.Equal("Kovalev", await nodes[3].Settings.GetSettingAsync("agency.name"));
        Assert.Equal(4L, await Database.ScalarAsync<long>("SELECT COUNT(*) FROM counters")); // registry, chain, issue, draft
    }

    [Fact]
    public async Task A_database_from_a_newer_build_is_refused_rather_than_written()
    {
        await Database.ScalarAsync<int>("UPDATE telex_schema SET version = version + 1 RETURNING version");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => OpenAnother().MigrateAsync());

        Assert.Contains("newer than this build", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_test_gets_its_own_empty_database()
    {
        Assert.Empty(await Store.Register.QueryAsync(new RegisterQuery()));
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT COUNT(*) FROM telegrams"));
        Assert.StartsWith("telex_test_", await Database.ScalarAsync<string>("SELECT current_database()"), StringComparison.Ordinal);
    }
}
