using System.Collections;
using System.Text.Json;

using Telex.Cli.Configuration;
using Telex.Core.Identity;
using Telex.Core.Security;
using Telex.Storage.Sqlite;

namespace Telex.Cli.Tests.Process;

public sealed class InitTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly Cli _cli;

    public InitTests() => _cli = new Cli(Path.Combine(_folder.Path, "home"));

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Init_writes_the_configuration_an_owner_only_key_file_a_migrated_database_and_the_first_admin()
    {
        string data = _folder.File("agency");
        var result = await _cli.RunAsync("init", "--data", data, "--name", "Alpha", "--listen", "http://127.0.0.1:7499", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var output = JsonDocument.Parse(result.Stdout);
        var root = output.RootElement;

        var options = TelexConfiguration.Load(data, [], new Hashtable());
        Assert.Equal("Alpha", options.Name);
        Assert.Equal("http://127.0.0.1:7499", options.Listen);

        string keys = Path.Combine(data, "keys.json");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keys));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(data, "telex.db")));
        }

        using (var identity = AgencyIdentity.Load(keys))
        {
            Assert.Equal(root.GetProperty("did").GetString(), identity.Did);
            Assert.Equal("http://127.0.0.1:7499/didcomm", identity.Endpoint);
            Assert.Equal("Alpha", identity.Name);
        }

        await using var store = new SqliteStore(Path.Combine(data, "telex.db"));
        var admin = await store.Officers.FindOfficerAsync("admin");
        Assert.NotNull(admin);
        Assert.Equal(Role.Admin, admin.Role);
        Assert.True(admin.MustChangePassword);
        string oneTime = root.GetProperty("officer").GetProperty("oneTimePassword").GetString()!;
        Assert.True(PasswordHasher.Verify(oneTime, admin.PasswordHash));
        Assert.Empty(await store.Ties.ListTiesAsync()); // the schema is there
    }

    [Fact]
    public async Task Init_refuses_a_folder_that_already_holds_an_agency_and_changes_nothing()
    {
        string data = _folder.File("agency");
        var first = await _cli.RunAsync("init", "--data", data, "--name", "Alpha", "--listen", "http://127.0.0.1:7498");
        Assert.True(first.ExitCode == 0, first.ToString());
        byte[] keys = await File.ReadAllBytesAsync(Path.Combine(data, "keys.json"));

        var second = await _cli.RunAsync("init", "--data", data, "--name", "Other");

        Assert.True(second.ExitCode == 5, second.ToString());
        Assert.Contains("already holds an agency", second.Stderr, StringComparison.Ordinal);
        Assert.Equal(keys, await File.ReadAllBytesAsync(Path.Combine(data, "keys.json")));
        Assert.Equal("Alpha", TelexConfiguration.Load(data, [], new Hashtable()).Name);
    }

    [Fact]
    public async Task Init_refuses_a_plain_http_endpoint_off_loopback_and_creates_nothing()
    {
        string data = _folder.File("public");

        var result = await _cli.RunAsync("init", "--data", data, "--name", "Alpha", "--listen", "http://0.0.0.0:7400");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("plain http", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data));
    }
}
