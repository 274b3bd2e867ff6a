using System.Diagnostics;
using System.Security.Cryptography;

using Telex.Cli.Demo;
using Telex.Core.Model;

namespace Telex.Cli.Bench;

/// <summary>What <c>telex bench</c> was asked to do.</summary>
internal sealed record BenchSettings
{
    public int Count { get; init; } = 10_000;

    public int Size { get; init; } = 1024;

    /// <summary>Closed loop: telegrams in flight at once (released, verified receipt not yet back).</summary>
    public int Window { get; init; } = 100;

    public double? Rate { get; init; }

    /// <summary>Telegrams one release request carries at most: 1, <c>POST /api/telegrams</c>; more, <c>POST /api/telegrams/batch</c>.</summary>
    public int Batch { get; init; } = 1;

    public int Warmup { get; init; } = 500;

    public long RegisterScale { get; init; }

    public IReadOnlyList<string> Settings { get; init; } = [];
}

/// <summary>One agency's figures.</summary>
internal sealed record AgencyFigures(string Name, double StartSeconds, long IdleRssBytes, long PeakRssBytes, double CpuSeconds);

/// <summary>The register-scale part: search latency and send throughput with a large register.</summary>
internal sealed record ScaleFigures(long Entries, double FillSeconds, double RestartSeconds, Latency Search, int Queries, LoadResult Load, double ThroughputRatio);

/// <summary>Everything one run measured.</summary>
internal sealed record BenchReport(
    BenchSettings Settings,
    string Machine,
    DateTimeOffset Date,
    CryptoFloor Floor,
    LoadResult Load,
    AgencyFigures Sender,
    AgencyFigures Receiver,
    double WireBytesPerTelegram,
    double CpuUsPerTelegram,
    ScaleFigures? Scale)
{
    /// <summary>Measured CPU per telegram (both agencies) ÷ the crypto floor.</summary>
    public double FloorRatio => CpuUsPerTelegram / Floor.TotalUs;
}

/// <summary>
/// <c>telex bench</c>: two agencies as separate <c>telex serve</c> processes on loopback with a verified tie; telegrams
/// released at the first through its client API and followed until their verified receipts arrive back.
/// </summary>
internal sealed class LoadBenchmark(BenchSettings settings, Action<string> status)
{
    /// <summary>The receiver's federation counter of received bytes (both directions summed over the two agencies).</summary>
    private const string WireCounter = "telex_federation_received_bytes_total";

    /// <summary>Full-text queries of the register-scale mode: common and rare words, conjunctions of two and three, a prefix.</summary>
    public static readonly string[] Queries =
    [
        "agency", "premature", "grain shipment", "railway schedule", "treaty border minister", "archiv*", "harbour consulate",
        "entry77777", "delegation reply",
    ];

