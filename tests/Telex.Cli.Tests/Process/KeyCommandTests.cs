using System.Text.Json;

namespace Telex.Cli.Tests.Process;

/// <summary><c>telex keys rotate|list</c> against agencies run by <c>telex serve</c>, restarted on the rotated key file.</summary>
public sealed class KeyCommandTests : IAsyncLifetime
{
    // A plain path, not a TempFolder: xunit disposes the class through IAsyncLifetime.
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "telex-cli-test-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly Cli _cli;
    private ServedAgency _alpha = null!;
    private ServedAgency _bravo = null!;

    public KeyCommandTests() => _cli = new Cli(Path.Combine(_folder, "home"));

    public async Task InitializeAsync()
    {
        _alpha = await ServedAgency.StartAsync(_cli, _folder, "Alpha");
        _bravo = await ServedAgency.StartAsync(_cli, _folder, "Bravo");
        await _alpha.SignInAsync(_cli);
        await _bravo.SignInAsync(_cli);
    }

    public async Task DisposeAsync()
    {
        await _alpha.DisposeAsync();
        await _bravo.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<CliResult> OkAsync(params string[] args)
    {
        var result = await _cli.RunAsync(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    private async Task<JsonElement> JsonAsync(params string[] args) => JsonDocument.Parse((await OkAsync([.. args, "--json"])).Stdout).RootElement.Clone();

    private async Task<string> PeerDidAsync(ServedAgency at, string counterpart) =>
        (await JsonAsync("tie", "show", counterpart, "--url", at.Url)).GetProperty("peerDid").GetString()!;

    [Fact]
    public async Task Keys_rotate_announces_a_new_did_over_the_tie_and_serve_restarts_on_the_rotated_key_file()
    {
        string code = (await JsonAsync("tie", "invite", "--url", _alpha.Url)).GetProperty("code").GetString()!;
        await OkAsync("tie", "accept", code, "--url", _bravo.Url, "--wait");
        await OkAsync("tie", "verify", "Bravo", "--yes", "--url", _alpha.Url);
        await OkAsync("tie", "verify", "Alpha", "--yes", "--url", _bravo.Url);
        await OkAsync("send", "--url", _alpha.Url, "--to", "Bravo", "--subject", "Before", "--body", "Signed with the old key.", "--wait");

        var rotated = await JsonAsync("keys", "rotate", "--url", _alpha.Url);
        Assert.Equal(_alpha.Did, rotated.GetProperty("oldDid").GetString());
        string newDid = rotated.GetProperty("newDid").GetString()!;
        Assert.NotEqual(_alpha.Did, newDid);
        Assert.Equal(1, rotated.GetProperty("tiesTold").GetInt32());

        var list = await OkAsync("keys", "list", "--url", _alpha.Url);
        Assert.Contains("Current DID", list.Stdout, StringComparison.Ordinal);
        Assert.Contains(newDid, list.Stdout, StringComparison.Ordinal);
        Assert.Contains("Prior DID", list.Stdout, StringComparison.Ordinal);
        Assert.Contains(_alpha.Did, list.Stdout, StringComparison.Ordinal);

        // Bravo switches its tie when the announcement arrives; the tie is the same one, still verified or not as before.
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (await PeerDidAsync(_bravo, "Alpha") != newDid)
        {
            Assert.True(DateTime.UtcNow < until, "Bravo did not switch to Alpha's new DID within 60 s");
            await Task.Delay(100);
        }

        await OkAsync("send", "--url", _alpha.Url, "--to", "Bravo", "--subject", "After", "--body", "Signed with the new key.", "--wait");

        // Served again from the same folder: the key file holds the new DID and the prior one.
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_alpha.Directory, "keys.json")));
        }

        _alpha = await _alpha.RestartAsync(_cli);
        var keys = await JsonAsync("keys", "list", "--url", _alpha.Url);
        Assert.Equal(newDid, keys.GetProperty("did").GetString());
        Assert.Equal(_alpha.Did, Assert.Single(keys.GetProperty("priors").EnumerateArray()).GetProperty("did").GetString());
        await OkAsync("send", "--url", _bravo.Url, "--to", "Alpha", "--subject", "Reply", "--body", "To the restarted agency.", "--wait");

        var verify = await JsonAsync("register", "verify", "--url", _alpha.Url);
        Assert.True(verify.GetProperty("ok").GetBoolean(), verify.ToString());
        Assert.True((await JsonAsync("register", "verify", "--url", _bravo.Url)).GetProperty("ok").GetBoolean());
    }
}
