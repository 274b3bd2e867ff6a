namespace Telex.Cli.Tests.Process;

/// <summary>
/// The PostgreSQL path of <c>StorageProvider</c> is reached only when the settings name it (a SQLite agency never loads
/// Npgsql); these check that it is still reached, and its failures still reported, through a real <c>telex serve</c>.
/// </summary>
public sealed class StorageProviderTests
{
    [Fact]
    public async Task Serve_on_postgres_with_no_server_listening_exits_6_with_one_line_and_no_stack_trace()
    {
        using var home = new TempFolder();
        var cli = new Cli(home.Path);
        string data = home.File("agency");
        var init = await cli.RunAsync("init", "--data", data, "--name", "Alpha", "--listen", $"http://127.0.0.1:{Cli.FreePort()}");
        Assert.True(init.ExitCode == 0, init.ToString());

        // A free loopback port: nothing listens there, so Npgsql's connection is refused.
        int port = Cli.FreePort();
        var result = await cli.RunAsync("serve", "--data", data, "--set", "Storage:Provider=postgres",
            "--set", $"Storage:ConnectionString=Host=127.0.0.1;Port={port};Username=telex;Database=telex;Timeout=5");

        Assert.True(result.ExitCode == 6, result.ToString());
        string[] lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, result.ToString());
        Assert.StartsWith("telex: the database could not be migrated: ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain(" at Telex.", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_on_postgres_with_a_malformed_connection_string_exits_2_naming_the_setting()
    {
        using var home = new TempFolder();
        var cli = new Cli(home.Path);
        string data = home.File("agency");
        var init = await cli.RunAsync("init", "--data", data, "--name", "Alpha", "--listen", $"http://127.0.0.1:{Cli.FreePort()}");
        Assert.True(init.ExitCode == 0, init.ToString());

        var result = await cli.RunAsync("serve", "--data", data, "--set", "Storage:Provider=postgres",
            "--set", "Storage:ConnectionString=NoSuchKeyword=1");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Storage:ConnectionString is not a valid PostgreSQL connection string", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(" at Telex.", result.Stderr, StringComparison.Ordinal);
    }
}
