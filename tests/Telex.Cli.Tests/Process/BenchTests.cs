using System.Text.Json;

using Telex.Core.Storage;
using Telex.Storage.Sqlite;

namespace Telex.Cli.Tests.Process;

/// <summary>
/// The load benchmark, small: that it runs two real agency processes, that every telegram it counts was delivered and
/// registered, and that its report is complete. Not its speed: figures are measured on purpose, not in tests.
/// </summary>
public sealed class BenchTests : IDisposable
{
    /// <summary>Bounds a fault only: the smoke run takes seconds.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    private readonly TempFolder _folder = new();
    private readonly Cli _cli;

    public BenchTests() => _cli = new Cli(Path.Combine(_folder.Path, "home"));

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Bench_reports_every_figure_for_telegrams_it_saw_delivered_and_registered()
    {
        string data = _folder.File("bench");

        var result = await _cli.RunAsync(Patience, null, "bench", "--count", "300", "--warmup", "30", "--window", "16", "--batch", "8",
            "--register-scale", "2000", "--data", data, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var doc = JsonDocument.Parse(result.Stdout);
        var report = doc.RootElement;
        AssertLoad(report.GetProperty("load"), 300);
        Assert.Equal((16, 8), (report.GetProperty("settings").GetProperty("window").GetInt32(), report.GetProperty("settings").GetProperty("batch").GetInt32()));
        Assert.True(report.GetProperty("cpuUsPerTelegram").GetDouble() > 0);

        // Telegram and receipt are each a signed, encrypted DIDComm message of more than a kilobyte.
        Assert.InRange(report.GetProperty("wireBytesPerTelegram").GetDouble(), 3000, 20_000);

        var floor = report.GetProperty("cryptoFloor");
        foreach (string part in new[] { "signUs", "verifyUs", "keyGenUs", "agreeUs", "aesTelegramUs", "aesReceiptUs" })
        {
            Assert.True(floor.GetProperty(part).GetDouble() > 0, part);
        }

        double total = floor.GetProperty("totalUs").GetDouble();
        Assert.Equal(total, (2 * floor.GetProperty("signUs").GetDouble()) + (2 * floor.GetProperty("verifyUs").GetDouble())
            + (2 * floor.GetProperty("keyGenUs").GetDouble()) + (4 * floor.GetProperty("agreeUs").GetDouble())
            + (2 * floor.GetProperty("aesTelegramUs").GetDouble()) + (2 * floor.GetProperty("aesReceiptUs").GetDouble()), 0.1);
        Assert.Equal(report.GetProperty("cpuUsPerTelegram").GetDouble() / total, floor.GetProperty("ratio").GetDouble(), 0.01);

        var agencies = report.GetProperty("agencies").EnumerateArray().ToList();
        Assert.Equal(["sender", "receiver"], agencies.Select(a => a.GetProperty("role").GetString()));
        foreach (var agency in agencies)
        {
            Assert.True(agency.GetProperty("startSeconds").GetDouble() > 0);
            Assert.True(agency.GetProperty("idleRssMb").GetDouble() > 10);
            Assert.True(agency.GetProperty("peakRssMb").GetDouble() >= agency.GetProperty("idleRssMb").GetDouble());
            Assert.True(agency.GetProperty("cpuSeconds").GetDouble() > 0);
        }

        var scale = report.GetProperty("registerScale");
        Assert.Equal(2000, scale.GetProperty("entries").GetInt64());
        Assert.Equal(5 * 9, scale.GetProperty("searches").GetInt32());
        AssertPercentiles(scale.GetProperty("searchMs"));
        AssertLoad(scale.GetProperty("load"), 300);
        Assert.True(scale.GetProperty("throughputRatio").GetDouble() > 0);

        // What the report counted is in the receiver's register: the fill topped it up to 2,000 entries, then 300 more
        // arrived, every one numbered without a gap.
        await using var store = new SqliteStore(Path.Combine(data, "bravo", "telex.db"));
        var inbound = new RegisterQuery { Direction = Direction.Inbound };
        Assert.Equal(2300, await store.Register.CountAsync(inbound));
        Assert.NotNull(await store.Register.GetByRegistryNumberAsync(2300));
        Assert.Null(await store.Register.GetByRegistryNumberAsync(2301));
        Assert.Equal(2000 - 330, await store.Register.CountAsync(inbound with { Counterpart = "did:example:telex-bench-archive" }));
    }

    [Fact]
    public async Task Bench_at_a_fixed_rate_releases_on_schedule_and_waits_for_every_receipt()
    {
        var result = await _cli.RunAsync(Patience, null, "bench", "--count", "100", "--warmup", "0", "--rate", "100", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var doc = JsonDocument.Parse(result.Stdout);
        var load = doc.RootElement.GetProperty("load");
        AssertLoad(load, 100);

        // Open loop: the 100th release is not due before 0.99 s, so the phase cannot be shorter, however fast the agencies.
        Assert.True(load.GetProperty("seconds").GetDouble() >= 0.99, load.ToString());
        Assert.Equal(100, doc.RootElement.GetProperty("settings").GetProperty("rate").GetDouble());
    }

    [Theory]
    [InlineData("--count", "0", "--count must be between 1 and 10000000")]
    [InlineData("--rate", "-5", "--rate must be between 0 and 100000 per second")]
    [InlineData("--register-scale", "-1", "--register-scale must be between 0 and 100000000")]
    [InlineData("--window", "0", "--window must be between 1 and 4096")]
    [InlineData("--batch", "101", "--batch must be between 1 and 100")]
    public async Task Bench_refuses_bad_options_before_starting_anything(string option, string value, string message)
    {
        var result = await _cli.RunAsync("bench", option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
    }

    private static void AssertLoad(JsonElement load, int count)
    {
        Assert.Equal(count, load.GetProperty("released").GetInt32());
        Assert.Equal(count, load.GetProperty("delivered").GetInt32());
        Assert.Equal(0, load.GetProperty("failed").GetInt32());
        Assert.True(load.GetProperty("perSecond").GetDouble() > 0);
        Assert.True(load.GetProperty("seconds").GetDouble() > 0);
        AssertPercentiles(load.GetProperty("latencyMs"));
    }

    private static void AssertPercentiles(JsonElement p)
    {
        double p50 = p.GetProperty("p50").GetDouble();
        double p95 = p.GetProperty("p95").GetDouble();
        double p99 = p.GetProperty("p99").GetDouble();
        double max = p.GetProperty("max").GetDouble();
        Assert.True(p50 > 0 && p50 <= p95 && p95 <= p99 && p99 <= max, p.ToString());
    }
}
