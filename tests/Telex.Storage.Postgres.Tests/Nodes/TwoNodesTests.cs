using System.Diagnostics;
using System.Net.Http.Headers;

using Telex.Core;
using Telex.Core.Model;
using Telex.Core.Register;
using Telex.Core.Security;
using Telex.Core.Storage;
using Telex.TestKit;

using Xunit.Abstractions;

namespace Telex.Storage.Postgres.Tests.Nodes;

/// <summary>
/// One agency run as two <c>telex serve</c> processes sharing one PostgreSQL database behind a load balancer, with a
/// peer agency sending to it and receiving from it: every telegram registered once with gap-free numbers, every outgoing
/// one delivered once, even when one node is killed (SIGKILL) in the middle of it.
/// </summary>
public sealed class TwoNodesTests(ITestOutputHelper output) : DatabaseProcessTests
{
    private const int Inbound = 5000;
    private const int Outbound = 1000;

    /// <summary>Quick retries and receipt checks, so what a killed node leaves behind is taken up within the test's deadline.</summary>
    private static readonly string[] NodeSettings =
    [
        "Delivery:ReceiptWait=00:00:03",
        "Delivery:GapGrace=00:00:02",
        "Delivery:InitialRetryDelay=00:00:00.050",
        "Delivery:ClaimLease=00:00:10",
    ];

    private static Tie TieWith(string did, string name, string endpoint) => new()
    {
        PeerDid = did,
        PeerName = name,
        PeerEndpoint = endpoint,
        Status = TieStatus.Established,
        Verified = true,
        EstablishedAt = DateTimeOffset.UtcNow,

        // Retries capped at seconds, not the default minutes: what the killed node was sending is sent again within the test.
        Terms = TieTerms.Default with { MaxRetryInterval = TimeSpan.FromSeconds(5) },
    };

    private static TelegramDraft Draft(string to, int i, int of) => new()
    {
        To = to,
        Subject = $"Telegram {i}",
        Body = $"Telegram {i} of {of}, to one agency of two nodes.",
        Precedence = (Precedence)(i % 4),
    };

    private static async Task<List<TelegramRecord>> AllAsync(ITelexStore store, Direction direction, int expected)
    {
        var all = new List<TelegramRecord>();
        for (int offset = 0; offset < expected + 1000; offset += 1000)
        {
            all.AddRange(await store.Register.QueryAsync(new RegisterQuery { Direction = direction, Limit = 1000, Offset = offset }));
        }

        return all;
    }

