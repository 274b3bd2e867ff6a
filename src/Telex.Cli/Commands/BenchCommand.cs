using Telex.Cli.Bench;

namespace Telex.Cli.Commands;

/// <summary><c>telex bench</c>: the end-to-end load benchmark between two agency processes on loopback.</summary>
internal static class BenchCommand
{
    public static Command Create(Globals globals)
    {
        var count = Positive("--count", "Telegrams to send in the measured phase", 10_000, 1, 10_000_000, "-n");
        var size = Positive("--size", "Bytes of body text per telegram", 1024, 1, 1_000_000);
        var window = Positive("--window", "Closed loop: telegrams in flight at once, released and their verified receipt not yet back", 100, 1, 4096, "-w");
        var batch = Positive("--batch", "Telegrams one release request carries at most (more than 1: the batch release API)", 1, 1,
            Telex.Api.Contracts.SendTelegramBatchRequest.MaxTelegrams);
        var warmup = Positive("--warmup", "Telegrams sent before measuring", 500, 0, 1_000_000);
        var rate = new Option<double?>("--rate")
        {
            Description = "Open loop: release this many telegrams per second whatever the agency does, and measure latency at that load",
            HelpName = "PER_SECOND",
        };
        rate.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double?>() is { } v && (v <= 0 || v > 100_000))
            {
                r.AddError("--rate must be between 0 and 100000 per second");
            }
        });
        var scale = new Option<long>("--register-scale")
        {
            Description = "Also fill the receiver's register to this many entries, then measure search latency and the load again",
            HelpName = "ENTRIES",
        };
        scale.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long>() is < 0 or > 100_000_000)
            {
                r.AddError("--register-scale must be between 0 and 100000000");
            }
        });
        var data = new Option<string?>("--data", "-d")
        {
            Description = "Folder for the two agencies (default a new temporary folder, removed afterwards)",
            HelpName = "DIR",
        };
        var set = Globals.Set();
        var command = new Command("bench", "Measure throughput, latency, CPU and memory of two agencies exchanging telegrams on loopback")
        {
            count, size, window, batch, rate, warmup, scale, data, set,
        };
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            var settings = new BenchSettings
            {
                Count = parse.GetValue(count),
                Size = parse.GetValue(size),
                Window = parse.GetValue(window),
                Batch = parse.GetValue(batch),
                Rate = parse.GetValue(rate),
                Warmup = parse.GetValue(warmup),
                RegisterScale = parse.GetValue(scale),
                Settings = parse.GetValue(set)!,
            };
            string? given = parse.GetValue(data);
            string root = Path.GetFullPath(given ?? Path.Combine(Path.GetTempPath(), "telex-bench-" + Guid.NewGuid().ToString("N")[..8]));
            if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
            {
                throw new CliException(ExitCodes.Conflict, $"{root} is not empty; the benchmark creates its agencies in an empty or new folder");
            }

            BenchReport report;
            try
            {
                report = await terminal.WithStatusAsync("Starting…", progress =>
                    new LoadBenchmark(settings, terminal.Json ? _ => { }
                : Throttle(terminal, progress)).RunAsync(root, ct)).ConfigureAwait(false);
            }
            finally
            {
                if (given is null && Directory.Exists(root))
                {
                    Directory.Delete(root, recursive: true);
                }
            }

            if (terminal.Json)
            {
                terminal.WriteJson(Json(report));
            }
            else
            {
                Print(terminal, report);
            }

            return report.Load.Delivered == report.Load.Released && report.Load.Released == settings.Count ? ExitCodes.Ok : ExitCodes.Unexpected;
        });
        return command;
    }

    /// <summary>When the output is not a terminal, progress goes to stderr as plain lines, at most one a second.</summary>
    private static Action<string> Throttle(Terminal terminal, Action<string> progress)
    {
        if (!terminal.Redirected)
        {
            return progress;
        }

        long last = 0;
        return line =>
        {
            long now = Environment.TickCount64;
            if (now - last >= 1000)
            {
                last = now;
                terminal.Stderr.WriteLine(line);
            }
        };
    }

    private static Option<int> Positive(string name, string description, int value, int min, int max, string? alias = null)
    {
        var option = alias is null ? new Option<int>(name) : new Option<int>(name, alias);
        option.Description = $"{description} (default {value})";
        option.DefaultValueFactory = _ => value;
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < min || r.GetValueOrDefault<int>() > max)
            {
                r.AddError($"{name} must be between {min} and {max}");
            }
        });
        return option;
    }

    internal static JsonNode Json(BenchReport r)
    {
        var node = new JsonObject
        {
            ["date"] = r.Date,
            ["machine"] = r.Machine,
            ["settings"] = new JsonObject
            {
                ["count"] = r.Settings.Count,
                ["size"] = r.Settings.Size,
                ["window"] = r.Settings.Window,
                ["batch"] = r.Settings.Batch,
                ["rate"] = r.Settings.Rate,
                ["warmup"] = r.Settings.Warmup,
                ["registerScale"] = r.Settings.RegisterScale,
            },
            ["load"] = Load(r.Load),
            ["cpuUsPerTelegram"] = Round(r.CpuUsPerTelegram),
            ["wireBytesPerTelegram"] = Round(r.WireBytesPerTelegram),
            ["cryptoFloor"] = new JsonObject
            {
                ["signUs"] = Round(r.Floor.SignUs),
                ["verifyUs"] = Round(r.Floor.VerifyUs),
                ["keyGenUs"] = Round(r.Floor.KeyGenUs),
                ["agreeUs"] = Round(r.Floor.AgreeUs),
                ["aesTelegramUs"] = Round(r.Floor.AesTelegramUs),
                ["aesReceiptUs"] = Round(r.Floor.AesReceiptUs),
                ["totalUs"] = Round(r.Floor.TotalUs),
                ["ratio"] = Round(r.FloorRatio),
            },
            ["agencies"] = new JsonArray(Agency(r.Sender, "sender"), Agency(r.Receiver, "receiver")),
        };
        if (r.Scale is { } s)
        {
            node["registerScale"] = new JsonObject
            {
                ["entries"] = s.Entries,
                ["fillSeconds"] = Round(s.FillSeconds),
                ["restartSeconds"] = Round(s.RestartSeconds),
                ["searchMs"] = Percentiles(s.Search),
                ["searches"] = s.Queries,
                ["load"] = Load(s.Load),
                ["throughputRatio"] = Round(s.ThroughputRatio),
            };
        }

        return node;

        static JsonObject Load(LoadResult l) => new()
        {
            ["released"] = l.Released,
            ["delivered"] = l.Delivered,
            ["failed"] = l.Failed,
            ["seconds"] = Round(l.Seconds),
            ["perSecond"] = Round(l.PerSecond),
            ["latencyMs"] = Percentiles(l.Latency),
        };

        static JsonObject Percentiles(Latency l) => new()
        {
            ["p50"] = Round(l.P50),
            ["p95"] = Round(l.P95),
            ["p99"] = Round(l.P99),
            ["max"] = Round(l.Max),
        };

        static JsonObject Agency(AgencyFigures a, string role) => new()
        {
            ["name"] = a.Name,
            ["role"] = role,
            ["startSeconds"] = Round(a.StartSeconds),
            ["idleRssMb"] = Round(a.IdleRssBytes / 1048576.0),
            ["peakRssMb"] = Round(a.PeakRssBytes / 1048576.0),
            ["cpuSeconds"] = Round(a.CpuSeconds),
        };
    }

    private static double Round(double v) => Math.Round(v, 3);

    private static void Print(Terminal terminal, BenchReport r)
    {
        var s = r.Settings;
        string load = s.Rate is { } rate ? $"open loop at {rate:N0}/s" : $"{s.Window} in flight";
        string batch = s.Batch > 1 ? $", up to {s.Batch} a release request" : "";
        terminal.Line($"{s.Count:N0} telegrams of {s.Size:N0} bytes, {load}{batch}; {r.Machine}; {Terminal.Time(r.Date)}");
        static string F(double v, string format = "N1") => v.ToString(format, CultureInfo.InvariantCulture);
        var l = r.Load;
        var rows = new List<IReadOnlyList<string?>>
        {
            new[] { "delivered (verified receipts)", $"{l.Delivered:N0} of {l.Released:N0}" + (l.Failed > 0 ? $", {l.Failed:N0} failed" : "") },
            new[] { "throughput", $"{F(l.PerSecond)} telegrams/s over {F(l.Seconds, "N2")} s" },
            new[] { "latency p50 / p95 / p99 / max", $"{F(l.Latency.P50, "N2")} / {F(l.Latency.P95, "N2")} / {F(l.Latency.P99, "N2")} / {F(l.Latency.Max, "N2")} ms" },
            new[] { "CPU per telegram (both agencies)", $"{F(r.CpuUsPerTelegram)} µs" },
            new[] { "crypto floor per telegram and receipt", $"{F(r.Floor.TotalUs)} µs (sign {F(r.Floor.SignUs)}, verify {F(r.Floor.VerifyUs)}, keygen {F(r.Floor.KeyGenUs)}, agree {F(r.Floor.AgreeUs)}, AES-GCM {F(r.Floor.AesTelegramUs)}+{F(r.Floor.AesReceiptUs)})" },
            new[] { "CPU ÷ crypto floor", F(r.FloorRatio, "N2") },
            new[] { "bytes on the wire per telegram", $"{F(r.WireBytesPerTelegram, "N0")} (telegram and receipt, HTTP bodies)" },
        };
        foreach (var a in new[] { r.Sender, r.Receiver })
        {
            rows.Add([$"{a.Name}: start to serving", $"{F(a.StartSeconds * 1000, "N0")} ms"]);
            rows.Add([$"{a.Name}: RSS idle / peak", $"{F(a.IdleRssBytes / 1048576.0)} / {F(a.PeakRssBytes / 1048576.0)} MB"]);
            rows.Add([$"{a.Name}: CPU during the load", $"{F(a.CpuSeconds, "N2")} s"]);
        }

        if (r.Scale is { } sc)
        {
            rows.Add([$"register of {sc.Entries:N0}: fill / restart", $"{F(sc.FillSeconds)} s / {F(sc.RestartSeconds * 1000, "N0")} ms"]);
            rows.Add(["search p50 / p95 / p99 / max", $"{F(sc.Search.P50, "N2")} / {F(sc.Search.P95, "N2")} / {F(sc.Search.P99, "N2")} / {F(sc.Search.Max, "N2")} ms ({sc.Queries} searches)"]);
            rows.Add(["throughput with it", $"{F(sc.Load.PerSecond)} telegrams/s ({F(sc.ThroughputRatio * 100)} % of the empty register's)"]);
            rows.Add(["latency with it p50 / p99", $"{F(sc.Load.Latency.P50, "N2")} / {F(sc.Load.Latency.P99, "N2")} ms"]);
        }

        terminal.Table(["figure", "value"], rows);
    }
}
