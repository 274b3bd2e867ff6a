using System.Collections;
using System.Text.Json;

using Telex.Core.Model;
using Telex.Core.Register;
using Telex.Storage.Sqlite;

namespace Telex.Cli.Tests.Process;

/// <summary>Export → import into a fresh agency → verify: the same telegrams, receipts, issue histories, clearance logs and chain.</summary>
[Collection(ExchangedRegistersDefinition.Name)]
public sealed class ExportImportTests(ExchangedRegisters registers)
{
    private readonly Cli _cli = registers.Cli;

    private async Task<CliResult> OkAsync(params string[] args)
    {
        var result = await _cli.RunAsync(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    private static async Task<RegisterSnapshot> ReadAsync(string folder)
    {
        await using var store = new SqliteStore(Path.Combine(folder, "telex.db"));
        return await store.Register.ReadRegisterAsync();
    }

    [Theory]
    [InlineData("Alpha")]
    [InlineData("Bravo")]
    public async Task A_fresh_agency_imports_an_export_and_verifies_it_with_identical_telegrams_receipts_and_issue_histories(string which)
    {
        string original = registers.CopyOf(which == "Alpha" ? registers.Alpha : registers.Bravo);
        string work = registers.NewFolder();
        string export = Path.Combine(work, "register.jsonl");
        await OkAsync("register", "export", "--data", original, "--out", export);

        string fresh = Path.Combine(work, "fresh");
        await OkAsync("init", "--data", fresh, "--name", "Archive", "--listen", $"http://127.0.0.1:{Cli.FreePort()}");
        var imported = await OkAsync("register", "import", export, "--data", fresh);
        Assert.StartsWith("imported and verified: ", imported.Stdout, StringComparison.Ordinal);

        using var before = JsonDocument.Parse((await OkAsync("register", "verify", "--data", original, "--json")).Stdout);
        using var after = JsonDocument.Parse((await OkAsync("register", "verify", "--data", fresh, "--json")).Stdout);
        Assert.True(after.RootElement.GetProperty("ok").GetBoolean());
        foreach (string field in new[] { "entries", "telegrams", "cables", "checkpoints", "issueEvents", "clearanceSteps", "head" })
        {
            Assert.Equal(before.RootElement.GetProperty(field).ToString(), after.RootElement.GetProperty(field).ToString());
        }

        var a = await ReadAsync(original);
        var b = await ReadAsync(fresh);
        Assert.Equal(6, a.Telegrams.Count);
        Assert.Equal(a.Telegrams.Count, b.Telegrams.Count);
        foreach (var t in a.Telegrams)
        {
            var u = Assert.Single(b.Telegrams, x => x.Id == t.Id && x.Direction == t.Direction);
            foreach (var property in typeof(TelegramRecord).GetProperties())
            {
                AssertSame(property.GetValue(t), property.GetValue(u), $"{property.Name} of telegram {t.Id}");
            }
        }

        Assert.Contains(a.Telegrams, t => t.Receipt is not null);
        Assert.Equal(a.Entries, b.Entries, (x, y) => x.Hash == y.Hash && x.Position == y.Position && x.Reference == y.Reference
            && (x.Content ?? []).AsSpan().SequenceEqual(y.Content ?? []));
        Assert.Equal(a.Checkpoints.Select(c => Convert.ToBase64String(c.SignedMessage)), b.Checkpoints.Select(c => Convert.ToBase64String(c.SignedMessage)));

        // The issue both sides changed: the same row and the same events, in order, field by field.
        var issue = Assert.Single(a.Issues);
        Assert.Equal(registers.IssueId, issue.Id);
        Assert.Equal(IssueStatus.Agreed, issue.Status);
        var importedIssue = Assert.Single(b.Issues);
        foreach (var property in typeof(Issue).GetProperties())
        {
            AssertSame(property.GetValue(issue), property.GetValue(importedIssue), $"{property.Name} of issue {issue.Id}");
        }

        var events = a.IssueEvents.Order(IssueEvent.Order).ToList();
        var importedEvents = b.IssueEvents.Order(IssueEvent.Order).ToList();
        Assert.Equal([(IssueStatus.Open, (string?)null), (IssueStatus.Deferred, "premature"), (IssueStatus.Agreed, "agreed")], events.Select(e => (e.Status, e.Term)));
        Assert.Equal(events.Count, importedEvents.Count);
        for (int i = 0; i < events.Count; i++)
        {
            foreach (var property in typeof(IssueEvent).GetProperties())
            {
                AssertSame(property.GetValue(events[i]), property.GetValue(importedEvents[i]), $"{property.Name} of issue event {i + 1}");
            }
        }

        // Alpha's draft: submitted, cleared, released; the same steps in the same places of the log, and the same draft.
        Assert.Equal(which == "Alpha" ? new[] { "submitted", "cleared", "released" } : [], a.ClearanceLog.Select(l => l.Step.Action));
        Assert.Equal(a.ClearanceLog, b.ClearanceLog);
        Assert.Equal(a.Drafts.Select(d => JsonSerializer.Serialize(d)), b.Drafts.Select(d => JsonSerializer.Serialize(d)));
    }

    private static void AssertSame(object? expected, object? actual, string what)
    {
        if (expected is byte[] x && actual is byte[] y)
        {
            Assert.True(x.AsSpan().SequenceEqual(y), what);
        }
        else if (expected is IEnumerable e && expected is not string && actual is IEnumerable f)
        {
            Assert.True(e.Cast<object>().SequenceEqual(f.Cast<object>()), what);
        }
        else
        {
            Assert.True(Equals(expected, actual), $"{what}: {expected} ≠ {actual}");
        }
    }

    [Fact]
    public async Task An_export_is_refused_by_an_agency_whose_register_is_not_empty_and_nothing_changes()
    {
        string export = Path.Combine(registers.NewFolder(), "alpha.jsonl");
        await OkAsync("register", "export", "--data", registers.CopyOf(registers.Alpha), "--out", export);
        string bravo = registers.CopyOf(registers.Bravo);
        var before = await ReadAsync(bravo);

        var refused = await _cli.RunAsync("register", "import", export, "--data", bravo);
        Assert.Equal(ExitCodes.Conflict, refused.ExitCode);
        Assert.Contains("not empty", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(before.Entries.Count, (await ReadAsync(bravo)).Entries.Count);
    }

    [Fact]
    public async Task A_tampered_export_is_refused_with_the_entry_and_nothing_is_imported()
    {
        string work = registers.NewFolder();
        string export = Path.Combine(work, "alpha.jsonl");
        await OkAsync("register", "export", "--data", registers.CopyOf(registers.Alpha), "--out", export);
        string text = await File.ReadAllTextAsync(export);
        Assert.Contains("Answer 2: aid would be granted.", text, StringComparison.Ordinal);
        await File.WriteAllTextAsync(export, text.Replace("Answer 2: aid would be granted.", "Answer 2: aid refused.", StringComparison.Ordinal));

        string fresh = Path.Combine(work, "fresh");
        await OkAsync("init", "--data", fresh, "--name", "Archive", "--listen", $"http://127.0.0.1:{Cli.FreePort()}");
        var refused = await _cli.RunAsync("register", "import", export, "--data", fresh);
        Assert.Equal(ExitCodes.Usage, refused.ExitCode);
        Assert.Contains("does not verify", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains(registers.BravoSent[1], refused.Stderr, StringComparison.Ordinal);
        var after = await ReadAsync(fresh);
        Assert.Empty(after.Entries);
        Assert.Empty(after.Telegrams);
    }

    [Fact]
    public async Task Telegrams_export_as_cable_text_and_as_printable_pages()
    {
        string folder = registers.CopyOf(registers.Bravo);
        var cables = await OkAsync("register", "export", "--data", folder, "--format", "cable");
        Assert.Equal(6, cables.Stdout.Split("\f\n").Length);
        Assert.Contains("SUBJECT: Point 1 from Alpha", cables.Stdout, StringComparison.Ordinal);
        Assert.Contains("Nº 3\n", cables.Stdout, StringComparison.Ordinal);

        string pages = Path.Combine(registers.NewFolder(), "pages");
        await OkAsync("register", "export", "--data", folder, "--format", "html", "--out", pages);
        var files = Directory.GetFiles(pages, "*.html");
        Assert.Equal(6, files.Length);
        foreach (string file in files)
        {
            string page = await File.ReadAllTextAsync(file);
            Assert.StartsWith("<!DOCTYPE html>", page, StringComparison.Ordinal);
            Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("src=", page, StringComparison.OrdinalIgnoreCase);
        }

        string first = await File.ReadAllTextAsync(files.Order(StringComparer.Ordinal).First());
        Assert.Contains("Point 1 from Alpha", first, StringComparison.Ordinal);
    }
}
