using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

using Telex.Core;
using Telex.Core.Model;
using Telex.Core.Security;
using Telex.Core.Storage;
using Telex.Server.Tests.Api;
using Telex.TestKit;
using Telex.TestKit.Faults;

namespace Telex.Server.Tests.Faults;

/// <summary>
/// An agency whose data folder is on a tmpfs the test mounts and fills: it says so (a log line at Error, /health,
/// /health/ready, a metric), refuses new work with a clear answer — a 507 problem document on the client API, a 507 that
/// is no acceptance on the federation endpoint — keeps everything it had, and resumes by itself when space returns.
/// </summary>
public sealed class DiskFullTests
{
    private static readonly string[] ProcessSettings =
    [
        "Storage:FullSync=true",
        "Delivery:ReceiptWait=00:00:02",
        "Delivery:InitialRetryDelay=00:00:00.050",
    ];

    private static readonly TieTerms Terms = TieTerms.Default with { MaxRetryInterval = TimeSpan.FromSeconds(1) };

    private static Tie TieWith(AgencyProcess peer) => new()
    {
        PeerDid = peer.Did,
        PeerName = Path.GetFileName(peer.Directory),
        PeerEndpoint = $"http://127.0.0.1:{peer.Port}/didcomm",
        Status = TieStatus.Established,
        Verified = true,
        EstablishedAt = DateTimeOffset.UtcNow,
        Terms = Terms,
    };

    /// <summary>Alpha and Bravo, each on its own tmpfs, tied; returns a client of Alpha's API signed in as its admin.</summary>
    private static async Task<HttpClient> TieAsync(AgencyProcess alpha, AgencyProcess bravo)
    {
        string token;
        await using (var a = alpha.OpenStore())
        {
            await a.Ties.SaveTieAsync(TieWith(bravo));
            (token, string hash) = PasswordHasher.NewToken();
            await a.Sessions.AddTokenAsync(new ApiToken(hash, "admin", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1)));
        }

        await using (var b = bravo.OpenStore())
        {
            await b.Ties.SaveTieAsync(TieWith(alpha));
        }

        await Task.WhenAll(alpha.StartAsync(), bravo.StartAsync());
        var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{alpha.Port}"), Timeout = TimeSpan.FromSeconds(30) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return api;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient api, AgencyProcess to, int i) =>
        api.PostAsJsonAsync("/api/telegrams", new { to = to.Did, subject = $"Disk {i}", body = $"Telegram {i}, sent around a full disk." });

    private static async Task AssertVerifiesAsync(AgencyProcess agency)
    {
        using var identity = agency.LoadIdentity();
        await using var store = agency.OpenStore();
        using var offline = new Agency(identity, store, new NoTransport());
        var report = await offline.Register.VerifyRegisterAsync();
        Assert.True(report.Ok, $"{agency.Directory}: {report.First}");
    }

    private static int Count(string text, string what) => text.Split(what).Length - 1;

