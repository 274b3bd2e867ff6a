using System.Text.RegularExpressions;

namespace Telex.Cli.Tests.Process;

/// <summary>
/// Names a person reads are names: every human-output command of the CLI, run against the demonstration network
/// (ties, a directory with entries known by name only, a chartered bureau, issues premature, granted and referred,
/// drafts, relays, the imported 1949 cable), prints no DID. <c>--json</c> output carries DIDs and is not swept.
/// </summary>
public sealed partial class NamesSweepTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly Cli _cli;

    public NamesSweepTests() => _cli = new Cli(Path.Combine(_folder.Path, "home"));

    public void Dispose() => _folder.Dispose();

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex LoopbackUrl();

    [Fact]
    public async Task No_human_output_of_the_cli_on_the_demo_network_names_an_agency_by_its_did()
    {
        await using var demo = _cli.Start("demo", "--agencies", "4", "--base-port", "0", "--data", _folder.File("demo"));
        await demo.WaitForLineAsync(line => line.Contains("press Ctrl-C to stop", StringComparison.Ordinal), TimeSpan.FromMinutes(3));
        var urls = LoopbackUrl().Matches(demo.Stdout).Select(m => m.Value).Distinct().ToList();
        Assert.True(urls.Count >= 4, demo.Stdout);
        Assert.DoesNotContain("did:peer", demo.Stdout, StringComparison.Ordinal);
        string lighthouse = urls[0], harbor = urls[2];

        foreach (string url in new[] { lighthouse, harbor })
        {
            var login = await _cli.RunWithInputAsync("telex-demo-1949\n", "login", "--url", url, "--name", "admin", "--password-stdin");
            Assert.True(login.ExitCode == 0, login.ToString());
            Assert.DoesNotContain("did:peer", login.Stdout + login.Stderr, StringComparison.Ordinal);
        }

        // Drafts and a clearance rule, so their lists and steps have something to show.
        await Ok(lighthouse, "clearance", "rule", "add", "--to", "Meridian", "--precedence", "flash", "--partner", "Harbor");
        await Ok(lighthouse, "draft", "submit", "--to", "Meridian", "--subject", "Coordinated", "--body", "Only with Harbor's clearance.", "--precedence", "flash");

        string[][] commands =
        [
            ["inbox"], ["search", "field team"], ["search", "Kovalev"], ["show", "1"], ["show", "54611"], ["show", "Meridian/1"],
            ["issue", "list"], ["issue", "show", "1"], ["issue", "show", "2"], ["issue", "show", "3"], ["issue", "show", "4"], ["issue", "outcomes"],
            ["tie", "list"], ["tie", "show", "Meridian"], ["directory", "list"], ["directory", "show", "Harbor"], ["directory", "show", "Regional Office"],
            ["relay", "policy"], ["bureau", "list"], ["bureau", "show", "Joint Information Bureau"], ["bureau", "readiness", "Joint Information Bureau"],
            ["bureau", "members", "Joint Information Bureau"], ["draft", "list"], ["draft", "show", "1"], ["clearance", "rule", "list"],
            ["officer", "list"], ["officer", "history"], ["keys", "list"], ["register", "verify"], ["register", "checkpoint"],
        ];
        foreach (string[] command in commands)
        {
            await Ok(lighthouse, command);
        }

        await Ok(null, "use");
        foreach (string[] command in new[] { ["coordination", "list"], ["issue", "show", "2"], ["inbox"], new[] { "show", "Lighthouse/1" } })
        {
            await Ok(harbor, command);
        }
    }

    /// <summary>
    /// Runs a command against an agency; it succeeds and prints no DID, except in a detail view's explicit DID field (a
    /// line whose label is "DID" or "Prior DIDs", as <c>tie show</c> and <c>directory show</c> print).
    /// </summary>
    private async Task Ok(string? url, params string[] args)
    {
        var result = await _cli.RunAsync(url is null ? args : [.. args, "--url", url]);
        Assert.True(result.ExitCode == 0, $"telex {string.Join(' ', args)}: {result}");
        string read = string.Join('\n', (result.Stdout + "\n" + result.Stderr).Split('\n').Where(line => !DidField().IsMatch(line)));
        Assert.False(read.Contains("did:peer", StringComparison.Ordinal), $"telex {string.Join(' ', args)} names an agency by its DID:\n{result}");
    }

    [GeneratedRegex(@"^\s*(DID|Prior DIDs?|Current DID)\s*:")]
    private static partial Regex DidField();
}
