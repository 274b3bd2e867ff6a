using System.Text.Json;

using Telex.Core.Identity;

namespace Telex.Cli.Tests.Process;

/// <summary>Two served agencies of their own: these tests tie them and make bureaus of them.</summary>
[CollectionDefinition(Name)]
public sealed class BureauAgenciesDefinition : ICollectionFixture<ServedAgencies>
{
    public const string Name = "Served agencies for bureaus";
}

[Collection(BureauAgenciesDefinition.Name)]
public sealed class BureauCommandTests(ServedAgencies agencies)
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

    private async Task<string> FailsAsync(int exitCode, string contains, params string[] args)
    {
        var result = await _cli.RunAsync(args);
        Assert.True(result.ExitCode == exitCode, result.ToString());
        string line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("telex: ", line, StringComparison.Ordinal);
        Assert.Contains(contains, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        return line;
    }

    /// <summary>Runs a command until its JSON output satisfies <paramref name="done"/>, with a deadline.</summary>
    private async Task<JsonElement> UntilAsync(Func<JsonElement, bool> done, string what, params string[] args)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var result = await _cli.RunAsync([.. args, "--json"]);
            if (result.ExitCode == 0)
            {
                using var document = JsonDocument.Parse(result.Stdout);
                if (done(document.RootElement))
                {
                    return document.RootElement.Clone();
                }
            }

            Assert.True(DateTime.UtcNow < until, $"{what}: not reached within 60 s; last: {result}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_premature_bureau_shows_its_coverage_and_its_charter_is_refused_with_a_conflict_exit_code()
    {
        await agencies.EnsureTiedAsync();
        using var carol = AgencyIdentity.Create("Carol", "http://127.0.0.1:9/didcomm");
        var proposed = await JsonAsync("bureau", "propose", "--name", "Eastern Information Bureau", "--purpose", "Information on each country",
            "--member", "Bravo", "--member", carol.Did, "--url", _alpha.Url);
        string id = proposed.GetProperty("id").GetString()!;

        var readiness = await OkAsync("bureau", "readiness", "eastern information bureau", "--url", _alpha.Url);
        Assert.StartsWith("premature: ties with 1 of 2", readiness.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("did:peer", readiness.Stdout, StringComparison.Ordinal);
        var json = await JsonAsync("bureau", "readiness", id, "--url", _alpha.Url);
        Assert.Equal((false, 1, 2), (json.GetProperty("ready").GetBoolean(), json.GetProperty("covered").GetInt32(), json.GetProperty("total").GetInt32()));
        Assert.Equal(carol.Did, json.GetProperty("missing")[0].GetProperty("did").GetString());

        await FailsAsync(ExitCodes.Conflict, "premature: ties with 1 of 2; missing: ", "bureau", "charter", id, "--url", _alpha.Url);
        Assert.Equal("proposed", (await JsonAsync("bureau", "show", id, "--url", _alpha.Url)).GetProperty("status").GetString());

        // Bad input: a clear one-line error and a meaningful exit code, nothing changed.
        await FailsAsync(ExitCodes.NotFound, "no bureau named \"not-a-uuid\" here", "bureau", "readiness", "not-a-uuid", "--url", _alpha.Url);
        await FailsAsync(ExitCodes.Usage, "--rule must be all or quorum:N", "bureau", "propose", "--name", "n", "--purpose", "p", "--member", "Bravo",
            "--rule", "most", "--url", _alpha.Url);
        await FailsAsync(ExitCodes.NotFound, "no counterpart named 'Nobody'", "bureau", "propose", "--name", "n", "--purpose", "p", "--member", "Nobody",
            "--url", _alpha.Url);
        await FailsAsync(ExitCodes.NotFound, "no bureau", "bureau", "charter", Guid.NewGuid().ToString(), "--url", _alpha.Url);
        await FailsAsync(ExitCodes.Usage, "quorum", "bureau", "propose", "--name", "n", "--purpose", "p", "--member", "Bravo", "--rule", "quorum:3",
            "--url", _alpha.Url);
        Assert.Single((await JsonAsync("bureau", "list", "--url", _alpha.Url)).EnumerateArray(),
            b => b.GetProperty("name").GetString() is not ("Liaison" or "Outcomes Bureau" or "Northeast Liaison"));
    }

    [Fact]
    public async Task A_chartered_bureau_is_accepted_receives_bulletins_and_a_member_that_leaves_is_out_of_the_next_epoch()
    {
        await agencies.EnsureTiedAsync();
        string id = (await JsonAsync("bureau", "propose", "--name", "Liaison", "--purpose", "Liaison between the two", "--member", "Bravo",
            "--url", _alpha.Url)).GetProperty("id").GetString()!;
        Assert.StartsWith("ready: ties with 1 of 1", (await OkAsync("bureau", "readiness", id, "--url", _alpha.Url)).Stdout, StringComparison.Ordinal);
        var chartered = await OkAsync("bureau", "charter", id, "--url", _alpha.Url);
        Assert.Contains("chartered", chartered.Stdout, StringComparison.Ordinal);

        await UntilAsync(l => l.EnumerateArray().Any(b => b.GetProperty("id").GetString() == id), "Bravo holds the charter", "bureau", "list", "--url", _bravo.Url);
        await OkAsync("bureau", "accept", id, "--url", _bravo.Url);
        await FailsAsync(ExitCodes.Conflict, "already", "bureau", "accept", id, "--url", _bravo.Url);
        await UntilAsync(b => b.GetProperty("epoch").GetInt32() == 2, "Bravo holds epoch 2", "bureau", "show", id, "--url", _bravo.Url);
        var members = await OkAsync("bureau", "members", id, "--url", _alpha.Url);
        Assert.Contains("Epoch 2", members.Stdout, StringComparison.Ordinal);
        Assert.Contains("Bravo", members.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, (await JsonAsync("bureau", "members", id, "--url", _bravo.Url)).GetProperty("members").GetArrayLength());
        await FailsAsync(ExitCodes.NotFound, "no epoch 7", "bureau", "members", id, "--epoch", "7", "--url", _alpha.Url);

        string issue = (await JsonAsync("bureau", "issue", id, "--title", "Liaison officers", "--url", _alpha.Url)).GetProperty("id").GetString()!;
        var sent = await OkAsync("bureau", "bulletin", id, "--subject", "Names of the officers", "--body", "As agreed.", "--issue", issue, "--url", _alpha.Url);
        Assert.Contains("Bulletin of epoch 2 to 1 members", sent.Stdout, StringComparison.Ordinal);
        var inbox = await UntilAsync(l => l.EnumerateArray().Any(t => t.GetProperty("subject").GetString() == "Names of the officers"),
            "Bravo registers the bulletin", "inbox", "--url", _bravo.Url);
        var bulletin = inbox.EnumerateArray().Single(t => t.GetProperty("subject").GetString() == "Names of the officers");
        Assert.Equal((id, 2, issue), (bulletin.GetProperty("bureauId").GetString(), bulletin.GetProperty("bureauEpoch").GetInt32(),
            bulletin.GetProperty("issueId").GetString()));
        Assert.Contains("bureau Liaison", (await OkAsync("issue", "list", "--url", _bravo.Url)).Stdout, StringComparison.Ordinal);
        await FailsAsync(ExitCodes.Usage, "subject", "bureau", "bulletin", id, "--body", "no subject", "--url", _alpha.Url);

        // Bravo leaves: epoch 3 has only Alpha, so a bulletin has no one to go to.
        await OkAsync("bureau", "leave", id, "--url", _bravo.Url);
        await UntilAsync(b => b.GetProperty("epoch").GetInt32() == 3, "Alpha opened epoch 3", "bureau", "show", id, "--url", _alpha.Url);
        await FailsAsync(ExitCodes.Conflict, "epoch 3 has no other member", "bureau", "bulletin", id, "--subject", "s", "--body", "b", "--url", _alpha.Url);
        await FailsAsync(ExitCodes.Conflict, "not a member", "bureau", "leave", id, "--url", _bravo.Url);
    }

    [Fact]
    public async Task A_bureaus_outcomes_are_set_by_its_secretariat_known_to_its_member_and_name_the_bureaus_issues()
    {
        await agencies.EnsureTiedAsync();
        string id = (await JsonAsync("bureau", "propose", "--name", "Outcomes Bureau", "--purpose", "Its own words for outcomes", "--member", "Bravo",
            "--url", _alpha.Url)).GetProperty("id").GetString()!;
        await OkAsync("bureau", "charter", id, "--url", _alpha.Url);
        await UntilAsync(l => l.EnumerateArray().Any(b => b.GetProperty("id").GetString() == id), "Bravo holds the charter", "bureau", "list", "--url", _bravo.Url);
        await OkAsync("bureau", "accept", id, "--url", _bravo.Url);
        await UntilAsync(b => b.GetProperty("epoch").GetInt32() == 2, "Bravo holds epoch 2", "bureau", "show", id, "--url", _bravo.Url);

        // The secretariat (Alpha) changes them by the bureau's name; Bravo, a member, cannot.
        var set = (await OkAsync("bureau", "outcomes", "Outcomes Bureau", "--add", "noted=agreed", "--remove", "granted", "--url", _alpha.Url)).Stdout;
        Assert.Contains("noted", set, StringComparison.Ordinal);

        // A removed outcome is retired, not dropped: shown as such (and in --json), still filed from members.
        Assert.Matches(@"granted\W+agreed\W+retired", set);
        var listed = await JsonAsync("bureau", "outcomes", id, "--url", _alpha.Url);
        Assert.True(listed.EnumerateArray().Single(o => o.GetProperty("term").GetString() == "granted").GetProperty("retired").GetBoolean());
        Assert.False(listed.EnumerateArray().Single(o => o.GetProperty("term").GetString() == "noted").GetProperty("retired").GetBoolean());
        await FailsAsync(ExitCodes.Conflict, "only the bureau's secretariat (Alpha)", "bureau", "outcomes", "Outcomes Bureau", "--add", "mine=agreed",
            "--url", _bravo.Url);
        await FailsAsync(ExitCodes.Usage, "is not an outcome", "bureau", "outcomes", id, "--add", "Bad Term=agreed", "--url", _alpha.Url);
        await UntilAsync(l => l.EnumerateArray().Any(o => o.GetProperty("term").GetString() == "noted"), "Bravo holds the bureau's outcomes",
            "bureau", "outcomes", id, "--url", _bravo.Url);

        // Bravo names the bureau's issue by the bureau's outcomes, not its own.
        string issue = (await JsonAsync("bureau", "issue", id, "--title", "Words for outcomes", "--url", _alpha.Url)).GetProperty("id").GetString()!;
        await UntilAsync(i => i.GetProperty("id").GetString() == issue, "Bravo holds the issue", "issue", "show", issue, "--url", _bravo.Url);
        await FailsAsync(ExitCodes.Usage, "one of the bureau's outcomes (open, premature, agreed, deferred, referred, closed, noted)", "issue", "status", issue, "granted", "--text", "x", "--url", _bravo.Url);
        await OkAsync("issue", "status", issue, "noted", "--text", "Noted by Bravo", "--url", _bravo.Url);
        var shown = (await UntilAsync(i => i.GetProperty("term").GetString() == "noted", "Alpha sees the outcome", "issue", "show", issue, "--url", _alpha.Url));
        Assert.Equal("agreed", shown.GetProperty("status").GetString());
        var text = (await OkAsync("issue", "show", issue, "--url", _alpha.Url)).Stdout;
        Assert.Contains("noted", text, StringComparison.Ordinal);
        Assert.Contains("Noted by Bravo", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_counterpart_known_of_by_name_only_is_a_prospect_shown_by_name_as_known_of_no_tie_and_nothing_is_sent_to_it()
    {
        await agencies.EnsureTiedAsync();
        await OkAsync("directory", "add", "Harbin Office", "--url", _alpha.Url);
        await OkAsync("directory", "add", "Dalian Office", "--url", _alpha.Url);
        var proposed = await OkAsync("bureau", "propose", "--name", "Northeast Liaison", "--purpose", "Liaison in the northeast",
            "--member", "Bravo", "--member", "Harbin Office", "--url", _alpha.Url);
        string id = (await JsonAsync("bureau", "list", "--url", _alpha.Url)).EnumerateArray()
            .Single(b => b.GetProperty("name").GetString() == "Northeast Liaison").GetProperty("id").GetString()!;
        Assert.Contains("Harbin Office", proposed.Stdout, StringComparison.Ordinal);
        Assert.Contains("known of, no tie", proposed.Stdout, StringComparison.Ordinal);
        Assert.Contains("telex bureau readiness \"Northeast Liaison\"", proposed.Stdout, StringComparison.Ordinal);

        var added = await OkAsync("bureau", "add", "Northeast Liaison", "Dalian Office", "--url", _alpha.Url);
        Assert.Contains("Dalian Office", added.Stdout, StringComparison.Ordinal);
        var readiness = await OkAsync("bureau", "readiness", "Northeast Liaison", "--url", _alpha.Url);
        Assert.StartsWith("premature: ties with 1 of 3; 2 known of, no tie", readiness.Stdout, StringComparison.Ordinal);
        Assert.Contains("Harbin Office", readiness.Stdout, StringComparison.Ordinal);
        Assert.Contains("establish a tie with it", readiness.Stdout, StringComparison.Ordinal);
        var show = await OkAsync("bureau", "show", "Northeast Liaison", "--url", _alpha.Url);
        Assert.Contains("Dalian Office", show.Stdout, StringComparison.Ordinal);
        foreach (var human in new[] { proposed, added, readiness, show })
        {
            Assert.DoesNotContain("did:peer", human.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(id, human.Stdout, StringComparison.Ordinal);
        }

        var json = await JsonAsync("bureau", "readiness", id, "--url", _alpha.Url);
        Assert.Equal(["Harbin Office", "Dalian Office"], json.GetProperty("missing").EnumerateArray().Select(m => m.GetProperty("name").GetString()));
        Assert.All(json.GetProperty("missing").EnumerateArray(), m => Assert.Equal("known of, no tie", m.GetProperty("tie").GetString()));

        await FailsAsync(ExitCodes.Conflict, "Harbin Office (known of, no tie", "bureau", "charter", "Northeast Liaison", "--url", _alpha.Url);
        await OkAsync("bureau", "remove", "Northeast Liaison", "Dalian Office", "--url", _alpha.Url);
        Assert.StartsWith("premature: ties with 1 of 2; 1 known of, no tie",
            (await OkAsync("bureau", "readiness", "Northeast Liaison", "--url", _alpha.Url)).Stdout, StringComparison.Ordinal);
        await FailsAsync(ExitCodes.NotFound, "telex directory list", "bureau", "add", "Northeast Liaison", "Nowhere Office", "--url", _alpha.Url);

        // The directory says what it is and what to do; a telegram to it is refused, pointing there.
        var entry = await OkAsync("directory", "show", "Harbin Office", "--url", _alpha.Url);
        Assert.Contains("known of, no tie", entry.Stdout, StringComparison.Ordinal);
        Assert.Contains("telex tie invite", entry.Stdout, StringComparison.Ordinal);
        Assert.Contains("telex directory link \"Harbin Office\" TIE", entry.Stdout, StringComparison.Ordinal);
        await FailsAsync(ExitCodes.Conflict, "telex directory show \"Harbin Office\"", "send", "--to", "Harbin Office", "--subject", "s", "--body", "b",
            "--url", _alpha.Url);
        await FailsAsync(ExitCodes.NotFound, "telex tie invite", "directory", "link", "Harbin Office", "Nobody", "--url", _alpha.Url);
        Assert.Equal("proposed", (await JsonAsync("bureau", "show", id, "--url", _alpha.Url)).GetProperty("status").GetString());
    }
}
