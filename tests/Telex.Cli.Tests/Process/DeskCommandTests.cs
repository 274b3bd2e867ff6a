using System.Text.Json;

using Telex.Core.Protocol;

namespace Telex.Cli.Tests.Process;

/// <summary>
/// The CLI's smaller desk commands against two served agencies: saving attachments, the coordination list, the
/// register's exports over the API, what a draft's help and output say comes next, and refusals as sentences.
/// </summary>
[Collection(ContextAgenciesDefinition.Name)]
public sealed class DeskCommandTests(ServedAgencies agencies)
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

    private async Task<string> FailsAsync(int exitCode, params string[] args)
    {
        var result = await _cli.RunAsync(args);
        Assert.True(result.ExitCode == exitCode, result.ToString());
        string line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("telex: ", line, StringComparison.Ordinal);
        return line;
    }

    [Fact]
    public async Task An_attachment_is_saved_under_a_plain_file_name_and_an_existing_file_is_kept_unless_forced()
    {
        await agencies.EnsureTiedAsync();
        using var folder = new TempFolder();
        string minutes = folder.File("minutes.txt");
        await File.WriteAllTextAsync(minutes, "Minutes of the meeting of 17 May.");
        string hidden = folder.File(".profile");
        await File.WriteAllTextAsync(hidden, "export PATH=/tmp/evil:$PATH");
        var sent = await JsonAsync("send", "--url", _alpha.Url, "--to", "Bravo", "--subject", "Minutes", "--body", "Attached.",
            "--attach", minutes, "--attach", hidden, "--wait");
        string id = sent.GetProperty("id").GetString()!;

        var listed = await OkAsync("attachment", "list", id, "--url", _bravo.Url);
        Assert.Contains("minutes.txt", listed.Stdout, StringComparison.Ordinal);
        Assert.Contains(".profile", listed.Stdout, StringComparison.Ordinal);

        // Saved into a folder by its own name, byte for byte.
        string into = Directory.CreateDirectory(Path.Combine(folder.Path, "saved")).FullName;
        var saved = await OkAsync("attachment", "save", id, "minutes.txt", "--out", into, "--url", _bravo.Url);
        Assert.Contains("saved minutes.txt", saved.Stdout, StringComparison.Ordinal);
        string target = Path.Combine(into, "minutes.txt");
        Assert.Equal("Minutes of the meeting of 17 May.", await File.ReadAllTextAsync(target));

        // A second save refuses and leaves the file alone; --force overwrites it.
        await File.WriteAllTextAsync(target, "my own notes");
        string refused = await FailsAsync(5, "attachment", "save", id, "minutes.txt", "--out", target, "--url", _bravo.Url);
        Assert.Contains("exists", refused, StringComparison.Ordinal);
        Assert.Equal("my own notes", await File.ReadAllTextAsync(target));
        await OkAsync("attachment", "save", id, "minutes.txt", "--out", target, "--force", "--url", _bravo.Url);
        Assert.Equal("Minutes of the meeting of 17 May.", await File.ReadAllTextAsync(target));

        // A name a peer chose never makes a hidden file.
        await OkAsync("attachment", "save", id, ".profile", "--out", into, "--url", _bravo.Url);
        Assert.False(File.Exists(Path.Combine(into, ".profile")));
        Assert.Equal("export PATH=/tmp/evil:$PATH", await File.ReadAllTextAsync(Path.Combine(into, "profile")));

        // Standard output takes the bytes alone: the agency is named on standard error.
        var raw = await OkAsync("attachment", "save", id, "minutes.txt", "--out", "-", "--url", _bravo.Url);
        Assert.Equal("Minutes of the meeting of 17 May.", raw.Stdout);
        Assert.Contains($"Bravo · {_bravo.Url}", raw.Stderr, StringComparison.Ordinal);

        string missing = await FailsAsync(4, "attachment", "save", id, "agenda.txt", "--url", _bravo.Url);
        Assert.Contains("minutes.txt", missing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_register_exports_as_cables_and_printable_pages_over_the_api()
    {
        await agencies.EnsureTiedAsync();
        await OkAsync("send", "--url", _alpha.Url, "--to", "Bravo", "--subject", "For the export", "--body", "Exported over the API.", "--wait");

        var cables = await OkAsync("register", "export", "--format", "cable", "--url", _bravo.Url);
        Assert.Contains("SUBJECT: For the export", cables.Stdout, StringComparison.Ordinal);
        Assert.Contains("Exported over the API.", cables.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(" · http://", cables.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Bravo · {_bravo.Url}", cables.Stderr, StringComparison.Ordinal);

        using var folder = new TempFolder();
        string pages = Path.Combine(folder.Path, "pages");
        var html = await OkAsync("register", "export", "--format", "html", "--out", pages, "--url", _bravo.Url);
        string[] files = Directory.GetFiles(pages, "*.html");
        Assert.NotEmpty(files);
        Assert.Contains($"{files.Length} pages written to {pages}", html.Stdout, StringComparison.Ordinal);
        Assert.Contains(files, f => File.ReadAllText(f).Contains("Exported over the API.", StringComparison.Ordinal));
        Assert.Equal($"Bravo · {_bravo.Url}", html.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
    }

    [Fact]
    public async Task A_coordination_request_shows_the_telegram_to_clear_and_a_draft_says_it_needs_release()
    {
        await agencies.EnsureTiedAsync();

        // The help says what happens: a cleared draft waits for telex draft release.
        var help = await OkAsync("draft", "submit", "--help");
        Assert.Contains("telex draft release", help.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("released once every clearance is given", help.Stdout, StringComparison.Ordinal);

        // Alpha's telegrams to Bravo of priority and above need Bravo's approval first.
        var rule = await JsonAsync("clearance", "rule", "add", "--to", "Bravo", "--precedence", "priority", "--partner", "Bravo", "--url", _alpha.Url);
        try
        {
            var submitted = await OkAsync("draft", "submit", "--url", _alpha.Url, "--to", "Bravo", "--subject", "Coordinated steps",
                "--body", "We would take all our steps only after coordinating them.", "--precedence", "immediate");
            Assert.Contains("telex draft release", submitted.Stdout, StringComparison.Ordinal);

            var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            CliResult list;
            while (!(list = await OkAsync("coordination", "list", "--url", _bravo.Url)).Stdout.Contains("Coordinated steps", StringComparison.Ordinal))
            {
                Assert.True(DateTime.UtcNow < until, "Bravo did not receive the coordination request within 30 s");
                await Task.Delay(100);
            }

            string row = list.Stdout.Split('\n').Single(l => l.Contains("Coordinated steps", StringComparison.Ordinal));
            string[] cells = row.Split('│', StringSplitOptions.TrimEntries);
            Assert.Contains("Alpha", cells);      // from
            Assert.Contains("Bravo", cells);      // the telegram's recipient, by name
            Assert.Contains("immediate", cells);  // its precedence
            Assert.DoesNotContain("did:", row, StringComparison.Ordinal);
        }
        finally
        {
            await OkAsync("clearance", "rule", "remove", rule.GetProperty("id").GetString()!, "--url", _alpha.Url);
        }
    }

    [Fact]
    public async Task Refusals_read_as_sentences_and_unknown_recipients_point_to_the_directory()
    {
        await agencies.EnsureTiedAsync();

        // A code that is not one, and one the inviter refuses: a sentence each, never the problem document.
        string bad = await FailsAsync(2, "tie", "accept", "BADCODE", "--url", _bravo.Url);
        Assert.Contains("the invitation code is not", bad, StringComparison.Ordinal);
        Assert.DoesNotContain("{", bad, StringComparison.Ordinal);

        // Charlie, tied with nobody, accepts an invitation of Alpha's with the wrong secret; Alpha refuses it.
        using var folder = new TempFolder();
        var cli = new Cli(Path.Combine(folder.Path, "home"));
        await using var charlie = await ServedAgency.StartAsync(cli, folder.Path, "Charlie");
        await charlie.SignInAsync(cli);
        string forged = new InvitationCode(Guid.NewGuid().ToString(), _alpha.Did, "Alpha", "not-the-secret", DateTimeOffset.UtcNow.AddHours(1)).Code;
        var result = await cli.RunAsync("tie", "accept", forged);
        Assert.True(result.ExitCode == 6, result.ToString());
        string refused = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.EndsWith($"(Charlie · {charlie.Url})", refused, StringComparison.Ordinal);
        Assert.Contains("the invitation is unknown there, was used or has expired, or its secret is wrong (e.p.tie.invitation)", refused,
            StringComparison.Ordinal);
        Assert.DoesNotContain("{", refused, StringComparison.Ordinal);

        string nobody = await FailsAsync(4, "send", "--url", _alpha.Url, "--to", "Nobody", "--subject", "s", "--body", "b");
        Assert.Contains("telex directory list", nobody, StringComparison.Ordinal);
        Assert.DoesNotContain("tie list", nobody, StringComparison.Ordinal);

        await OkAsync("directory", "add", "Shenyang Office", "--url", _alpha.Url);
        string noDid = await FailsAsync(5, "send", "--url", _alpha.Url, "--to", "Shenyang Office", "--subject", "s", "--body", "b");
        Assert.Contains("Shenyang Office is in the directory without a DID", noDid, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_served_agencies_log_names_counterparts_drafts_and_issues_by_name_not_by_did()
    {
        await agencies.EnsureTiedAsync();
        await OkAsync("send", "--url", _alpha.Url, "--to", "Bravo", "--subject", "Logged", "--body", "By name.", "--wait");
        string issue = (await JsonAsync("issue", "open", "--with", "Bravo", "--title", "Harvest figures", "--url", _alpha.Url)).GetProperty("number").GetInt64()
            .ToString(System.Globalization.CultureInfo.InvariantCulture);
        await OkAsync("issue", "status", issue, "premature", "--text", "Not before the harvest is in", "--url", _alpha.Url);
        await OkAsync("draft", "submit", "--to", "Bravo", "--subject", "Draft", "--body", "For the log.", "--url", _alpha.Url);

        // Bravo files the change Alpha sent; its log says so by the issue's title and Alpha's name.
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!_bravo.Process.Stderr.Contains("Issue \"Harvest figures\" with Alpha: premature", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < until, "Bravo did not log the change within 30 s:\n" + _bravo.Process.Stdout + _bravo.Process.Stderr);
            await Task.Delay(100);
        }

        foreach (var agency in new[] { _alpha, _bravo })
        {
            string log = agency.Process.Stdout + "\n" + agency.Process.Stderr;
            Assert.Contains(agency == _alpha ? "Tie established with Bravo" : "Tie established with Alpha", log, StringComparison.Ordinal);
            // Key rotation names the DIDs it is about; every other line names agencies by name.
            var withDid = log.Split('\n').Where(line => line.Contains("did:peer", StringComparison.Ordinal) && !line.Contains("keys", StringComparison.Ordinal)).ToList();
            Assert.True(withDid.Count == 0, $"{agency.Name}'s log names an agency by its DID:\n{string.Join('\n', withDid)}");
        }

        Assert.Contains("Registered telegram", _bravo.Process.Stdout + _bravo.Process.Stderr, StringComparison.Ordinal);
        Assert.Matches(@"Draft \d+: submitted by", _alpha.Process.Stdout + _alpha.Process.Stderr);
    }
}
