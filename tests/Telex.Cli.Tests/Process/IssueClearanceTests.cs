using System.Text.Json;

namespace Telex.Cli.Tests.Process;

/// <summary>Two served agencies of their own: these tests tie them, and the end-to-end collection must find them untied.</summary>
[CollectionDefinition(Name)]
public sealed class IssueAgenciesDefinition : ICollectionFixture<ServedAgencies>
{
    public const string Name = "Served agencies for issues";
}

[Collection(IssueAgenciesDefinition.Name)]
public sealed class IssueClearanceTests(ServedAgencies agencies)
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

    /// <summary>Runs a command until its JSON output satisfies <paramref name="done"/>, with a deadline.</summary>
    private async Task<JsonElement> UntilAsync(Func<JsonElement, bool> done, string what, params string[] args)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
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

            Assert.True(DateTime.UtcNow < until, $"{what}: not reached within 30 s; last: {result}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Issues_are_opened_named_by_telegrams_referred_and_shown_with_the_same_history_at_both_ends()
    {
        await agencies.EnsureTiedAsync();
        var opened = await JsonAsync("issue", "open", "--with", "Bravo", "--title", "Aid to the Orient", "--url", _alpha.Url);
        string id = opened.GetProperty("id").GetString()!;
        string number = opened.GetProperty("number").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
        await OkAsync("send", "--url", _alpha.Url, "--to", "Bravo", "--issue", number, "--subject", "The request", "--body", "As discussed.", "--wait");

        // The telegram sent is opened as Bravo reads it, by counterpart and serial, and the cable names the issue by its title.
        var sent = (await OkAsync("show", "Bravo/1", "--url", _alpha.Url)).Stdout;
        Assert.Contains("The request", sent, StringComparison.Ordinal);
        Assert.Contains("Aid to the Orient", sent, StringComparison.Ordinal);
        Assert.DoesNotContain(id, sent, StringComparison.Ordinal);
        await FailsAsync(4, "no telegram No. 99 was sent to Bravo", "show", "Bravo/99", "--url", _alpha.Url);

        await UntilAsync(i => i.GetProperty("id").GetString() == id, "Bravo holds the issue", "issue", "show", id, "--url", _bravo.Url);
        await OkAsync("issue", "status", id, "premature", "--text", "Premature until the details are agreed in Shenyang", "--url", _bravo.Url);

        var atAlpha = await UntilAsync(i => i.GetProperty("term").GetString() == "premature", "Alpha sees the outcome", "issue", "show", number, "--url", _alpha.Url);
        var atBravo = await JsonAsync("issue", "show", id, "--url", _bravo.Url);
        Assert.Equal(atAlpha.GetProperty("events").GetRawText(), atBravo.GetProperty("events").GetRawText());
        Assert.Equal(
            atAlpha.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("kind").GetString()),
            atBravo.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("kind").GetString()));

        var shown = (await OkAsync("issue", "show", number, "--url", _alpha.Url)).Stdout;
        foreach (string text in new[] { "Aid to the Orient", "premature", "Premature until the details", "opened", "telegram No. 1", "The request" })
        {
            Assert.Contains(text, shown, StringComparison.Ordinal);
        }

        Assert.Contains("Aid to the Orient", (await OkAsync("issue", "list", "--status", "premature", "--url", _alpha.Url)).Stdout, StringComparison.Ordinal);
        Assert.Contains("Aid to the Orient", (await OkAsync("issue", "list", "--status", "deferred", "--url", _alpha.Url)).Stdout, StringComparison.Ordinal);
        Assert.Contains("premature", (await OkAsync("issue", "outcomes", "--url", _alpha.Url)).Stdout, StringComparison.Ordinal);
        var search = (await OkAsync("search", "Shenyang", "--url", _alpha.Url)).Stdout;
        Assert.Contains("Issues", search, StringComparison.Ordinal);
        Assert.Contains("Aid to the Orient", search, StringComparison.Ordinal);

        // Bad input: a clear line, a meaningful exit code, nothing changed.
        await FailsAsync(2, "premature", "issue", "status", id, "finished", "--text", "x", "--url", _alpha.Url);
        await FailsAsync(2, "referred to", "issue", "status", id, "referred", "--text", "x", "--url", _alpha.Url);
        await FailsAsync(5, "telex directory", "issue", "status", id, "referred", "--text", "x", "--referred-to", "Gao Gang in Shenyang", "--url", _alpha.Url);
        await FailsAsync(4, "no issue", "issue", "status", "no-such-issue", "closed", "--text", "x", "--url", _alpha.Url);
        await FailsAsync(4, "no issue", "issue", "show", "no-such-issue", "--url", _alpha.Url);
        await FailsAsync(4, "no issue 99", "send", "--url", _alpha.Url, "--to", "Bravo", "--issue", "99", "--subject", "x", "--body", "x");
        Assert.Equal(2, (await JsonAsync("issue", "show", id, "--url", _alpha.Url)).GetProperty("events").GetArrayLength());
    }

    [Fact]
    public async Task Opening_a_telegram_with_telex_show_sends_a_read_receipt_the_sender_sees()
    {
        await agencies.EnsureTiedAsync();
        await OkAsync("tie", "terms", "Bravo", "--read-receipts", "true", "--url", _alpha.Url);
        await UntilAsync(t => t.TryGetProperty("proposedTerms", out var p) && p.ValueKind == JsonValueKind.Object, "Bravo sees the proposal",
            "tie", "show", "Alpha", "--url", _bravo.Url);
        await OkAsync("tie", "sign-terms", "Alpha", "--url", _bravo.Url);
        await UntilAsync(t => t.GetProperty("terms").GetProperty("readReceipts").GetBoolean(), "Alpha holds the signed terms",
            "tie", "show", "Bravo", "--url", _alpha.Url);

        string id = (await JsonAsync("send", "--url", _alpha.Url, "--to", "Bravo", "--subject", "Read me", "--body", "Please.", "--wait"))
            .GetProperty("id").GetString()!;
        var beforeReading = await JsonAsync("show", id, "--url", _alpha.Url);
        Assert.Equal(JsonValueKind.Null, beforeReading.GetProperty("readAt").ValueKind);

        await OkAsync("show", id, "--url", _bravo.Url);

        await UntilAsync(t => t.GetProperty("readAt").ValueKind == JsonValueKind.String, "Alpha sees the read receipt", "show", id, "--url", _alpha.Url);
        Assert.Contains("delivered, read", (await OkAsync("search", "Read", "--url", _alpha.Url)).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_telegram_needing_clearance_is_released_only_once_cleared_and_a_refusal_returns_it()
    {
        await agencies.EnsureTiedAsync();
        var rule = await JsonAsync("clearance", "rule", "add", "--to", "Bravo", "--precedence", "flash", "--officer", "admin", "--url", _alpha.Url);
        try
        {
            await FailsAsync(5, "requires clearance", "send", "--url", _alpha.Url, "--to", "Bravo", "--subject", "Direct", "--body", "x", "--precedence", "flash");

            var draft = await JsonAsync("draft", "submit", "--url", _alpha.Url, "--to", "Bravo", "--subject", "Cleared", "--body", "x", "--precedence", "flash");
            string id = draft.GetProperty("id").GetString()!;
            string number = draft.GetProperty("number").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal("awaitingclearance", draft.GetProperty("status").GetString());
            await FailsAsync(5, "not cleared", "draft", "release", number, "--url", _alpha.Url);
            await FailsAsync(4, "no draft 999", "draft", "release", "999", "--url", _alpha.Url);
            Assert.Equal("cleared", (await JsonAsync("draft", "clear", number, "--url", _alpha.Url)).GetProperty("status").GetString());
            string telegram = (await JsonAsync("draft", "release", number, "--url", _alpha.Url)).GetProperty("id").GetString()!;
            await UntilAsync(t => t.GetProperty("status").GetString() == "registered", "Bravo registers it", "show", telegram, "--url", _bravo.Url);
            var shown = (await OkAsync("draft", "show", id, "--url", _alpha.Url)).Stdout;
            Assert.Contains("released", shown, StringComparison.Ordinal);
            Assert.Contains("submitted", shown, StringComparison.Ordinal);

            string refused = (await JsonAsync("draft", "submit", "--url", _alpha.Url, "--to", "Bravo", "--subject", "Refused", "--body", "x", "--precedence", "flash"))
                .GetProperty("id").GetString()!;
            await FailsAsync(2, "--reason", "draft", "refuse", refused, "--url", _alpha.Url);
            var returned = await JsonAsync("draft", "refuse", refused, "--reason", "Premature", "--url", _alpha.Url);
            Assert.Equal("returned", returned.GetProperty("status").GetString());
            Assert.Equal("Premature", returned.GetProperty("returnReason").GetString());
            await FailsAsync(5, "not awaiting clearance", "draft", "clear", refused, "--url", _alpha.Url);
            await FailsAsync(5, "not cleared", "draft", "release", refused, "--url", _alpha.Url);
            await FailsAsync(4, "no draft", "draft", "clear", Guid.NewGuid().ToString(), "--url", _alpha.Url);
            Assert.DoesNotContain("Refused", (await OkAsync("inbox", "--url", _bravo.Url)).Stdout, StringComparison.Ordinal);

            var resubmitted = await JsonAsync("draft", "resubmit", refused, "--subject", "Refused, then revised", "--url", _alpha.Url);
            Assert.Equal("awaitingclearance", resubmitted.GetProperty("status").GetString());
            Assert.Equal("Refused, then revised", resubmitted.GetProperty("subject").GetString());
            await FailsAsync(5, "only a returned draft", "draft", "resubmit", refused, "--url", _alpha.Url);
        }
        finally
        {
            await OkAsync("clearance", "rule", "remove", rule.GetProperty("id").GetString()!, "--url", _alpha.Url);
        }
    }
}
