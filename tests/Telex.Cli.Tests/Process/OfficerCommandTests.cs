using System.Net.Http.Json;
using System.Text.Json;

namespace Telex.Cli.Tests.Process;

/// <summary>
/// <c>telex officer reset|unlock|disable|enable|role|remove|history</c> against an agency run by <c>telex serve</c>, and the
/// offline recovery <c>telex officer reset NAME --data DIR</c> on its stopped folder.
/// </summary>
public sealed class OfficerCommandTests : IAsyncLifetime
{
    // A plain path, not a TempFolder: xunit disposes the class through IAsyncLifetime.
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "telex-cli-test-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly Cli _cli;
    private ServedAgency _alpha = null!;

    public OfficerCommandTests() => _cli = new Cli(Path.Combine(_folder, "home"));

    public async Task InitializeAsync()
    {
        _alpha = await ServedAgency.StartAsync(_cli, _folder, "Alpha");
        await _alpha.SignInAsync(_cli);
    }

    public async Task DisposeAsync()
    {
        await _alpha.DisposeAsync();
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

    [Fact]
    public async Task A_locked_out_sole_admin_is_told_when_to_retry_and_recovered_offline_on_the_stopped_agencys_folder()
    {
        // Five mistyped passwords lock the only admin out; the sign-in says until when.
        using (var http = new HttpClient { BaseAddress = new Uri(_alpha.Url) })
        {
            for (int i = 0; i < new Telex.Core.ApiOptions().MaxFailedSignIns; i++)
            {
                using var _ = await http.PostAsJsonAsync("/api/session", new { name = "admin", password = "mistyped " + i });
            }
        }

        var locked = await _cli.RunWithInputAsync(_alpha.Password + "\n", "login", "--url", _alpha.Url, "--name", "admin", "--password-stdin");
        Assert.True(locked.ExitCode != 0, locked.ToString());
        Assert.Matches(@"too many failed sign-ins: try again after \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", locked.Stderr);

        // Refused while the agency runs from the folder: the folder's lock is held.
        var running = await _cli.RunAsync("officer", "reset", "admin", "--data", _alpha.Directory);
        Assert.True(running.ExitCode == 5, running.ToString());
        Assert.Contains("is running", running.Stderr, StringComparison.Ordinal);

        string oneTime = "";
        _alpha = await _alpha.RestartAsync(_cli, async () =>
        {
            var unknown = await _cli.RunAsync("officer", "reset", "nobody", "--data", _alpha.Directory);
            Assert.True(unknown.ExitCode == 4, unknown.ToString());
            Assert.Contains("officers: admin", unknown.Stderr, StringComparison.Ordinal);

            var reset = await OkAsync("officer", "reset", "admin", "--data", _alpha.Directory);
            Assert.Contains("One-time password", reset.Stdout, StringComparison.Ordinal);
            oneTime = reset.Stdout.Split('\n').Single(l => l.StartsWith("One-time password", StringComparison.Ordinal)).Split(':', 2)[1].Trim();
        });

        // The lockout is lifted; the new one-time password signs in and must be changed.
        var login = await _cli.RunWithInputAsync(oneTime + "\n", "login", "--url", _alpha.Url, "--name", "admin", "--password-stdin");
        Assert.True(login.ExitCode == 0, login.ToString());
        var changed = await _cli.RunWithInputAsync($"{oneTime}\nthe admin's new password\n", "password", "--url", _alpha.Url, "--password-stdin");
        Assert.True(changed.ExitCode == 0, changed.ToString());

        var history = await JsonAsync("officer", "history", "admin", "--url", _alpha.Url);
        Assert.Equal(["password-reset", "locked-out"], history.EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        Assert.True(history[0].GetProperty("offline").GetBoolean());
        var human = await OkAsync("officer", "history", "--url", _alpha.Url);
        Assert.Contains("password reset offline", human.Stdout, StringComparison.Ordinal);
        Assert.Contains("locked out until", human.Stdout, StringComparison.Ordinal);

        var verified = await OkAsync("register", "verify", "--url", _alpha.Url);
        Assert.Contains("2 officer events", verified.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_administers_officers_from_the_command_line_and_never_leaves_the_agency_without_an_admin()
    {
        await JsonAsync("officer", "add", "kovalev", "--role", "clerk", "--url", _alpha.Url);

        var reset = await OkAsync("officer", "reset", "kovalev", "--url", _alpha.Url);
        Assert.Contains("One-time password", reset.Stdout, StringComparison.Ordinal);
        Assert.Contains("(register entry 2)", reset.Stdout, StringComparison.Ordinal);
        Assert.Contains("kovalev disabled", (await OkAsync("officer", "disable", "kovalev", "--url", _alpha.Url)).Stdout, StringComparison.Ordinal);
        Assert.Contains("disabled", (await OkAsync("officer", "list", "--url", _alpha.Url)).Stdout, StringComparison.Ordinal);
        Assert.Contains("kovalev enabled", (await OkAsync("officer", "enable", "kovalev", "--url", _alpha.Url)).Stdout, StringComparison.Ordinal);
        Assert.Contains("nothing to change", (await OkAsync("officer", "enable", "kovalev", "--url", _alpha.Url)).Stdout, StringComparison.Ordinal);
        Assert.Contains("nothing to change", (await OkAsync("officer", "unlock", "kovalev", "--url", _alpha.Url)).Stdout, StringComparison.Ordinal);

        // The first admin is the only one: removing, disabling or demoting them is refused (exit 5), naming why.
        foreach (string[] act in new[] { new[] { "remove", "admin" }, ["disable", "admin"], ["role", "admin", "clerk"] })
        {
            var refused = await _cli.RunAsync(["officer", .. act, "--url", _alpha.Url]);
            Assert.True(refused.ExitCode == 5, refused.ToString());
            Assert.Contains("admin is the agency's last enabled admin", refused.Stderr, StringComparison.Ordinal);
        }

        var promoted = await JsonAsync("officer", "role", "kovalev", "admin", "--url", _alpha.Url);
        Assert.Equal("admin", promoted.GetProperty("officer").GetProperty("role").GetString());

        // With kovalev an admin, the first admin may step down, and may then no longer act (exit 3).
        Assert.Contains("admin is now auditor", (await OkAsync("officer", "role", "admin", "auditor", "--url", _alpha.Url)).Stdout, StringComparison.Ordinal);
        var forbidden = await _cli.RunAsync("officer", "list", "--url", _alpha.Url);
        Assert.True(forbidden.ExitCode == 3, forbidden.ToString());
        Assert.Contains("role", forbidden.Stderr, StringComparison.Ordinal);
    }
}
