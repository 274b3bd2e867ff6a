using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

using Telex.Core;
using Telex.Core.Model;
using Telex.Core.Relay;
using Telex.Core.Security;
using Telex.Core.Storage;

namespace Telex.TestKit.Faults;

/// <summary>
/// The fault suite: four agencies as separate <c>telex serve</c> processes — a sender (Alpha), a receiver tied with it
/// (Bravo), a relay (Relay) and a receiver reached only through the relay (Charlie) — with a steady load of telegrams
/// submitted through Alpha's client API, while faults strike at points spread over the load: SIGKILL of the sender, a
/// receiver or the relay (restarted at once), outages (a receiver or the relay killed and kept down a while), and a full
/// disk (Alpha's or Bravo's data folder is a tmpfs the suite mounts and fills). Afterwards every telegram the sender
/// released is looked for at its receiver (exactly once, serials and registry numbers gap-free) and with its receipt at
/// the sender, every submission the API accepted must be in the sender's register, and every register must verify.
/// </summary>
public sealed class FaultSuite : IAsyncDisposable
{
    private const string Sender = "sender";
    private const string Receiver = "receiver";
    private const string Relay = "relay";

    private static readonly TieTerms Terms = TieTerms.Default with { Relays = true, MaxRetryInterval = TimeSpan.FromSeconds(2) };

    private readonly FaultPlan _plan;
    private readonly Random _random;
    private readonly string _root;
    private readonly List<Tmpfs> _mounts = [];
    private readonly List<AgencyProcess> _agencies = [];
    private readonly ConcurrentBag<Attempt> _attempts = [];
    private readonly Dictionary<string, int> _kills = new(StringComparer.Ordinal) { [Sender] = 0, [Receiver] = 0, [Relay] = 0 };
    private readonly Dictionary<string, int> _diskFull = new(StringComparer.Ordinal) { [Sender] = 0, [Receiver] = 0 };
    private int _accepted;
    private int _outages;
    private TimeSpan _outageTime;
    private HttpClient? _api;

    private FaultSuite(FaultPlan plan)
    {
        _plan = plan;
        _random = new Random(plan.Seed);
        _root = Path.Combine(Path.GetTempPath(), "telex-faults-" + Guid.NewGuid().ToString("N")[..12]);
    }

    private AgencyProcess Alpha => _agencies[0];

    private AgencyProcess Bravo => _agencies[1];

    private AgencyProcess RelayAgency => _agencies[2];

    private AgencyProcess Charlie => _agencies[3];

    /// <summary>Sets up the four agencies, runs the plan and returns the figures. Needs root (it mounts tmpfs).</summary>
    public static async Task<FaultFigures> RunAsync(FaultPlan plan, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        await using var suite = new FaultSuite(plan);
        await suite.SetUpAsync().ConfigureAwait(false);
        return await suite.RunAsync(ct).ConfigureAwait(false);
    }

    private void Say(string line) => _plan.Progress?.Invoke($"[{DateTime.UtcNow:HH:mm:ss}] {line}");

