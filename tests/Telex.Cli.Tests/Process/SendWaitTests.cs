using System.Text.Json;

namespace Telex.Cli.Tests.Process;

/// <summary>
/// <c>telex send --wait</c> listens on the agency's event stream for the telegram's <c>telegram.delivered</c>: it answers
/// with the delivered telegram (the recipient's registry number from its receipt), and when no receipt comes within
/// <c>--timeout</c> it says so and exits 6 (the agency keeps trying).
/// </summary>
public sealed class SendWaitTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly Cli _cli;

    public SendWaitTests() => _cli = new Cli(_folder.File("home"));

    public void Dispose() => _folder.Dispose();

    private async Task<JsonElement> JsonAsync(params string[] args)
    {
        var result = await _cli.RunAsync([.. args, "--json"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var doc = JsonDocument.Parse(result.Stdout);
        return doc.RootElement.Clone();
    }

    [Fact]
    public async Task Send_wait_answers_with_the_delivered_telegram_and_gives_up_after_its_timeout_when_no_receipt_comes()
    {
        await using var alpha = await ServedAgency.StartAsync(_cli, _folder.Path, "Alpha");
        var bravo = await ServedAgency.StartAsync(_cli, _folder.Path, "Bravo");
        bool stopped = false;
        try
        {
            await alpha.SignInAsync(_cli);
            await bravo.SignInAsync(_cli);
            string code = (await JsonAsync("tie", "invite", "--url", alpha.Url)).GetProperty("code").GetString()!;
            await JsonAsync("tie", "accept", code, "--url", bravo.Url, "--wait");

            var delivered = await JsonAsync("send", "--url", alpha.Url, "--to", bravo.Did, "--subject", "Waited for", "--body", "Until the receipt.", "--wait");
            Assert.Equal("delivered", delivered.GetProperty("status").GetString());
            Assert.Equal(1, delivered.GetProperty("peerRegistryNumber").GetInt64());
            Assert.Equal(JsonValueKind.String, delivered.GetProperty("receipt").ValueKind);

            // With the recipient stopped no receipt can come: the wait ends at its timeout.
            await bravo.DisposeAsync();
            stopped = true;
            var result = await _cli.RunAsync("send", "--url", alpha.Url, "--to", bravo.Did, "--subject", "Not answered", "--body", "Nobody there.",
                "--wait", "--timeout", "2");
            Assert.True(result.ExitCode == 6, result.ToString());
            Assert.Contains("but no receipt arrived within 2 s; the agency keeps trying", result.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            if (!stopped)
            {
                await bravo.DisposeAsync();
            }
        }
    }
}
