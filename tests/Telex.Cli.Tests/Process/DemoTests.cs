using System.Text.Json;
using System.Text.RegularExpressions;

using Telex.Core.Storage;
using Telex.Storage.Sqlite;

namespace Telex.Cli.Tests.Process;

public sealed partial class DemoTests : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly TempFolder _folder = new();
    private readonly Cli _cli;

    public DemoTests() => _cli = new Cli(Path.Combine(_folder.Path, "home"));

    public void Dispose() => _folder.Dispose();

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex LoopbackUrl();

    [Fact]
    public async Task Demo_brings_up_a_network_with_a_directory_a_bureau_refused_then_chartered_a_bulletin_and_a_relayed_telegram()
    {
        string data = _folder.File("demo");

        var result = await _cli.RunAsync("demo", "--agencies", "4", "--base-port", "0", "--data", data, "--exit-after-setup", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var demo = JsonDocument.Parse(result.Stdout);
        var agencies = demo.RootElement.GetProperty("agencies").EnumerateArray().ToList();
        Assert.Equal(4, agencies.Count);
        Assert.Equal(4, agencies.Select(a => a.GetProperty("did").GetString()).Distinct().Count());
        Assert.All(agencies, a => Assert.Equal("telex-demo-1949", a.GetProperty("password").GetString()));
        string Did(int i) => agencies[i].GetProperty("did").GetString()!;
        string Folder(int i) => agencies[i].GetProperty("dataDirectory").GetString()!;

        // The founder's directory: twelve counterparts, tied by the end with the three other agencies.
        var directory = demo.RootElement.GetProperty("directory").GetProperty("counterparts").EnumerateArray().ToList();
        Assert.Equal(12, directory.Count);
        Assert.Equal(3, directory.Count(c => c.GetProperty("tie").GetString() == "established"));

        // The bureau was premature with ties to two of three, refused, then chartered with every member.
        var bureau = demo.RootElement.GetProperty("bureau");
        Assert.Equal("premature: ties with 2 of 3", bureau.GetProperty("premature").GetString());
        Assert.Equal(["Summit"], bureau.GetProperty("missing").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("ready: ties with 3 of 3", bureau.GetProperty("ready").GetString());
        Assert.Equal(4, bureau.GetProperty("members").GetInt32());
        var bulletin = bureau.GetProperty("bulletin").EnumerateArray().ToList();
        Assert.Equal(3, bulletin.Count);
        Assert.All(bulletin, t => Assert.Equal("delivered", t.GetProperty("status").GetString()));

        var telegrams = demo.RootElement.GetProperty("telegrams").EnumerateArray().ToList();
        Assert.True(telegrams.Count >= 8);
        Assert.All(telegrams, t => Assert.Equal("delivered", t.GetProperty("status").GetString()));
        Assert.All(telegrams, t => Assert.True(t.GetProperty("registryNumber").GetInt64() >= 1));
        Assert.True(telegrams.Select(t => t.GetProperty("precedence").GetString()).Distinct().Count() >= 3);
        Assert.True(telegrams.Select(t => t.GetProperty("issue").GetString()).Distinct().Count() >= 3);

        // The cable's issues are real issues, with the cable's outcomes; the referred one reached a third agency.
        var issues = demo.RootElement.GetProperty("issues").EnumerateArray().ToList();
        Assert.Equal(["open", "premature", "granted", "referred"], issues.OrderBy(i => i.GetProperty("number").GetInt64()).Select(i => i.GetProperty("outcome").GetString()));
        var referred = Assert.Single(issues, i => i.GetProperty("outcome").GetString() == "referred");
        Assert.Equal("Lighthouse", referred.GetProperty("referredTo").GetString());
        string referredId = referred.GetProperty("id").GetString()!;
        await using (var harbor = new SqliteStore(Path.Combine(Folder(2), "telex.db")))
        {
            Assert.Equal([Did(0)], (await harbor.Issues.ListIssueParticipantsAsync(referredId)).Select(p => p.Did));
            Assert.Contains(await harbor.Register.QueryAsync(new RegisterQuery { IssueId = referredId, Direction = Direction.Inbound }), t => t.Counterpart == Did(0));
        }

        // The founder's register holds the 1949 cable as imported history, under its own number.
        await using (var lighthouse = new SqliteStore(Path.Combine(Folder(0), "telex.db")))
        {
            var seed = await lighthouse.Register.GetImportedCableByNumberAsync(54611);
            Assert.Equal(("Kovalev", 477L), (seed!.Signer, seed.SenderSerial));
        }

        // One telegram went from Summit to Harbor, which hold no tie, through the founder.
        var relayed = Assert.Single(telegrams, t => t.GetProperty("relayPath").GetArrayLength() > 0);
        Assert.Equal(("Summit", "Harbor", Did(0)),
            (relayed.GetProperty("from").GetString(), relayed.GetProperty("to").GetString(), relayed.GetProperty("relayPath")[0].GetString()));
        await using (var summit = new SqliteStore(Path.Combine(Folder(3), "telex.db")))
        {
            Assert.NotEqual(TieStatus.Established, (await summit.Ties.GetTieAsync(Did(2)))?.Status);
        }

        // What the demo reported is what the agencies filed: every received telegram in the recipient's register.
        var all = telegrams.Concat(bulletin).ToList();
        foreach (var agency in agencies)
        {
            string name = agency.GetProperty("name").GetString()!;
            int expected = all.Count(t => t.GetProperty("to").GetString() == name);
            await using var store = new SqliteStore(Path.Combine(agency.GetProperty("dataDirectory").GetString()!, "telex.db"));
            var inbound = await store.Register.QueryAsync(new RegisterQuery { Direction = Direction.Inbound });
            Assert.Equal(expected, inbound.Count);
            Assert.Equal(Enumerable.Range(1, expected).Select(n => (long)n), inbound.Select(t => t.RegistryNumber).Order());
            Assert.All((await store.Ties.ListTiesAsync()).Where(t => t.Status != TieStatus.None), t => Assert.True(t.Status == TieStatus.Established && t.Verified));
        }
    }

    [Fact]
    public async Task Demo_keeps_serving_until_interrupted_and_then_exits_cleanly()
    {
        await using var demo = _cli.Start("demo", "--agencies", "4", "--base-port", "0", "--data", _folder.File("demo"));
        await demo.WaitForLineAsync(l => l.Contains("press Ctrl-C", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        var urls = LoopbackUrl().Matches(demo.Stdout).Select(m => m.Value).Distinct().ToList();
        Assert.True(urls.Count >= 3, demo.Stdout);
        foreach (string url in urls)
        {
            using var health = await Http.GetAsync(new Uri(url + "/health"));
            Assert.True(health.IsSuccessStatusCode);
        }

        await demo.InterruptAsync();

        Assert.Equal(0, await demo.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        await Assert.ThrowsAsync<HttpRequestException>(() => Http.GetAsync(new Uri(urls[0] + "/health")));
    }
}