    private async Task SetUpAsync()
    {
        Directory.CreateDirectory(_root);
        var alphaDisk = await Tmpfs.MountAsync(Path.Combine(_root, "alpha"), _plan.TmpfsBytes).ConfigureAwait(false);
        _mounts.Add(alphaDisk);
        var bravoDisk = await Tmpfs.MountAsync(Path.Combine(_root, "bravo"), _plan.TmpfsBytes).ConfigureAwait(false);
        _mounts.Add(bravoDisk);
        _agencies.Add(await AgencyProcess.InitInAsync(alphaDisk.Directory, "Alpha", AgencyProcess.CrashSettings).ConfigureAwait(false));
        _agencies.Add(await AgencyProcess.InitInAsync(bravoDisk.Directory, "Bravo", AgencyProcess.CrashSettings).ConfigureAwait(false));
        _agencies.Add(await AgencyProcess.InitInAsync(Path.Combine(_root, "relay"), "Relay", AgencyProcess.CrashSettings).ConfigureAwait(false));
        _agencies.Add(await AgencyProcess.InitInAsync(Path.Combine(_root, "charlie"), "Charlie", AgencyProcess.CrashSettings).ConfigureAwait(false));
        foreach (var agency in _agencies)
        {
            agency.ServeArguments = ["--log-level", _plan.LogLevel];
        }

        // The ties as officers would have made them: Alpha–Bravo direct, Alpha–Relay–Charlie through the relay.
        string token;
        await using (var a = Alpha.OpenStore())
        {
            await a.Ties.SaveTieAsync(TieWith(Bravo)).ConfigureAwait(false);
            await a.Ties.SaveTieAsync(TieWith(RelayAgency)).ConfigureAwait(false);
            (token, string hash) = PasswordHasher.NewToken();
            await a.Sessions.AddTokenAsync(new ApiToken(hash, "admin", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(7))).ConfigureAwait(false);
        }

        await using (var b = Bravo.OpenStore())
        {
            await b.Ties.SaveTieAsync(TieWith(Alpha)).ConfigureAwait(false);
        }

        await using (var r = RelayAgency.OpenStore())
        {
            await r.Ties.SaveTieAsync(TieWith(Alpha)).ConfigureAwait(false);
            await r.Ties.SaveTieAsync(TieWith(Charlie)).ConfigureAwait(false);
            await r.Settings.SetSettingAsync(RelayService.PolicySetting, new RelayPolicy { Pairs = [RelayPair.Of(Alpha.Did, Charlie.Did)] }.ToJson()).ConfigureAwait(false);
        }

        await using (var c = Charlie.OpenStore())
        {
            await c.Ties.SaveTieAsync(TieWith(RelayAgency)).ConfigureAwait(false);
        }

        await Task.WhenAll(_agencies.Select(x => x.StartAsync())).ConfigureAwait(false);
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = _plan.Concurrency + 2, ConnectTimeout = TimeSpan.FromSeconds(5) };
        _api = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{Alpha.Port}"), Timeout = TimeSpan.FromSeconds(30) };
        _api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Say($"four agencies up (seed {_plan.Seed}); data under {_root}");
    }

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

    private async Task<FaultFigures> RunAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var faults = new List<string>();
        faults.AddRange(Enumerable.Repeat("kill", _plan.Kills));
        faults.AddRange(Enumerable.Repeat("outage", _plan.Outages));
        faults.AddRange(Enumerable.Repeat("disk", _plan.DiskFullEpisodes));
        _random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(faults));

        // A disk fills only while telegrams keep coming (SQLite first reuses the room its files already hold), so none of
        // the disk-full episodes comes in the last third, where the load may run out before the disk does.
        for (int i = faults.Count * 2 / 3; i < faults.Count; i++)
        {
            if (faults[i] == "disk" && faults.FindIndex(f => f != "disk") is var j && j >= 0 && j < faults.Count * 2 / 3)
            {
                (faults[i], faults[j]) = (faults[j], faults[i]);
            }
        }

        double step = (double)_plan.Telegrams / (faults.Count + 1);

        // The load may run at most half a step past the next fault's point, so every fault strikes under load however
        // long the faults before it took.
        int allowed = (int)Math.Min(_plan.Telegrams, step * 1.5);
        int next = 0;
        var load = Task.WhenAll(Enumerable.Range(0, _plan.Concurrency).Select(_ => Task.Run(async () =>
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) <= _plan.Telegrams)
            {
                int mine = n;
                await Eventually.UntilAsync(() => Task.FromResult(Volatile.Read(ref allowed)), a => mine <= a, TimeSpan.FromMinutes(30),
                    $"telegram {mine} allowed by the fault schedule", TimeSpan.FromMilliseconds(20)).ConfigureAwait(false);
                await SubmitAsync(n, stop.Token).ConfigureAwait(false);
            }
        }, stop.Token)));

        try
        {
            for (int i = 0; i < faults.Count; i++)
            {
                int target = (int)Math.Min(_plan.Telegrams - 1, (step * (i + 1)) + ((_random.NextDouble() - 0.5) * step * 0.6));
                await Eventually.UntilAsync(() => Task.FromResult(Volatile.Read(ref _accepted)), n => n >= target || load.IsCompleted,
                    TimeSpan.FromMinutes(30), $"fault {i + 1}: {target} telegrams accepted", TimeSpan.FromMilliseconds(50)).ConfigureAwait(false);
                Volatile.Write(ref allowed, i + 1 == faults.Count ? _plan.Telegrams : (int)Math.Min(_plan.Telegrams, step * (i + 2.5)));
                await (faults[i] switch
                {
                    "kill" => KillAsync(i + 1),
                    "outage" => OutageAsync(i + 1),
                    _ => DiskFullAsync(i + 1, () => Volatile.Write(ref allowed, _plan.Telegrams)),
                }).ConfigureAwait(false);
            }

            await load.ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }

        Say($"load done: {_accepted} accepted; faults done; draining");
        var drainClock = Stopwatch.StartNew();
        bool drained;
        await using (var a = Alpha.OpenStore())
        {
            try
            {
                await Eventually.UntilAsync(async () => (
                        All: await a.Register.CountAsync(new RegisterQuery { Direction = Direction.Outbound }).ConfigureAwait(false),
                        Delivered: await a.Register.CountAsync(new RegisterQuery { Direction = Direction.Outbound, Status = TelegramStatus.Delivered }).ConfigureAwait(false)),
                    c => c.All == c.Delivered, _plan.DrainDeadline, "every telegram delivered with its receipt", TimeSpan.FromMilliseconds(250))
                    .ConfigureAwait(false);
                drained = true;
            }
            catch (TimeoutException e)
            {
                Say(e.Message);
                drained = false;
            }
        }

        var drain = drainClock.Elapsed;
        var elapsed = clock.Elapsed;
        Say($"drained in {drain.TotalSeconds:0.0} s: {drained}; checking");
        return await CheckAsync(drain, elapsed).ConfigureAwait(false);
    }

    private sealed record Attempt(int N, int K, string Subject, int Status, Guid? Id);

    /// <summary>Submits telegram <paramref name="n"/> until the API accepts it; every attempt is recorded with its outcome.</summary>
    private async Task SubmitAsync(int n, CancellationToken ct)
    {
        bool relayed = n % 4 < _plan.RelayedOfFour;
        for (int k = 1; ; k++)
        {
            ct.ThrowIfCancellationRequested();
            string subject = string.Create(CultureInfo.InvariantCulture, $"F{n:D7}.{k}");
            var body = new Dictionary<string, object?>
            {
                ["to"] = relayed ? Charlie.Did : Bravo.Did,
                ["subject"] = subject,
                ["body"] = $"Fault suite telegram {n}, attempt {k}: sent while agencies are killed, kept down and starved of disk.",
                ["via"] = relayed ? RelayAgency.Did : null,
            };
            int status;
            Guid? id = null;
            try
            {
                using var response = await _api!.PostAsJsonAsync("/api/telegrams", body, ct).ConfigureAwait(false);
                status = (int)response.StatusCode;
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    using var doc = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false), cancellationToken: ct)
                        .ConfigureAwait(false);
                    id = doc.RootElement.GetProperty("id").GetGuid();
                }
                else if (status == 507)
                {
                    string text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                    if (!text.Contains("storage-full", StringComparison.Ordinal))
                    {
                        status = 1507;   // a 507 without the problem type: recorded as a wrong answer
                    }
                }
            }
            catch (HttpRequestException)
            {
                status = 0;   // no answer: the sender was killed while the request was on its way
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                status = 0;
            }

            _attempts.Add(new Attempt(n, k, subject, status, id));
            if (id is not null)
            {
                Interlocked.Increment(ref _accepted);
                return;
            }

            // Pacing before the next attempt (the sender is restarting, or its disk is full).
            await Task.Delay(100, ct).ConfigureAwait(false);
        }
    }

    private (string Role, AgencyProcess Agency) Pick(bool senderToo)
    {
        int roll = _random.Next(senderToo ? 3 : 2);
        return roll switch
        {
            0 => (Relay, RelayAgency),
            1 => (Receiver, _random.Next(2) == 0 ? Bravo : Charlie),
            _ => (Sender, Alpha),
        };
    }

    private async Task KillAsync(int number)
    {
        var (role, victim) = Pick(senderToo: true);
        await victim.KillAsync().ConfigureAwait(false);
        _kills[role]++;
        await victim.StartAsync().ConfigureAwait(false);
        Say($"fault {number}: killed the {role} ({Path.GetFileName(victim.Directory)}) at {_accepted} accepted; restarted");
    }

    private async Task OutageAsync(int number)
    {
        var (role, victim) = Pick(senderToo: false);
        var down = _plan.OutageMin + ((_plan.OutageMax - _plan.OutageMin) * _random.NextDouble());
        await victim.KillAsync().ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        await Task.Delay(down).ConfigureAwait(false);   // the outage itself: a peer kept down for a random interval
        await victim.StartAsync().ConfigureAwait(false);
        _outages++;
        _outageTime += clock.Elapsed;
        Say($"fault {number}: outage of the {role} ({Path.GetFileName(victim.Directory)}) for {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private async Task DiskFullAsync(int number, Action loadFreely)
    {
        int episode = _diskFull.Values.Sum();
        bool sender = episode % 2 == 0;
        var (role, victim, disk) = sender ? (Sender, Alpha, _mounts[0]) : (Receiver, Bravo, _mounts[1]);
        await disk.FillAsync().ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        loadFreely();
        await Eventually.UntilAsync(() => StorageStateAsync(victim), s => s == "full", TimeSpan.FromSeconds(90),
            $"{Path.GetFileName(victim.Directory)} says its storage is full", TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
        await Task.Delay(_plan.DiskFullHold).ConfigureAwait(false);   // the disk stays full a while under load
        await disk.FreeAsync().ConfigureAwait(false);
        await Eventually.UntilAsync(() => StorageStateAsync(victim), s => s == "ok", TimeSpan.FromSeconds(60),
            $"{Path.GetFileName(victim.Directory)} says its storage accepts writes again", TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
        _diskFull[role]++;
        Say($"fault {number}: disk of the {role} ({Path.GetFileName(victim.Directory)}) full for {clock.Elapsed.TotalSeconds:0.0} s; resumed without a restart");
    }

    /// <summary>What the agency's <c>/health</c> says of its storage ("ok" or "full").</summary>
    public static async Task<string> StorageStateAsync(AgencyProcess agency)
    {
        ArgumentNullException.ThrowIfNull(agency);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{agency.Port}/health")).ConfigureAwait(false));
            return doc.RootElement.GetProperty("storage").GetString() ?? "";
        }
        catch (HttpRequestException)
        {
            return "unreachable";
        }
        catch (TaskCanceledException)
        {
            return "unreachable";
        }
    }

    private static async Task<List<TelegramRecord>> AllAsync(Telex.Storage.Sqlite.SqliteStore store, Direction direction)
    {
        var all = new List<TelegramRecord>();
        for (int offset = 0; ; offset += 1000)
        {
            var page = await store.Register.QueryAsync(new RegisterQuery { Direction = direction, Limit = 1000, Offset = offset }).ConfigureAwait(false);
            all.AddRange(page.Select(t => t with { Plaintext = [], SignedOriginal = [], Body = "" }));
            if (page.Count < 1000)
            {
                return all;
            }
        }
    }

    private async Task<FaultFigures> CheckAsync(TimeSpan drain, TimeSpan elapsed)
    {
        foreach (var agency in _agencies)
        {
            await agency.KillAsync().ConfigureAwait(false);
        }

        var problems = new List<string>();
        int lost = 0, duplicated = 0;
        List<TelegramRecord> sent, atBravo, atCharlie;
        await using (var a = Alpha.OpenStore())
        {
            sent = await AllAsync(a, Direction.Outbound).ConfigureAwait(false);
        }

        await using (var b = Bravo.OpenStore())
        {
            atBravo = await AllAsync(b, Direction.Inbound).ConfigureAwait(false);
        }

        await using (var c = Charlie.OpenStore())
        {
            atCharlie = await AllAsync(c, Direction.Inbound).ConfigureAwait(false);
        }

        // At the sender: every accepted submission released, no refused one released, nothing released twice.
        var sentById = sent.GroupBy(t => t.Id).ToDictionary(g => g.Key, g => g.Count());
        var sentBySubject = sent.GroupBy(t => t.Subject, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var attempts = _attempts.ToList();
        foreach (var attempt in attempts)
        {
            if (attempt.Id is { } id && !sentById.ContainsKey(id))
            {
                lost++;
                problems.Add($"accepted by the API but not in the sender's register: {attempt.Subject} ({id})");
            }
            else if (attempt.Id is null && attempt.Status != 0 && sentBySubject.ContainsKey(attempt.Subject))
            {
                duplicated++;
                problems.Add($"refused by the API ({attempt.Status}) yet released: {attempt.Subject}");
            }

            if (attempt.Id is null && attempt.Status is not (0 or 507))
            {
                problems.Add($"unexpected answer {attempt.Status} to {attempt.Subject}");
            }
        }

        foreach (var id in sentById.Where(kv => kv.Value > 1))
        {
            duplicated++;
            problems.Add($"filed {id.Value} times at the sender: {id.Key}");
        }

        foreach (int n in Enumerable.Range(1, _plan.Telegrams))
        {
            if (!attempts.Any(x => x.N == n && x.Id is not null))
            {
                problems.Add($"telegram {n} was never accepted by the API");
            }
        }

        // At the receivers: each released telegram exactly once, with its receipt back at the sender.
        foreach (var (receiver, inbound, did) in new[] { ("Bravo", atBravo, Bravo.Did), ("Charlie", atCharlie, Charlie.Did) })
        {
            var expected = sent.Where(t => t.Counterpart == did).ToList();
            var registered = inbound.GroupBy(t => t.Id).ToDictionary(g => g.Key, g => g.Count());
            foreach (var t in expected)
            {
                if (!registered.TryGetValue(t.Id, out int times))
                {
                    lost++;
                    problems.Add($"{t.Subject} ({t.Id}) released but not registered at {receiver}");
                }
                else if (times > 1)
                {
                    duplicated++;
                    problems.Add($"{t.Subject} ({t.Id}) registered {times} times at {receiver}");
                }
                else if (t.Status != TelegramStatus.Delivered)
                {
                    lost++;
                    problems.Add($"{t.Subject} ({t.Id}) registered at {receiver} but no receipt at the sender ({t.Status})");
                }
            }

            var expectedIds = expected.Select(t => t.Id).ToHashSet();
            foreach (var t in inbound.Where(t => !expectedIds.Contains(t.Id)))
            {
                duplicated++;
                problems.Add($"{t.Subject} ({t.Id}) registered at {receiver} but never released to it");
            }

            // A repeated serial is a telegram registered twice; a missing one, below the highest, is one never registered.
            var serials = inbound.Select(t => t.Serial).Order().ToList();
            int repeats = serials.Count - serials.Distinct().Count();
            long gaps = serials.Count == 0 ? 0 : serials[^1] - serials.Distinct().Count();
            if (repeats > 0)
            {
                duplicated += repeats;
                problems.Add($"{receiver}: {repeats} serials from the sender registered more than once");
            }

            if (gaps > 0)
            {
                lost += (int)gaps;
                problems.Add($"{receiver}: {gaps} serials from the sender missing below the highest, {serials[^1]}");
            }

            var numbers = inbound.Select(t => t.RegistryNumber).Order().ToList();
            if (!numbers.SequenceEqual(Enumerable.Range(1, numbers.Count).Select(s => (long)s)))
            {
                duplicated++;
                problems.Add($"{receiver}: registry numbers are not 1..{numbers.Count} without gaps or repeats");
            }
        }

        var verified = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var agency in _agencies)
        {
            string name = Path.GetFileName(agency.Directory);
            using var identity = agency.LoadIdentity();
            await using var store = agency.OpenStore();
            using var offline = new Agency(identity, store, new NoTransport());
            var report = await offline.Register.VerifyRegisterAsync().ConfigureAwait(false);
            verified[name] = report.Ok;
            if (!report.Ok)
            {
                problems.Add($"{name}'s register does not verify: {report.First}");
            }
        }

        var logLines = _agencies.Take(2).ToDictionary(x => Path.GetFileName(x.Directory),
            x => CountOf(x.Output, "Storage is full: the agency refuses new work"), StringComparer.Ordinal);
        return new FaultFigures
        {
            Seed = _plan.Seed,
            Sent = sent.Count,
            Direct = sent.Count(t => t.Counterpart == Bravo.Did),
            Relayed = sent.Count(t => t.Counterpart == Charlie.Did),
            RefusedStorageFull = attempts.Count(x => x.Status == 507),
            Ambiguous = attempts.Count(x => x.Status == 0),
            Unexpected = attempts.Count(x => x.Id is null && x.Status is not (0 or 507)),
            Kills = new Dictionary<string, int>(_kills, StringComparer.Ordinal),
            Outages = _outages,
            OutageTime = _outageTime,
            DiskFull = new Dictionary<string, int>(_diskFull, StringComparer.Ordinal),
            DiskFullLogLines = logLines,
            Lost = lost,
            Duplicated = duplicated,
            Problems = problems,
            RegistersVerified = verified,
            Drain = drain,
            Elapsed = elapsed,
        };
    }

    private static int CountOf(string text, string what)
    {
        int count = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>Kills what still runs, unmounts the tmpfs and deletes the data.</summary>
    public async ValueTask DisposeAsync()
    {
        _api?.Dispose();
        foreach (var agency in _agencies)
        {
            await agency.KillAsync().ConfigureAwait(false);
        }

        foreach (var mount in _mounts)
        {
            await mount.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class NoTransport : ITransport
    {
        public Task<TransportResult> SendAsync(string endpoint, ReadOnlyMemory<byte> packed, CancellationToken ct) =>
            Task.FromResult(new TransportResult(false, 0, "offline"));
    }
}
