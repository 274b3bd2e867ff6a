using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Telex.Cli.Tests.Process;

/// <summary>
/// <c>telex send</c> whose connection is lost after the agency released the telegram but before the answer arrived: the
/// send is retried once under the same Idempotency-Key, gets the first answer, and there is one telegram.
/// </summary>
public sealed class SendRetryTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly Cli _cli;

    public SendRetryTests() => _cli = new Cli(_folder.File("home"));

    public void Dispose() => _folder.Dispose();

    private async Task<CliResult> OkAsync(params string[] args)
    {
        var result = await _cli.RunAsync(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    [Fact]
    public async Task A_send_whose_answer_is_lost_is_retried_under_the_same_key_and_releases_one_telegram()
    {
        await using var alpha = await ServedAgency.StartAsync(_cli, _folder.Path, "Alpha");
        await using var bravo = await ServedAgency.StartAsync(_cli, _folder.Path, "Bravo");
        await alpha.SignInAsync(_cli);
        await bravo.SignInAsync(_cli);
        string code = JsonDocument.Parse((await OkAsync("tie", "invite", "--url", alpha.Url, "--json")).Stdout).RootElement.GetProperty("code").GetString()!;
        await OkAsync("tie", "accept", code, "--url", bravo.Url, "--wait");
        await OkAsync("tie", "verify", "Bravo", "--yes", "--url", alpha.Url);

        using var api = new HttpClient { BaseAddress = new Uri(alpha.Url), Timeout = TimeSpan.FromSeconds(30) };
        using (var signIn = await api.PostAsJsonAsync("/api/session", new { name = "admin", password = alpha.Password }))
        {
            string token = (await signIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        await using var proxy = new DroppingProxy(new Uri(alpha.Url), head => head.StartsWith("POST /api/telegrams ", StringComparison.Ordinal));
        var sent = await OkAsync("send", "--url", proxy.Url, "--token", api.DefaultRequestHeaders.Authorization!.Parameter!, "--to", "Bravo",
            "--subject", "Aid to North Korea", "--body", "Such aid would be granted.", "--json");

        // The answer to the first POST was lost; the CLI sent it again under the same key and got the first answer.
        Assert.Equal(1, proxy.Dropped);
        var posts = proxy.Requests.Where(r => r.StartsWith("POST /api/telegrams ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, posts.Count);
        string[] keys = posts.Select(p => p.Split("\r\n").Single(l => l.StartsWith("Idempotency-Key:", StringComparison.OrdinalIgnoreCase))).ToArray();
        Assert.Equal(keys[0], keys[1]);

        var outbound = (await api.GetFromJsonAsync<JsonElement>("/api/telegrams?direction=outbound")).EnumerateArray().ToList();
        var telegram = Assert.Single(outbound);
        Assert.Equal(telegram.GetProperty("id").GetString(), JsonDocument.Parse(sent.Stdout).RootElement.GetProperty("id").GetString());
        Assert.Equal(1, telegram.GetProperty("serial").GetInt64());

        // Another send is another key and another telegram.
        await OkAsync("send", "--url", alpha.Url, "--token", api.DefaultRequestHeaders.Authorization!.Parameter!, "--to", "Bravo",
            "--subject", "Aid to North Korea", "--body", "Such aid would be granted.");
        Assert.Equal(2, (await api.GetFromJsonAsync<JsonElement>("/api/telegrams?direction=outbound")).GetArrayLength());
    }
}
