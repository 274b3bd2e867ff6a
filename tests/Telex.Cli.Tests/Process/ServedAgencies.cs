using System.Text.Json;

namespace Telex.Cli.Tests.Process;

/// <summary>An agency created with <c>telex init</c> and run by <c>telex serve</c> in a child process.</summary>
public sealed class ServedAgency : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private ServedAgency(string name, string directory, int port, string did, CliProcess process)
    {
        Name = name;
        Directory = directory;
        Url = $"http://127.0.0.1:{port}";
        Did = did;
        Process = process;
    }

    public string Name { get; }

    public string Directory { get; }

    public string Url { get; }

    public string Did { get; }

    public CliProcess Process { get; }

    /// <summary>The admin's password after the first sign-in replaced the one-time password.</summary>
    public string Password => $"{Name.ToLowerInvariant()}-chosen-password";

    /// <summary>The one-time password <c>telex init</c> printed.</summary>
    public string OneTimePassword { get; private init; } = "";

    /// <summary><c>telex init</c>, then <c>telex serve</c>, ready when /health answers.</summary>
    public static async Task<ServedAgency> StartAsync(Cli cli, string parent, string name, params string[] initOptions)
    {
        string directory = Path.Combine(parent, name.ToLowerInvariant());
        int port = Cli.FreePort();
        var init = await cli.RunAsync(["init", "--data", directory, "--name", name, "--listen", $"http://127.0.0.1:{port}", "--json", .. initOptions]);
        Assert.True(init.ExitCode == 0, init.ToString());
        using var created = JsonDocument.Parse(init.Stdout);
        string did = created.RootElement.GetProperty("did").GetString()!;
        string oneTime = created.RootElement.GetProperty("officer").GetProperty("oneTimePassword").GetString()!;

        var agency = new ServedAgency(name, directory, port, did, cli.Start("serve", "--data", directory)) { OneTimePassword = oneTime };
        try
        {
            await agency.WaitUntilHealthyAsync(TimeSpan.FromSeconds(30));
            return agency;
        }
        catch
        {
            await agency.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Stops <c>telex serve</c> with an interrupt, runs <paramref name="whileStopped"/> if given (work on the stopped
    /// agency's folder), and serves the same folder again, ready when /health answers.
    /// </summary>
    public async Task<ServedAgency> RestartAsync(Cli cli, Func<Task>? whileStopped = null)
    {
        ArgumentNullException.ThrowIfNull(cli);
        await Process.InterruptAsync();
        await Process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        await Process.DisposeAsync();
        if (whileStopped is not null)
        {
            await whileStopped();
        }

        var again = new ServedAgency(Name, Directory, new Uri(Url).Port, Did, cli.Start("serve", "--data", Directory)) { OneTimePassword = OneTimePassword };
        await again.WaitUntilHealthyAsync(TimeSpan.FromSeconds(30));
        return again;
    }

    /// <summary>The first admin signs in with the one-time password and chooses a new one, as an operator would.</summary>
    public async Task SignInAsync(Cli cli)
    {
        var login = await cli.RunWithInputAsync(OneTimePassword + "\n", "login", "--url", Url, "--name", "admin", "--password-stdin");
        Assert.True(login.ExitCode == 0, login.ToString());
        var password = await cli.RunWithInputAsync($"{OneTimePassword}\n{Password}\n", "password", "--url", Url, "--password-stdin");
        Assert.True(password.ExitCode == 0, password.ToString());
    }

    /// <summary>Polls /health until it answers, with a deadline; fails at once if the process died.</summary>
    public async Task WaitUntilHealthyAsync(TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            if (Process.HasExited)
            {
                throw new InvalidOperationException($"telex serve for {Name} exited:\n{Process.Stdout}\n{Process.Stderr}");
            }

            try
            {
                using var response = await Http.GetAsync(new Uri(Url + "/health"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"{Name} did not answer /health within {deadline.TotalSeconds} s:\n{Process.Stderr}");
            }

            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
        }
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}

/// <summary>Two agencies served by <c>telex serve</c> processes, signed in, shared by the tests of one collection.</summary>
public sealed class ServedAgencies : IAsyncLifetime
{
    // A plain path, not a TempFolder: xunit disposes fixtures through IAsyncLifetime.
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "telex-cli-test-" + Guid.NewGuid().ToString("N")[..12]);

    public ServedAgencies() => Cli = new Cli(Path.Combine(_folder, "home"));

    public Cli Cli { get; }

    public ServedAgency Alpha { get; private set; } = null!;

    public ServedAgency Bravo { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var alpha = ServedAgency.StartAsync(Cli, _folder, "Alpha");
        var bravo = ServedAgency.StartAsync(Cli, _folder, "Bravo");
        try
        {
            await Task.WhenAll(alpha, bravo);
        }
        catch
        {
            // Kill whichever did start: no child process outlives a failed fixture.
            foreach (var started in new[] { alpha, bravo }.Where(t => t.IsCompletedSuccessfully))
            {
                await started.Result.DisposeAsync();
            }

            DeleteFolder();
            throw;
        }

        (Alpha, Bravo) = (alpha.Result, bravo.Result);

        // One after the other: both sign-ins write the one session file.
        await Alpha.SignInAsync(Cli);
        await Bravo.SignInAsync(Cli);
    }

    /// <summary>
    /// Alpha and Bravo hold an established tie (made the first time it is asked for) whose fingerprint each side has
    /// confirmed, so that each may address the other by name.
    /// </summary>
    public async Task EnsureTiedAsync()
    {
        if (!await EstablishedAtAlphaAsync())
        {
            string code = JsonOf(await OkAsync("tie", "invite", "--url", Alpha.Url, "--json")).GetProperty("code").GetString()!;
            await OkAsync("tie", "accept", code, "--url", Bravo.Url, "--wait");
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (!await EstablishedAtAlphaAsync())
            {
                Assert.True(DateTime.UtcNow < until, "Alpha did not hold the tie within 30 s");
                await Task.Delay(100);
            }
        }

        await OkAsync("tie", "verify", "Bravo", "--yes", "--url", Alpha.Url);
        await OkAsync("tie", "verify", "Alpha", "--yes", "--url", Bravo.Url);
    }

    private async Task<bool> EstablishedAtAlphaAsync() =>
        JsonOf(await OkAsync("tie", "list", "--url", Alpha.Url, "--json")).EnumerateArray()
            .Any(t => t.GetProperty("status").GetString() == "established");

    private async Task<CliResult> OkAsync(params string[] args)
    {
        var result = await Cli.RunAsync(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    private static System.Text.Json.JsonElement JsonOf(CliResult result)
    {
        using var document = System.Text.Json.JsonDocument.Parse(result.Stdout);
        return document.RootElement.Clone();
    }

    public async Task DisposeAsync()
    {
        if (Alpha is not null)
        {
            await Alpha.DisposeAsync();
        }

        if (Bravo is not null)
        {
            await Bravo.DisposeAsync();
        }

        DeleteFolder();
    }

    private void DeleteFolder()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ServedAgenciesDefinition : ICollectionFixture<ServedAgencies>
{
    public const string Name = "Served agencies";
}