    [Fact]
    public async Task Two_nodes_share_the_work_and_when_one_is_killed_the_other_carries_on_losing_and_duplicating_nothing()
    {
        int balancerPort = LoadBalancer.FreePort();
        string endpoint = $"http://127.0.0.1:{balancerPort}/didcomm";
        await using var first = await AgencyProcess.InitNodeAsync("Alpha", endpoint, PostgresEnvironment, [.. NodeSettings, "Delivery:NodeId=node-1"]);
        await using var second = first.AnotherNode("Delivery:NodeId=node-2");
        await using var balancer = await LoadBalancer.StartAsync(balancerPort, first.Port, second.Port);
        await using var bravo = await TestAgency.StartAsync("Bravo", TestAgency.FastDelivery);
        await using var alpha = new PostgresStore(Database.ConnectionString);
        await alpha.Ties.SaveTieAsync(TieWith(bravo.Did, "Bravo", bravo.Identity.Endpoint));
        await bravo.Store.Ties.SaveTieAsync(TieWith(first.Did, "Alpha", endpoint));
        await first.StartAsync();
        await second.StartAsync();
        var clock = Stopwatch.StartNew();

        // Alpha's officers release through any node; here a third Agency on the same database files the releases, without
        // a transport of its own, so only the two nodes send them.
        using var identity = first.LoadIdentity();
        using var releasing = new Agency(identity, alpha, new NoTransport());
        await using var sharing = new EventSharingRun(releasing);
        var outgoing = Task.Run(() => Parallel.ForEachAsync(Enumerable.Range(1, Outbound), new ParallelOptions { MaxDegreeOfParallelism = 2 },
            async (i, ct) => await releasing.Telegrams.ReleaseAsync(Draft(bravo.Did, i, Outbound), "officer", ct)));
        var incoming = Task.Run(() => Parallel.ForEachAsync(Enumerable.Range(1, Inbound), new ParallelOptions { MaxDegreeOfParallelism = 4 },
            async (i, ct) => await bravo.Agency.Telegrams.ReleaseAsync(Draft(first.Did, i, Inbound), "officer", ct)));

        await Eventually.UntilAsync(() => alpha.Register.CountAsync(new RegisterQuery { Direction = Direction.Inbound }), n => n >= Inbound * 2 / 5,
            TimeSpan.FromMinutes(10), $"{Inbound * 2 / 5} telegrams registered before the kill");
        var beforeKill = balancer.Answered;
        await second.KillAsync();
        output.WriteLine($"node 2 killed at {clock.Elapsed.TotalSeconds:F1} s; requests answered by node 1, node 2: {string.Join(", ", beforeKill)}");
        await Task.WhenAll(outgoing, incoming);
        output.WriteLine($"all released at {clock.Elapsed.TotalSeconds:F1} s");

        await Eventually.UntilAsync(() => bravo.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Outbound, Status = TelegramStatus.Delivered }),
            n => n == Inbound, TimeSpan.FromMinutes(12), $"all {Inbound} of Bravo's telegrams delivered to Alpha with receipts");
        await Eventually.UntilAsync(() => alpha.Register.CountAsync(new RegisterQuery { Direction = Direction.Outbound, Status = TelegramStatus.Delivered }),
            n => n == Outbound, TimeSpan.FromMinutes(5), $"all {Outbound} of Alpha's telegrams delivered to Bravo with receipts");
        output.WriteLine($"all delivered both ways at {clock.Elapsed.TotalSeconds:F1} s; requests answered: {string.Join(", ", balancer.Answered)}");

        // Both nodes took part before the kill; the survivor answered everything after it.
        Assert.All(beforeKill, n => Assert.True(n > 0, $"each node answered requests before the kill: {string.Join(", ", beforeKill)}"));
        Assert.True(balancer.Answered[0] > beforeKill[0]);
        Assert.Equal(1, second.Kills);

        // Alpha registered each of Bravo's telegrams once, numbered 1..N without a gap, whichever node received it.
        var registered = await AllAsync(alpha, Direction.Inbound, Inbound);
        Assert.Equal(Inbound, registered.Count);
        Assert.Equal(Inbound, registered.Select(t => t.Id).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, Inbound).Select(n => (long)n), registered.Select(t => t.RegistryNumber).Order());
        Assert.Equal(Enumerable.Range(1, Inbound).Select(n => (long)n), registered.Select(t => t.Serial).Order());

        // Bravo received each of Alpha's telegrams once, serials 1..M without a gap, whichever node sent it.
        var received = await AllAsync(bravo.Store, Direction.Inbound, Outbound);
        Assert.Equal(Outbound, received.Count);
        Assert.Equal(Outbound, received.Select(t => t.Id).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, Outbound).Select(n => (long)n), received.Select(t => t.Serial).Order());

        // Alpha's register, written by three processes, is one chain that verifies.
        var register = await alpha.Register.ReadRegisterAsync();
        Assert.Equal(Enumerable.Range(1, register.Entries.Count).Select(n => (long)n), register.Entries.Select(e => e.Position));
        var report = RegisterVerifier.Verify(register, first.Did, _ => null);
        Assert.True(report.Ok, report.First?.ToString());
        Assert.Equal(Inbound, register.Entries.Count(e => e.Kind == RegisterKinds.TelegramIn));
        Assert.Equal(Outbound, register.Entries.Count(e => e.Kind == RegisterKinds.TelegramOut));
        Assert.Equal(Outbound, register.Entries.Count(e => e.Kind == RegisterKinds.Delivery));
    }

    [Fact]
    public async Task An_event_stream_on_one_node_shows_a_telegram_registered_by_the_other()
    {
        int unused = LoadBalancer.FreePort();
        await using var first = await AgencyProcess.InitNodeAsync("Alpha", $"http://127.0.0.1:{unused}/didcomm", PostgresEnvironment,
            [.. NodeSettings, "Delivery:NodeId=node-1"]);
        await using var second = first.AnotherNode("Delivery:NodeId=node-2");
        await using var bravo = await TestAgency.StartAsync("Bravo", TestAgency.FastDelivery);
        await using var alpha = new PostgresStore(Database.ConnectionString);
        await alpha.Ties.SaveTieAsync(TieWith(bravo.Did, "Bravo", bravo.Identity.Endpoint));

        // Bravo posts to the second node only; the stream is read from the first.
        await bravo.Store.Ties.SaveTieAsync(TieWith(first.Did, "Alpha", $"http://127.0.0.1:{second.Port}/didcomm"));
        await first.StartAsync();
        await second.StartAsync();
        var (token, hash) = PasswordHasher.NewToken();
        await alpha.Sessions.AddTokenAsync(new ApiToken(hash, "admin", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1)));

        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{first.Port}/api/events"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        response.EnsureSuccessStatusCode();
        using var stream = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));
        Assert.Equal(": connected", await stream.ReadLineAsync(deadline.Token));

        // The first node listens for the others' events once its dispatcher runs: send until the stream shows one (bounded).
        var sent = new HashSet<string>(StringComparer.Ordinal);
        var reading = Task.Run(() => NextEventAsync(stream, "telegram.registered", deadline.Token));
        for (int i = 1; !reading.IsCompleted; i++)
        {
            var record = await bravo.Agency.Telegrams.ReleaseAsync(Draft(first.Did, i, 0), "officer", deadline.Token);
            sent.Add(record.Id.ToString());
            await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(1), deadline.Token));
        }

        string? shown = await reading;
        Assert.NotNull(shown);
        Assert.Contains(sent, id => shown.Contains(id, StringComparison.Ordinal));
        Assert.Contains(bravo.Did, shown, StringComparison.Ordinal);

        // The registration is counted in the metrics of the node that registered it, not in every node's.
        using var metrics = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{first.Port}/metrics"));
        metrics.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var scraped = await http.SendAsync(metrics, deadline.Token);
        scraped.EnsureSuccessStatusCode();
        Assert.DoesNotContain("telex_registrations_total", await scraped.Content.ReadAsStringAsync(deadline.Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_stream_on_one_node_shows_a_delivery_whose_receipt_the_other_node_took()
    {
        int unused = LoadBalancer.FreePort();
        await using var first = await AgencyProcess.InitNodeAsync("Alpha", $"http://127.0.0.1:{unused}/didcomm", PostgresEnvironment,
            [.. NodeSettings, "Delivery:NodeId=node-1"]);
        await using var second = first.AnotherNode("Delivery:NodeId=node-2");
        await using var bravo = await TestAgency.StartAsync("Bravo", TestAgency.FastDelivery);
        await using var alpha = new PostgresStore(Database.ConnectionString);
        await alpha.Ties.SaveTieAsync(TieWith(bravo.Did, "Bravo", bravo.Identity.Endpoint));

        // Bravo's receipts go to the second node only; the stream is read from the first.
        await bravo.Store.Ties.SaveTieAsync(TieWith(first.Did, "Alpha", $"http://127.0.0.1:{second.Port}/didcomm"));
        await first.StartAsync();
        await second.StartAsync();
        var (token, hash) = PasswordHasher.NewToken();
        await alpha.Sessions.AddTokenAsync(new ApiToken(hash, "admin", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1)));

        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{first.Port}/api/events"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        response.EnsureSuccessStatusCode();
        using var stream = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));
        Assert.Equal(": connected", await stream.ReadLineAsync(deadline.Token));

        // Alpha releases (either node sends); every receipt reaches the second node. Release until the first node's stream
        // reports a delivery (bounded by the deadline).
        using var identity = first.LoadIdentity();
        using var releasing = new Agency(identity, alpha, new NoTransport());
        await using var sharing = new EventSharingRun(releasing);
        var released = new HashSet<string>(StringComparer.Ordinal);
        var reading = Task.Run(() => NextEventAsync(stream, "telegram.delivered", deadline.Token));
        for (int i = 1; !reading.IsCompleted; i++)
        {
            var record = await releasing.Telegrams.ReleaseAsync(Draft(bravo.Did, i, 0), "officer", deadline.Token);
            released.Add(record.Id.ToString());
            await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(1), deadline.Token));
        }

        string? shown = await reading;
        Assert.NotNull(shown);
        Assert.Contains(released, id => shown.Contains(id, StringComparison.Ordinal));
        Assert.Contains(bravo.Did, shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_telegram_filed_where_nothing_dispatches_wakes_the_sleeping_nodes_through_the_database()
    {
        // The nodes recheck the outbox only every ten minutes when nothing wakes them, far beyond the deadline below.
        await using var first = await AgencyProcess.InitNodeAsync("Alpha", $"http://127.0.0.1:{LoadBalancer.FreePort()}/didcomm", PostgresEnvironment,
            [.. NodeSettings, "Delivery:IdleRecheck=00:10:00", "Delivery:NodeId=node-1"]);
        await using var second = first.AnotherNode("Delivery:NodeId=node-2");
        await using var bravo = await TestAgency.StartAsync("Bravo", TestAgency.FastDelivery);
        await using var alpha = new PostgresStore(Database.ConnectionString);
        await alpha.Ties.SaveTieAsync(TieWith(bravo.Did, "Bravo", bravo.Identity.Endpoint));
        await bravo.Store.Ties.SaveTieAsync(TieWith(first.Did, "Alpha", $"http://127.0.0.1:{first.Port}/didcomm"));
        await first.StartAsync();
        await second.StartAsync();

        // The releasing instance dispatches nothing itself (no transport); it shares its events, wakes among them.
        using var identity = first.LoadIdentity();
        using var releasing = new Agency(identity, alpha, new NoTransport());
        await using var sharing = new EventSharingRun(releasing);

        // Both nodes and the releasing instance listen on the database's event channel; the outbox is empty, so the nodes sleep.
        await Eventually.UntilAsync(() => ListenersAsync(Database.ConnectionString), n => n >= 3, TimeSpan.FromSeconds(60),
            "both nodes and the releasing instance listening");
        Assert.Null(await alpha.Outbox.NextDueAsync());

        var sent = await releasing.Telegrams.ReleaseAsync(Draft(bravo.Did, 1, 1), "officer");

        await Eventually.UntilAsync(() => alpha.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound), t => t?.Status == TelegramStatus.Delivered,
            TimeSpan.FromSeconds(30), "delivered by a node the release woke, long before its ten-minute recheck");
        Assert.NotNull(await bravo.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Inbound));
    }

    /// <summary>Connections to the test's database listening for notifications.</summary>
    private static async Task<long> ListenersAsync(string connectionString)
    {
        await using var c = new Npgsql.NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'", c);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>The data line of the next event of <paramref name="kind"/> on an event stream; null when the stream ends.</summary>
    private static async Task<string?> NextEventAsync(StreamReader stream, string kind, CancellationToken ct)
    {
        string? current = null;
        while (await stream.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                current = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && current == kind)
            {
                return line;
            }
        }

        return null;
    }

    /// <summary>
    /// Runs the event sharing of an instance that releases but does not dispatch, as a node would: its wakes reach the
    /// nodes at once, rather than at their next recheck.
    /// </summary>
    private sealed class EventSharingRun : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _running;

        public EventSharingRun(Agency agency) => _running = agency.Workers.EventSharing!.RunAsync(_stop.Token);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _running;
            _stop.Dispose();
        }
    }

    private sealed class NoTransport : ITransport
    {
        public Task<TransportResult> SendAsync(string endpoint, ReadOnlyMemory<byte> packed, CancellationToken ct) =>
            Task.FromResult(new TransportResult(false, 0, "this instance only releases; the nodes send"));
    }
}
