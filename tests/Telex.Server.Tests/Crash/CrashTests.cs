using Telex.Core;
using Telex.Core.Model;
using Telex.Core.Storage;
using Telex.TestKit;

namespace Telex.Server.Tests.Crash;

/// <summary>
/// Agencies killed with SIGKILL at random points while thousands of telegrams are in flight, then restarted, several
/// times: in the end every telegram is registered exactly once and delivered; none lost, none duplicated.
/// </summary>
public sealed class CrashTests
{
    private const int Telegrams = 2000;
    private const int Kills = 5;

    private static Tie TieWith(string did, string name, string endpoint) => new()
    {
        PeerDid = did,
        PeerName = name,
        PeerEndpoint = endpoint,
        Status = TieStatus.Established,
        Verified = true,
        EstablishedAt = DateTimeOffset.UtcNow,
    };

    private static TelegramDraft Draft(string to, int i) => new()
    {
        To = to,
        Subject = $"Crash {i}",
        Body = $"Telegram {i} of {Telegrams}, sent while agencies are being killed.",
        Precedence = (Precedence)(i % 4),
    };

    private static async Task KillAtRandomPointsAsync(AgencyProcess victim, ITelexStore observed, Random random)
    {
        long threshold = 0;
        for (int k = 0; k < Kills; k++)
        {
            threshold = Math.Min(Telegrams - 50, threshold + random.Next(150, 350));
            long target = threshold;
            await Eventually.UntilAsync(() => observed.Register.CountAsync(new RegisterQuery { Direction = Direction.Inbound }), n => n >= target,
                TimeSpan.FromSeconds(120), $"kill {k + 1}: {target} telegrams registered");
            await victim.KillAsync();
            await victim.StartAsync();
        }
    }

    private static async Task AssertRegisteredExactlyOnceAsync(ITelexStore receiver)
    {
        var inbound = new List<TelegramRecord>();
        for (int offset = 0; offset < Telegrams; offset += 1000)
        {
            inbound.AddRange(await receiver.Register.QueryAsync(new RegisterQuery { Direction = Direction.Inbound, Limit = 1000, Offset = offset }));
        }

        Assert.Equal(Telegrams, await receiver.Register.CountAsync(new RegisterQuery { Direction = Direction.Inbound }));
        Assert.Equal(Telegrams, inbound.Select(t => t.Id).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, Telegrams).Select(n => (long)n), inbound.Select(t => t.RegistryNumber).Order());
        Assert.Equal(Enumerable.Range(1, Telegrams).Select(n => (long)n), inbound.Select(t => t.Serial).Order());
    }

    [Fact]
    public async Task Receiver_killed_repeatedly_while_telegrams_are_in_flight_loses_and_duplicates_nothing()
    {
        int seed = Environment.TickCount;
        var random = new Random(seed);
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await AgencyProcess.InitAsync("Bravo", AgencyProcess.CrashSettings);
        await using (var setup = b.OpenStore())
        {
            await setup.Ties.SaveTieAsync(TieWith(a.Did, "Alpha", a.Identity.Endpoint));
        }

        await a.Store.Ties.SaveTieAsync(TieWith(b.Did, "Bravo", $"http://127.0.0.1:{b.Port}/didcomm"));
        await b.StartAsync();
        await using var observed = b.OpenStore();

        var releases = Task.Run(() => Parallel.ForEachAsync(Enumerable.Range(1, Telegrams), new ParallelOptions { MaxDegreeOfParallelism = 4 },
            async (i, ct) => await a.Agency.Telegrams.ReleaseAsync(Draft(b.Did, i), "officer", ct)));
        await KillAtRandomPointsAsync(b, observed, random);
        await releases;

        await Eventually.UntilAsync(() => a.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Outbound, Status = TelegramStatus.Delivered }),
            n => n == Telegrams, TimeSpan.FromSeconds(180), $"all {Telegrams} delivered with receipts (seed {seed})");
        Assert.Equal(Kills, b.Kills);
        await AssertRegisteredExactlyOnceAsync(observed);
    }

    [Fact]
    public async Task Sender_killed_repeatedly_while_telegrams_are_in_flight_loses_and_duplicates_nothing()
    {
        int seed = Environment.TickCount;
        var random = new Random(seed);
        await using var b = await TestAgency.StartAsync("Bravo");
        await using var a = await AgencyProcess.InitAsync("Alpha", AgencyProcess.CrashSettings);
        await using var senderStore = a.OpenStore();
        await senderStore.Ties.SaveTieAsync(TieWith(b.Did, "Bravo", b.Identity.Endpoint));
        await b.Store.Ties.SaveTieAsync(TieWith(a.Did, "Alpha", $"http://127.0.0.1:{a.Port}/didcomm"));

        // Release everything into the sender's outbox first (its officers did so before the trouble began).
        using (var identity = a.LoadIdentity())
        using (var offline = new Agency(identity, senderStore, new UnreachableTransport()))
        {
            for (int i = 1; i <= Telegrams; i++)
            {
                await offline.Telegrams.ReleaseAsync(Draft(b.Did, i), "officer");
            }
        }

        await a.StartAsync();
        await KillAtRandomPointsAsync(a, b.Store, random);

        await Eventually.UntilAsync(() => senderStore.Register.CountAsync(new RegisterQuery { Direction = Direction.Outbound, Status = TelegramStatus.Delivered }),
            n => n == Telegrams, TimeSpan.FromSeconds(180), $"all {Telegrams} delivered with receipts (seed {seed})");
        Assert.Equal(Kills, a.Kills);
        await AssertRegisteredExactlyOnceAsync(b.Store);
    }

    private sealed class UnreachableTransport : ITransport
    {
        public Task<TransportResult> SendAsync(string endpoint, ReadOnlyMemory<byte> packed, CancellationToken ct) =>
            Task.FromResult(new TransportResult(false, 0, "offline"));
    }
}
