using System.Text.Json;

using Telex.Core.Identity;

namespace Telex.Cli.Tests.Process;

/// <summary>Two served agencies of their own for the directory and relay commands.</summary>
[CollectionDefinition(Name)]
public sealed class DirectoryAgenciesDefinition : ICollectionFixture<ServedAgencies>
{
    public const string Name = "Served agencies for the directory";
}

[Collection(DirectoryAgenciesDefinition.Name)]
public sealed class DirectoryRelayTests(ServedAgencies agencies)
{
    private readonly Cli _cli = agencies.Cli;
    private readonly ServedAgency _alpha = agencies.Alpha;
    private readonly ServedAgency _bravo = agencies.Bravo;

    private async Task<CliResult> OkAsync(params string[] args)
    {
        var result = await _cli.RunAsync(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    private async Task<JsonElement> JsonAsync(params string[] args)
    {
        using var document = JsonDocument.Parse((await OkAsync([.. args, "--json"])).Stdout);
        return document.RootElement.Clone();
    }

    private async Task FailsAsync(int exitCode, string contains, params string[] args)
    {
        var result = await _cli.RunAsync(args);
        Assert.True(result.ExitCode == exitCode, result.ToString());
        string line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("telex: ", line, StringComparison.Ordinal);
        Assert.Contains(contains, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_directory_and_relay_commands_keep_dossiers_and_policies_and_refuse_bad_input_with_meaningful_exit_codes()
    {
        string code = (await JsonAsync("tie", "invite", "--url", _alpha.Url)).GetProperty("code").GetString()!;
        await OkAsync("tie", "accept", code, "--url", _bravo.Url, "--wait");
        await OkAsync("tie", "verify", "Bravo", "--yes", "--url", _alpha.Url);
        await OkAsync("tie", "verify", "Alpha", "--yes", "--url", _bravo.Url);
        using var charlie = AgencyIdentity.Create("Charlie", "http://127.0.0.1:9/didcomm");

        var added = await JsonAsync("directory", "add", "Charlie", "--did", charlie.Did, "--tied-with", "Bravo", "--url", _alpha.Url);
        Assert.Equal("none", added.GetProperty("tieStatus").GetString());
        Assert.Equal([_bravo.Did], added.GetProperty("knownTies").EnumerateArray().Select(e => e.GetString()));
        await OkAsync("directory", "note", "Charlie", "Ties for now with only five.", "--url", _alpha.Url);
        await OkAsync("directory", "review", "Charlie", "--url", _alpha.Url);

        var list = (await JsonAsync("directory", "list", "--url", _alpha.Url)).EnumerateArray().ToList();
        Assert.Equal(["Bravo", "Charlie"], list.Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(["established", "none"], list.Select(c => c.GetProperty("tieStatus").GetString()));
        var shown = (await OkAsync("directory", "show", "Charlie", "--url", _alpha.Url)).Stdout;
        Assert.Contains("Ties for now with only five.", shown, StringComparison.Ordinal);
        Assert.Contains("Last reviewed:", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("never", shown, StringComparison.Ordinal);
        Assert.Contains("Charlie", (await OkAsync("directory", "list", "--url", _alpha.Url)).Stdout, StringComparison.Ordinal);

        // Bad input: a clear one-line error, a meaningful exit code, nothing changed.
        await FailsAsync(5, "already", "directory", "add", "charlie", "--url", _alpha.Url);
        await FailsAsync(2, "did:peer:2", "directory", "add", "Delta", "--did", "did:peer:2.nonsense", "--url", _alpha.Url);
        await FailsAsync(4, "Nobody", "directory", "note", "Nobody", "A note.", "--url", _alpha.Url);
        await FailsAsync(5, "tie", "directory", "remove", "Bravo", "--url", _alpha.Url);
        Assert.Equal(2, (await JsonAsync("directory", "list", "--url", _alpha.Url)).GetArrayLength());

        // The relay policy: nobody by default; pairs by name; bad pairs refused.
        var policy = await JsonAsync("relay", "policy", "--url", _bravo.Url);
        Assert.False(policy.GetProperty("tiedPairs").GetBoolean());
        Assert.Empty(policy.GetProperty("pairs").EnumerateArray());
        await FailsAsync(2, "two different", "relay", "allow", "Alpha", "Alpha", "--url", _bravo.Url);
        await FailsAsync(4, "Charlie", "relay", "allow", "Alpha", "Charlie", "--url", _bravo.Url);
        Assert.True((await JsonAsync("relay", "policy", "--tied-pairs", "true", "--url", _bravo.Url)).GetProperty("tiedPairs").GetBoolean());
        Assert.Contains("any two counterparts", (await OkAsync("relay", "policy", "--url", _bravo.Url)).Stdout, StringComparison.Ordinal);

        // Sending to Charlie through Bravo needs a tie whose terms permit relays.
        await FailsAsync(5, "do not permit relays", "send", "--to", charlie.Did, "--via", "Bravo", "--subject", "S", "--body", "B", "--url", _alpha.Url);

        await OkAsync("directory", "remove", "Charlie", "--url", _alpha.Url);
        await FailsAsync(4, "Charlie", "directory", "show", "Charlie", "--url", _alpha.Url);
    }
}
