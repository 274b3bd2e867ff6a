namespace Telex.Storage.Postgres.Tests.Nodes;

/// <summary>
/// A test class whose agencies run as <c>telex</c> processes on a fresh PostgreSQL database of their own, created before
/// each test and dropped after it.
/// </summary>
public abstract class DatabaseProcessTests : IAsyncLifetime
{
    private TestDatabase? _database;

    protected TestDatabase Database => _database ?? throw new InvalidOperationException("no database yet");

    /// <summary>The environment that points a <c>telex</c> process at the database.</summary>
    protected Dictionary<string, string> PostgresEnvironment => new()
    {
        ["TELEX__Storage__Provider"] = "postgres",
        ["TELEX__Storage__ConnectionString"] = Database.ConnectionString,
    };

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