    [Fact]
    public async Task A_sender_whose_disk_fills_refuses_new_telegrams_with_a_problem_document_and_resumes_by_itself_when_space_returns()
    {
        await using var alphaDisk = await Tmpfs.MountAsync(Path.Combine(Path.GetTempPath(), "telex-full-" + Guid.NewGuid().ToString("N")[..12]), 256L << 20);
        await using var alpha = await AgencyProcess.InitInAsync(alphaDisk.Directory, "Alpha", ProcessSettings);
        await using var bravo = await AgencyProcess.InitAsync("Bravo", ProcessSettings);
        using var api = await TieAsync(alpha, bravo);
        int accepted = 0;
        for (int i = 1; i <= 5; i++)
        {
            using var sent = await SendAsync(api, bravo, i);
            Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
            accepted++;
        }

        // The disk fills: releases go on only while SQLite still has room in its files, then every one is refused.
        await alphaDisk.FillAsync();
        int attempt = 100;
        using var refused = await Eventually.UntilAsync(async () =>
        {
            var response = await SendAsync(api, bravo, ++attempt);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                accepted++;
            }

            return response;
        }, r => r.StatusCode == HttpStatusCode.InsufficientStorage, TimeSpan.FromSeconds(60), "a release refused for want of space");
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        using (var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()))
        {
            Assert.Equal("https://telex.dev/problems/storage-full", problem.RootElement.GetProperty("type").GetString());
            Assert.Equal(507, problem.RootElement.GetProperty("status").GetInt32());
            Assert.Contains("storage is full", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal("full", await FaultSuite.StorageStateAsync(alpha));
        using (var ready = await api.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }

        // Still refused while full, and readable: the register is served as it was.
        using (var again = await SendAsync(api, bravo, 999))
        {
            Assert.Equal(HttpStatusCode.InsufficientStorage, again.StatusCode);
        }

        using (var list = await api.GetAsync("/api/telegrams?limit=100"))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        }

        string metrics = await api.GetStringAsync("/metrics");
        Assert.Equal(1, Prometheus.Sample(metrics, "telex_storage_full"));

        // Space returns: no restart, the agency resumes, and a release is accepted again.
        await alphaDisk.FreeAsync();
        await Eventually.UntilAsync(() => FaultSuite.StorageStateAsync(alpha), s => s == "ok", TimeSpan.FromSeconds(30), "Alpha says its storage accepts writes");
        using (var ready = await api.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        using (var after = await SendAsync(api, bravo, 1000))
        {
            Assert.Equal(HttpStatusCode.Created, after.StatusCode);
            accepted++;
        }

        await Eventually.UntilAsync(async () =>
        {
            await using var b = bravo.OpenStore();
            return await b.Register.CountAsync(new RegisterQuery { Direction = Direction.Inbound });
        }, n => n == accepted, TimeSpan.FromSeconds(60), $"{accepted} telegrams registered at Bravo");

        // Exactly what was accepted was released (nothing of a refused release was kept), and both registers verify.
        await using (var a = alpha.OpenStore())
        {
            Assert.Equal(accepted, await a.Register.CountAsync(new RegisterQuery { Direction = Direction.Outbound }));
            var serials = (await a.Register.QueryAsync(new RegisterQuery { Direction = Direction.Outbound, Limit = 1000 })).Select(t => t.Serial).Order();
            Assert.Equal(Enumerable.Range(1, accepted).Select(n => (long)n), serials);
        }

        Assert.Equal(1, Count(alpha.Output, "Storage is full: the agency refuses new work"));
        Assert.Contains("Storage accepts writes again", alpha.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("The dispatcher failed", alpha.Output, StringComparison.Ordinal);
        metrics = await api.GetStringAsync("/metrics");
        Assert.Equal(0, Prometheus.Sample(metrics, "telex_storage_full"));
        Assert.Equal(1, Prometheus.Sample(metrics, "telex_storage_full_episodes_total"));
        await alpha.KillAsync();
        await bravo.KillAsync();
        await AssertVerifiesAsync(alpha);
        await AssertVerifiesAsync(bravo);
    }

    [Fact]
    public async Task A_receiver_whose_disk_fills_refuses_telegrams_without_accepting_them_so_the_sender_keeps_them_until_space_returns()
    {
        await using var bravoDisk = await Tmpfs.MountAsync(Path.Combine(Path.GetTempPath(), "telex-full-" + Guid.NewGuid().ToString("N")[..12]), 256L << 20);
        await using var alpha = await AgencyProcess.InitAsync("Alpha", ProcessSettings);
        await using var bravo = await AgencyProcess.InitInAsync(bravoDisk.Directory, "Bravo", ProcessSettings);
        using var api = await TieAsync(alpha, bravo);
        await bravoDisk.FillAsync();

        // Telegrams keep coming; Bravo runs out of room and says so.
        int sent = 0;
        await Eventually.UntilAsync(async () =>
        {
            using var response = await SendAsync(api, bravo, ++sent);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return await FaultSuite.StorageStateAsync(bravo);
        }, s => s == "full", TimeSpan.FromSeconds(90), "Bravo says its storage is full");

        // A peer's POST is refused, before anything is read, with a status that is no acceptance and the DIDComm code for storage.
        using (var http = new HttpClient())
        using (var content = new ByteArrayContent("{}"u8.ToArray()))
        {
            content.Headers.ContentType = new MediaTypeHeaderValue("application/didcomm-encrypted+json");
            using var refused = await http.PostAsync(new Uri($"http://127.0.0.1:{bravo.Port}/didcomm"), content);
            Assert.Equal(HttpStatusCode.InsufficientStorage, refused.StatusCode);
            using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
            Assert.Equal("e.m.me.res.storage", problem.RootElement.GetProperty("code").GetString());
        }

        // The sender keeps what was refused: more telegrams while full, none delivered meanwhile beyond what Bravo had registered.
        for (int i = 0; i < 5; i++)
        {
            using var response = await SendAsync(api, bravo, ++sent);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        await using (var a = alpha.OpenStore())
        {
            Assert.True(await a.Register.CountAsync(new RegisterQuery { Direction = Direction.Outbound, Status = TelegramStatus.Delivered }) < sent);
        }

        await bravoDisk.FreeAsync();
        await Eventually.UntilAsync(() => FaultSuite.StorageStateAsync(bravo), s => s == "ok", TimeSpan.FromSeconds(30), "Bravo says its storage accepts writes");
        await Eventually.UntilAsync(async () =>
        {
            await using var a = alpha.OpenStore();
            return await a.Register.CountAsync(new RegisterQuery { Direction = Direction.Outbound, Status = TelegramStatus.Delivered });
        }, n => n == sent, TimeSpan.FromSeconds(90), $"all {sent} delivered with receipts");

        await using (var b = bravo.OpenStore())
        {
            var inbound = await b.Register.QueryAsync(new RegisterQuery { Direction = Direction.Inbound, Limit = 1000 });
            Assert.Equal(sent, inbound.Count);
            Assert.Equal(Enumerable.Range(1, sent).Select(n => (long)n), inbound.Select(t => t.Serial).Order());
            Assert.Equal(Enumerable.Range(1, sent).Select(n => (long)n), inbound.Select(t => t.RegistryNumber).Order());
        }

        Assert.Equal(1, Count(bravo.Output, "Storage is full: the agency refuses new work"));
        await alpha.KillAsync();
        await bravo.KillAsync();
        await AssertVerifiesAsync(alpha);
        await AssertVerifiesAsync(bravo);
    }

    private sealed class NoTransport : ITransport
    {
        public Task<TransportResult> SendAsync(string endpoint, ReadOnlyMemory<byte> packed, CancellationToken ct) =>
            Task.FromResult(new TransportResult(false, 0, "offline"));
    }
}