    public async Task<BenchReport> RunAsync(string root, CancellationToken ct)
    {
        status("Measuring the crypto floor…");
        var floor = CryptoFloor.Measure(settings.Size);

        status("Creating two agencies…");
        await using var a = await BenchAgency.CreateAsync(root, "Alpha", settings.Settings, ct).ConfigureAwait(false);
        await using var b = await BenchAgency.CreateAsync(root, "Bravo", settings.Settings, ct).ConfigureAwait(false);
        status("Starting them as separate processes…");
        var startA = await a.StartAsync(ct).ConfigureAwait(false);
        var startB = await b.StartAsync(ct).ConfigureAwait(false);
        var idleA = a.Sample();
        var idleB = b.Sample();

        int connections = settings.Rate is null ? Math.Min(settings.Window, 256) : 256;
        using var clientA = new BenchClient(a.Url, connections);
        using var clientB = new BenchClient(b.Url, 4);
        await clientA.SignInAsync(AgencyFolder.FirstOfficer, BenchAgency.Password, ct).ConfigureAwait(false);
        await clientB.SignInAsync(AgencyFolder.FirstOfficer, BenchAgency.Password, ct).ConfigureAwait(false);

        status("Tying them and verifying the tie…");
        string code = await clientA.InviteAsync(ct).ConfigureAwait(false);
        await clientB.AcceptAsync(code, ct).ConfigureAwait(false);
        await DemoNetwork.UntilAsync(async () => await clientA.TieStatusAsync(b.Did, ct).ConfigureAwait(false) == "established"
            && await clientB.TieStatusAsync(a.Did, ct).ConfigureAwait(false) == "established", "the tie is established", ct).ConfigureAwait(false);
        await clientA.VerifyAsync(b.Did, ct).ConfigureAwait(false);
        await clientB.VerifyAsync(a.Did, ct).ConfigureAwait(false);

        var watch = new DeliveryWatch();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var follow = clientA.FollowEventsAsync(watch.OnEvent, connected, stop.Token);
        await Task.WhenAny(connected.Task, follow).ConfigureAwait(false);
        if (follow.IsFaulted)
        {
            await follow.ConfigureAwait(false);
        }

        try
        {
            if (settings.Warmup > 0)
            {
                await PhaseAsync(clientA, b.Did, watch, "warm-up", settings.Warmup, null, ct).ConfigureAwait(false);
            }

            var cpuA0 = a.Sample().Cpu;
            var cpuB0 = b.Sample().Cpu;
            double wire0 = await clientA.CounterAsync(WireCounter, ct).ConfigureAwait(false) + await clientB.CounterAsync(WireCounter, ct).ConfigureAwait(false);
            var load = await PhaseAsync(clientA, b.Did, watch, "load", settings.Count, settings.Rate, ct).ConfigureAwait(false);
            var endA = a.Sample();
            var endB = b.Sample();
            double wire1 = await clientA.CounterAsync(WireCounter, ct).ConfigureAwait(false) + await clientB.CounterAsync(WireCounter, ct).ConfigureAwait(false);
            double cpuA = (endA.Cpu - cpuA0).TotalSeconds;
            double cpuB = (endB.Cpu - cpuB0).TotalSeconds;

            ScaleFigures? scale = null;
            if (settings.RegisterScale > 0)
            {
                scale = await RegisterScaleAsync(b, clientA, watch, load, ct).ConfigureAwait(false);
            }

            // Measured again now the agencies are idle; anything else on the machine can only make it look slower, so
            // the lower of the two is the floor.
            status("Measuring the crypto floor again…");
            var again = CryptoFloor.Measure(settings.Size);
            if (again.TotalUs < floor.TotalUs)
            {
                floor = again;
            }

            return new BenchReport(settings, Machine(), DateTimeOffset.UtcNow, floor, load,
                new AgencyFigures(a.Name, startA.TotalSeconds, idleA.Rss, Math.Max(endA.PeakRss, a.Sample().PeakRss), cpuA),
                new AgencyFigures(b.Name, startB.TotalSeconds, idleB.Rss, endB.PeakRss, cpuB),
                load.Delivered > 0 ? (wire1 - wire0) / load.Delivered : 0,
                load.Delivered > 0 ? (cpuA + cpuB) * 1_000_000 / load.Delivered : 0,
                scale);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await follow.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
            {
            }
        }
    }

    private async Task<LoadResult> PhaseAsync(BenchClient sender, string to, DeliveryWatch watch, string phase, int count, double? rate, CancellationToken ct)
    {
        long lastShown = 0;
        var deadline = TimeSpan.FromSeconds(120 + (count / 100.0));
        return await LoadRun.RunAsync(sender, to, watch, phase, new LoadShape(count, settings.Size, settings.Window, rate, settings.Batch), deadline, (released, done) =>
        {
            long now = Stopwatch.GetTimestamp();
            if (now - Interlocked.Read(ref lastShown) > Stopwatch.Frequency / 10 || done == count)
            {
                Interlocked.Exchange(ref lastShown, now);
                status($"{phase}: {released:N0} of {count:N0} released, {done:N0} receipts");
            }
        }, ct).ConfigureAwait(false);
    }

