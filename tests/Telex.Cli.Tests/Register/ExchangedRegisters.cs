using System.Text.Json;


namespace Telex.Cli.Tests.Process;

/// <summary>
/// Two agencies run by <c>telex serve</c> that tied, exchanged telegrams both ways (each delivered with its receipt),
/// shared an issue whose status both changed, sent a telegram cleared through a draft, read one, signed checkpoints and
/// received each other's; then stopped. Tests work on copies of their folders.
/// </summary>
public sealed class ExchangedRegisters : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "telex-register-test-" + Guid.NewGuid().ToString("N")[..12]);

    public ExchangedRegisters() => Cli = new Cli(Path.Combine(_folder, "home"));

    public Cli Cli { get; }

    /// <summary>Alpha's data folder (agency stopped).</summary>
    public string Alpha { get; private set; } = "";

    /// <summary>Alpha's DID.</summary>
    public string AlphaDid { get; private set; } = "";

    /// <summary>Bravo's data folder (agency stopped).</summary>
    public string Bravo { get; private set; } = "";

    /// <summary>Bravo's DID.</summary>
    public string BravoDid { get; private set; } = "";

    /// <summary>Telegrams Alpha sent to Bravo (ids, in order).</summary>
    public List<string> AlphaSent { get; } = [];

    /// <summary>Telegrams Bravo sent to Alpha (ids, in order).</summary>
    public List<string> BravoSent { get; } = [];

    /// <summary>The issue Alpha opened with Bravo; Bravo marked it premature, then Alpha marked it agreed.</summary>
    public string IssueId { get; private set; } = "";

    /// <summary>Alpha's draft that needed clearance: submitted, cleared and released.</summary>
    public string DraftId { get; private set; } = "";

    /// <summary>The telegram that draft became (Alpha to Bravo, delivered).</summary>
    public string ClearedTelegram { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var alpha = await ServedAgency.StartAsync(Cli, _folder, "Alpha");
        await using var alphaProcess = alpha.Process;
        var bravo = await ServedAgency.StartAsync(Cli, _folder, "Bravo");
        await using var bravoProcess = bravo.Process;
        await alpha.SignInAsync(Cli);
        await bravo.SignInAsync(Cli);
        (Alpha, AlphaDid, Bravo, BravoDid) = (alpha.Directory, alpha.Did, bravo.Directory, bravo.Did);

        using var invitation = JsonDocument.Parse((await OkAsync("tie", "invite", "--url", alpha.Url, "--json")).Stdout);
        await OkAsync("tie", "accept", invitation.RootElement.GetProperty("code").GetString()!, "--url", bravo.Url, "--wait");

        // Each side has compared the fingerprint, so each may address the other by name.
        await OkAsync("tie", "verify", "Bravo", "--yes", "--url", alpha.Url);
        await OkAsync("tie", "verify", "Alpha", "--yes", "--url", bravo.Url);

        for (int i = 1; i <= 3; i++)
        {
            AlphaSent.Add(await SendAsync(alpha.Url, "Bravo", $"Point {i} from Alpha", $"Text of point {i}: ties with five of twelve."));
        }

        for (int i = 1; i <= 2; i++)
        {
            BravoSent.Add(await SendAsync(bravo.Url, "Alpha", $"Answer {i} from Bravo", $"Answer {i}: aid would be granted."));
        }

        // An issue both sides change: Alpha opens it, Bravo refers it, Alpha marks it agreed; both hold the three events.
        using (var opened = JsonDocument.Parse((await OkAsync("issue", "open", "--with", "Bravo", "--title", "Aid to the Orient", "--url", alpha.Url,
            "--json")).Stdout))
        {
            IssueId = opened.RootElement.GetProperty("id").GetString()!;
        }

        await UntilAsync(i => i.GetProperty("status").GetString() == "open", "Bravo holds the issue", "issue", "show", IssueId, "--url", bravo.Url);
        await OkAsync("issue", "status", IssueId, "premature", "--text", "Premature until the details are agreed in Shenyang", "--url", bravo.Url);
        await UntilAsync(i => i.GetProperty("term").GetString() == "premature", "Alpha sees the outcome", "issue", "show", IssueId, "--url", alpha.Url);
        await OkAsync("issue", "status", IssueId, "agreed", "--outcome", "Agreed on the harvest", "--url", alpha.Url);
        await UntilAsync(i => i.GetProperty("status").GetString() == "agreed", "Bravo sees the agreement", "issue", "show", IssueId, "--url", bravo.Url);

        // A flash telegram needs the admin's clearance at Alpha: submitted, cleared, released as a draft, then delivered.
        await OkAsync("clearance", "rule", "add", "--to", "Bravo", "--precedence", "flash", "--officer", "admin", "--url", alpha.Url);
        using (var draft = JsonDocument.Parse((await OkAsync("draft", "submit", "--url", alpha.Url, "--to", "Bravo", "--subject", "Cleared point",
            "--body", "Cleared before release.", "--precedence", "flash", "--issue", IssueId, "--json")).Stdout))
        {
            DraftId = draft.RootElement.GetProperty("id").GetString()!;
        }

        await OkAsync("draft", "clear", DraftId, "--url", alpha.Url);
        using (var released = JsonDocument.Parse((await OkAsync("draft", "release", DraftId, "--url", alpha.Url, "--json")).Stdout))
        {
            ClearedTelegram = released.RootElement.GetProperty("id").GetString()!;
        }

        await UntilAsync(t => t.GetProperty("status").GetString() == "delivered", "the cleared telegram is delivered", "show", ClearedTelegram,
            "--url", alpha.Url);

        // Alpha's officer opens its first received telegram: a state change of its own in the chain.
        await OkAsync("show", "1", "--url", alpha.Url);

        // Each signs a checkpoint and sends it to the other; both end up holding their own and the other's.
        await OkAsync("register", "checkpoint", "--url", alpha.Url);
        await OkAsync("register", "checkpoint", "--url", bravo.Url);
        foreach (var agency in new[] { alpha, bravo })
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                using var report = JsonDocument.Parse((await OkAsync("register", "verify", "--url", agency.Url, "--json")).Stdout);
                if (report.RootElement.GetProperty("checkpoints").GetInt64() >= 2)
                {
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, $"{agency.Name} did not receive the other's checkpoint within 30 s");
                await Task.Delay(100);
            }
        }

        foreach (var agency in new[] { alpha, bravo })
        {
            await agency.Process.InterruptAsync();
            Assert.Equal(0, await agency.Process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }
    }

    private async Task<string> SendAsync(string url, string to, string subject, string text)
    {
        var sent = await Cli.RunWithInputAsync(text + "\n", "send", "--url", url, "--to", to, "--subject", subject, "--wait", "--json");
        Assert.True(sent.ExitCode == 0, sent.ToString());
        using var json = JsonDocument.Parse(sent.Stdout);
        Assert.Equal("delivered", json.RootElement.GetProperty("status").GetString());
        return json.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Runs a JSON command until it succeeds with output that satisfies <paramref name="done"/>, for at most 30 s.</summary>
    private async Task UntilAsync(Func<JsonElement, bool> done, string what, params string[] args)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var result = await Cli.RunAsync([.. args, "--json"]);
            if (result.ExitCode == 0)
            {
                using var json = JsonDocument.Parse(result.Stdout);
                if (done(json.RootElement))
                {
                    return;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, what + " did not happen within 30 s");
            await Task.Delay(100);
        }
    }

    private async Task<CliResult> OkAsync(params string[] args)
    {
        var result = await Cli.RunAsync(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    /// <summary>A copy of an agency's folder (configuration, keys, database and its WAL) to tamper with.</summary>
    public string CopyOf(string directory)
    {
        string copy = Path.Combine(_folder, "copy-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.GetFiles(directory))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }

    /// <summary>A new empty folder under the fixture's.</summary>
    public string NewFolder()
    {
        string path = Path.Combine(_folder, "new-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class ExchangedRegistersDefinition : ICollectionFixture<ExchangedRegisters>
{
    public const string Name = "Exchanged registers";
}
