using System.Text.Json;

namespace Telex.Cli.Tests.Process;

[Collection(ServedAgenciesDefinition.Name)]
public sealed class EndToEndTests(ServedAgencies agencies)
{
    private readonly Cli _cli = agencies.Cli;
    private readonly ServedAgency _alpha = agencies.Alpha;
    private readonly ServedAgency _bravo = agencies.Bravo;

    private async Task<CliResult> OkAsync(params string[] args) => Ok(await _cli.RunAsync(args));

    private static CliResult Ok(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    private async Task<string> FingerprintAsync(ServedAgency at, string counterpart)
    {
        using var tie = JsonDocument.Parse((await OkAsync("tie", "show", counterpart, "--url", at.Url, "--json")).Stdout);
        return tie.RootElement.GetProperty("fingerprint").GetString()!;
    }

    [Fact]
    public async Task Two_served_agencies_tie_exchange_a_telegram_and_the_recipient_reads_it_as_a_cable()
    {
        // Alpha invites; Bravo accepts the code and waits for Alpha's confirmation.
        using var invitation = JsonDocument.Parse((await OkAsync("tie", "invite", "--url", _alpha.Url, "--note", "for Bravo", "--json")).Stdout);
        string code = invitation.RootElement.GetProperty("code").GetString()!;
        using var accepted = JsonDocument.Parse((await OkAsync("tie", "accept", code, "--url", _bravo.Url, "--wait", "--json")).Stdout);
        Assert.Equal("established", accepted.RootElement.GetProperty("status").GetString());
        Assert.Equal(_alpha.Did, accepted.RootElement.GetProperty("peerDid").GetString());

        // Each side sees the same fingerprint and verifies the tie with the one the other read out.
        string alphaSees = await FingerprintAsync(_alpha, "Bravo");
        string bravoSees = await FingerprintAsync(_bravo, _alpha.Did);
        Assert.Equal(alphaSees, bravoSees);
        await OkAsync("tie", "verify", "Bravo", "--fingerprint", bravoSees, "--url", _alpha.Url);
        await OkAsync("tie", "verify", "Alpha", "--fingerprint", alphaSees, "--url", _bravo.Url);
        var list = await OkAsync("tie", "list", "--url", _alpha.Url);
        Assert.Contains("Bravo", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("established", list.Stdout, StringComparison.Ordinal);

        // Alpha sends, the text on stdin, with an attachment, and waits for Bravo's receipt.
        using var folder = new TempFolder();
        string attachment = folder.File("minutes.txt");
        await File.WriteAllTextAsync(attachment, "Minutes of the meeting of 17 May.");
        var sent = Ok(await _cli.RunWithInputAsync("We know little of the situation in these countries.\n",
            "send", "--url", _alpha.Url, "--to", "Bravo", "--subject", "The situation in the Orient", "--precedence", "immediate",
            "--issue", "orient", "--on-behalf-of", "the Chair", "--attendee", "Zhu De", "--attendee", "Liu Shaoqi", "--attach", attachment,
            "--wait", "--json"));
        using var telegram = JsonDocument.Parse(sent.Stdout);
        Assert.Equal("delivered", telegram.RootElement.GetProperty("status").GetString());
        Assert.Equal(1, telegram.RootElement.GetProperty("peerRegistryNumber").GetInt64());

        // Signing in to Bravo makes it the default agency for the commands that follow.
        Ok(await _cli.RunWithInputAsync(_bravo.Password + "\n", "login", "--url", _bravo.Url, "--name", "admin", "--password-stdin"));
        var inbox = await OkAsync("inbox");
        Assert.Contains("The situation in the Orient", inbox.Stdout, StringComparison.Ordinal);
        Assert.Contains("Alpha", inbox.Stdout, StringComparison.Ordinal);
        Assert.Contains("immediate", inbox.Stdout, StringComparison.Ordinal);
        using var inboxJson = JsonDocument.Parse((await OkAsync("inbox", "--json")).Stdout);
        var entry = Assert.Single(inboxJson.RootElement.EnumerateArray());
        Assert.Equal(1, entry.GetProperty("registryNumber").GetInt64());
        Assert.Equal("inbound", entry.GetProperty("direction").GetString());

        var cable = await OkAsync("show", "1");
        Assert.StartsWith("Nº 1\n", cable.Stdout, StringComparison.Ordinal);
        foreach (string line in new[]
        {
            "FROM: Alpha", "TO: Bravo", "PRECEDENCE: IMMEDIATE", "SUBJECT: The situation in the Orient", "ISSUE: orient",
            "ON BEHALF OF: the Chair", "We know little of the situation in these countries.", "In the presence of Zhu De, Liu Shaoqi.",
            "ATTACHMENT: minutes.txt (text/plain", "No. 1 - admin (Alpha)",
        })
        {
            Assert.Contains(line, cable.Stdout, StringComparison.Ordinal);
        }

        // The same telegram by id, and found by search at the sender.
        string id = telegram.RootElement.GetProperty("id").GetString()!;
        Assert.Equal(cable.Stdout, (await OkAsync("show", id)).Stdout);
        var search = await OkAsync("search", "Orient", "--url", _alpha.Url);
        Assert.Contains("The situation in the Orient", search.Stdout, StringComparison.Ordinal);
        Assert.Contains("delivered", search.Stdout, StringComparison.Ordinal);
    }
}
