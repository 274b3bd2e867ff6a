using System.Text;

using Telex.Core.Model;
using Telex.Core.Relay;
using Telex.Core.Storage;
using Telex.TestKit;

namespace Telex.Server.Tests.Relay;

/// <summary>
/// A relay run as its own process: it holds relayed envelopes while the recipient is down, keeps none of their
/// plaintext in its database or logs, and loses nothing when killed with SIGKILL and started again.
/// </summary>
public sealed class RelayCrashTests
{
    private const int Telegrams = 20;

    private static readonly string[] ProcessSettings =
    [
        "Storage:FullSync=true",
        "Delivery:ReceiptWait=00:00:02",
        "Delivery:InitialRetryDelay=00:00:00.050",
    ];

    private static readonly TieTerms RelayTerms = TieTerms.Default with { Relays = true, MaxRetryInterval = TimeSpan.FromSeconds(1) };

    private static Tie TieWith(string did, string name, string endpoint) => new()
    {
        PeerDid = did,
        PeerName = name,
        PeerEndpoint = endpoint,
        Status = TieStatus.Established,
        Verified = true,
        EstablishedAt = DateTimeOffset.UtcNow,
        Terms = RelayTerms,
    };

    private static byte[] ReadShared(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static void AssertNoPlaintext(AgencyProcess relay, string marker)
    {
        byte[] needle = Encoding.UTF8.GetBytes(marker);
        foreach (string file in new[] { "telex.db", "telex.db-wal" })
        {
            Assert.True(ReadShared(Path.Combine(relay.Directory, file)).AsSpan().IndexOf(needle) < 0, $"the relay's {file} holds the plaintext");
        }

        Assert.DoesNotContain(marker, relay.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_relay_killed_while_holding_envelopes_loses_nothing_and_never_holds_the_plaintext()
    {
        string marker = "PLAINTEXT-MARKER-" + Guid.NewGuid().ToString("N");
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await using var r = await AgencyProcess.InitAsync("Relay", ProcessSettings);
        r.ServeArguments = ["--log-level", "Trace"];
        string relayEndpoint = $"http://127.0.0.1:{r.Port}/didcomm";
        await using var relayStore = r.OpenStore();
        await relayStore.Ties.SaveTieAsync(TieWith(a.Did, "Alpha", a.Identity.Endpoint));
        await relayStore.Ties.SaveTieAsync(TieWith(b.Did, "Bravo", b.Identity.Endpoint));
        await relayStore.Settings.SetSettingAsync(RelayService.PolicySetting, new RelayPolicy { Pairs = [RelayPair.Of(a.Did, b.Did)] }.ToJson());
        await a.Store.Ties.SaveTieAsync(TieWith(r.Did, "Relay", relayEndpoint));
        await b.Store.Ties.SaveTieAsync(TieWith(r.Did, "Relay", relayEndpoint));
        await a.Agency.Directory.AddToDirectoryAsync("Bravo", b.Did, null, [r.Did]);

        // Bravo is down: the relay accepts and holds every envelope.
        await b.StopAsync();
        await r.StartAsync();
        var ids = new List<Guid>();
        for (int i = 1; i <= Telegrams; i++)
        {
            var sent = await a.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = b.Did, Subject = $"{marker} {i}", Body = $"Relayed text {i}: {marker}" }, "officer");
            ids.Add(sent.Id);
        }

        await Eventually.UntilAsync(() => a.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Outbound, Status = TelegramStatus.Sent }),
            n => n == Telegrams, TimeSpan.FromSeconds(60), "every telegram accepted by the relay");
        await Eventually.UntilAsync(() => relayStore.Relays.CountRelaysAsync(), n => n >= Telegrams, TimeSpan.FromSeconds(60), "the relay holds the envelopes");
        AssertNoPlaintext(r, marker);
        Assert.Contains("holding an envelope", r.Output, StringComparison.Ordinal);

        // Killed while holding them; Bravo comes back; the relay starts again.
        await r.KillAsync();
        await b.RestartAsync();
        await r.StartAsync();

        await Eventually.UntilAsync(() => a.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Outbound, Status = TelegramStatus.Delivered }),
            n => n == Telegrams, TimeSpan.FromSeconds(180), $"all {Telegrams} delivered with receipts");
        var inbound = await b.Store.Register.QueryAsync(new RegisterQuery { Direction = Direction.Inbound, Limit = 1000 });
        Assert.Equal(ids.Order(), inbound.Select(t => t.Id).Order());
        Assert.Equal(Enumerable.Range(1, Telegrams).Select(n => (long)n), inbound.Select(t => t.Serial).Order());
        Assert.All(inbound, t => Assert.Equal([r.Did], t.RelayPath));
        Assert.Equal(1, r.Kills);
        await Eventually.UntilAsync(() => relayStore.Relays.CountRelaysAsync(), n => n == 0, TimeSpan.FromSeconds(60), "the relay keeps nothing once passed on");
        Assert.Equal(0, await relayStore.Register.CountAsync(new RegisterQuery()));
        AssertNoPlaintext(r, marker);
    }
}
