using Npgsql;

namespace Telex.Storage.Postgres.Tests;

/// <summary>
/// A fresh, empty database per use on the PostgreSQL server named by <c>TELEX_TEST_POSTGRES</c>, dropped afterwards.
/// Without that variable every PostgreSQL test fails with a message saying how to set it: never skipped.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    /// <summary>The variable holding the connection string of a role that may create databases.</summary>
    public const string Variable = "TELEX_TEST_POSTGRES";

    private readonly string _admin;

    private TestDatabase(string admin, string name, string connectionString)
    {
        _admin = admin;
        Name = name;
        ConnectionString = connectionString;
    }

    /// <summary>The database's name.</summary>
    public string Name { get; }

    /// <summary>Connection string to the database.</summary>
    public string ConnectionString { get; }

    /// <summary>The server's connection string from the environment, or a failure saying how to provide it.</summary>
    public static string ServerConnectionString() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set: the PostgreSQL tests need a server. Set it to a connection string of a role that may create databases, "
                + $"e.g. {Variable}=\"Host=127.0.0.1;Port=5432;Username=telex;Password=telex;Database=postgres\" (see README, Tests).");

    /// <summary>Creates a new, empty database.</summary>
    public static async Task<TestDatabase> CreateAsync()
    {
        string admin = ServerConnectionString();
        string name = "telex_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new TestDatabase(admin, name, builder.ConnectionString);
    }

    /// <summary>Runs one SQL statement and returns its first value.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);

        // FORCE cannot end a session this role may not signal (an autovacuum worker run by the superuser): such a
        // session ends by itself within moments, so the drop is tried again until a deadline.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState is "42501" or "55006" && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
        }
    }
}