    private async Task<ScaleFigures> RegisterScaleAsync(BenchAgency receiver, BenchClient sender, DeliveryWatch watch, LoadResult empty, CancellationToken ct)
    {
        await receiver.StopAsync().ConfigureAwait(false);
        var fill = Stopwatch.StartNew();
        var options = TelexConfiguration.Load(receiver.Directory, receiver.Settings);
        await using (var store = StorageProvider.Open(receiver.Directory, options, fullSync: false))
        {
            await FillAsync(store, settings.RegisterScale, ct).ConfigureAwait(false);
        }

        fill.Stop();
        status("Restarting the receiver on the large register…");
        var restart = await receiver.StartAsync(ct).ConfigureAwait(false);
        using var clientB = new BenchClient(receiver.Url, 2);
        await clientB.SignInAsync(AgencyFolder.FirstOfficer, BenchAgency.Password, ct).ConfigureAwait(false);

        status("Searching the large register…");
        var searchMs = new List<double>();
        for (int round = 0; round < 6; round++)
        {
            foreach (string q in Queries)
            {
                long t0 = Stopwatch.GetTimestamp();
                await clientB.SearchAsync(q, ct).ConfigureAwait(false);
                if (round > 0)
                {
                    searchMs.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                }
            }
        }

        var load = await PhaseAsync(sender, receiver.Did, watch, "load on the large register", settings.Count, settings.Rate, ct).ConfigureAwait(false);
        return new ScaleFigures(settings.RegisterScale, fill.Elapsed.TotalSeconds, restart.TotalSeconds, Latency.Of(searchMs), searchMs.Count, load,
            empty.PerSecond > 0 ? load.PerSecond / empty.PerSecond : 0);
    }

    /// <summary>Fills the register to <paramref name="target"/> entries of history from an archive counterpart, in large transactions.</summary>
    private async Task FillAsync(Telex.Core.Storage.ITelexStore store, long target, CancellationToken ct)
    {
        const int Batch = 5_000;
        const string Archive = "did:example:telex-bench-archive";
        long have = await store.Register.CountAsync(new Telex.Core.Storage.RegisterQuery(), ct).ConfigureAwait(false);
        byte[] signed = RandomNumberGenerator.GetBytes(CryptoFloor.TelegramJwsBytes(settings.Size));
        var bodies = Enumerable.Range(0, 256).Select(i => LoadRun.Body(settings.Size, 10_000 + i)).ToArray();
        var at = DateTimeOffset.UtcNow.AddYears(-1);
        long serial = 0;
        while (have < target)
        {
            int n = (int)Math.Min(Batch, target - have);
            var records = new TelegramRecord[n];
            for (int i = 0; i < n; i++)
            {
                serial++;
                string body = $"entry{serial} " + bodies[(int)(serial % bodies.Length)];
                records[i] = new TelegramRecord
                {
                    Id = Guid.NewGuid(),
                    Direction = Direction.Inbound,
                    Counterpart = Archive,
                    Serial = serial,
                    RegistryNumber = 0,
                    Status = TelegramStatus.Registered,
                    CreatedAt = at,
                    ReleasedAt = at,
                    RegisteredAt = at,
                    Subject = $"Archive {serial}",
                    Body = body,
                    Precedence = Precedence.Routine,
                    SenderName = "Archive",
                    ContentHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body))),
                    Plaintext = Encoding.UTF8.GetBytes(body),
                    SignedOriginal = signed,
                };
            }

            await StorageProvider.BulkRegisterAsync(store, records, ct).ConfigureAwait(false);
            have += n;
            status($"Filling the receiver's register: {have:N0} of {target:N0}");
        }
    }

    private static string Machine()
    {
        string cpu = "unknown CPU";
        if (File.Exists("/proc/cpuinfo"))
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }

        double gib = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return $"{Environment.ProcessorCount} cores, {gib:0} GiB, {cpu}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}";
    }
}
