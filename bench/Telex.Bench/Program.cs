using BenchmarkDotNet.Running;

using Telex.Bench;

// `ratio` runs the wire and primitive benchmarks (and, with --breakdown, the steps and pieces) in one run,
// prints how far pack+unpack is from the public-key operations it cannot avoid, then the interleaved
// measurements (hot and cold). Anything else goes to BenchmarkDotNet's switcher: `--filter '*'`, `--list flat`, and so on.
if (args.Length > 0 && args[0] == "ratio")
{
    return RatioReport.Run(args[1..]);
}

// `soak`: the fault suite's long form (agencies as processes, killed, kept down and starved of disk under load).
if (args.Length > 0 && args[0] == "soak")
{
    return await Soak.RunAsync(args[1..]);
}

// `quick`: only the interleaved measurements of the ratio, about ten seconds, for a loop of change and measure;
// `quick --steps` adds the interleaved breakdown (every step and piece, same rounds), `--hot-steps` the same in batches of 16.
if (args.Length > 0 && args[0] == "quick")
{
    InterleavedCheck.Run();
    if (args.Contains("--steps"))
    {
        InterleavedSteps.Run(hot: false);
    }

    if (args.Contains("--hot-steps"))
    {
        InterleavedSteps.Run(hot: true);
    }

    return 0;
}

// `loop gcm|cbc [seconds]`: pack+unpack of the telegram over and over (12 s unless told), for a profiler such as
// `DOTNET_PerfMapEnabled=1 perf record -g dotnet bench/Telex.Bench/bin/Release/net10.0/Telex.Bench.dll loop gcm`;
// `loop bound [seconds]` runs the bound's primitives the same way, so that the two profiles can be compared.
if (args.Length > 1 && args[0] == "loop" && args[1] == "bound")
{
    double seconds = args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 12;
    InterleavedCheck.LoopBound(seconds);
    return 0;
}

if (args.Length > 1 && args[0] == "loop")
{
    using var telegram = Telegram.Create();
    var options = telegram.Options(args[1] == "cbc" ? Telex.DidComm.Crypto.ContentEncryption.A256CbcHs512 : Telex.DidComm.Crypto.ContentEncryption.A256Gcm);
    double seconds = args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 12;
    var clock = System.Diagnostics.Stopwatch.StartNew();
    int count = 0;
    while (clock.Elapsed.TotalSeconds < seconds)
    {
        if (!telegram.Bob.Unpack(telegram.Pack(telegram.Messages[count++ & (Telegram.Variants - 1)], options)).Success)
        {
            throw new InvalidOperationException("the telegram did not round-trip");
        }
    }

    Console.WriteLine(FormattableString.Invariant($"{count} round trips in {clock.Elapsed.TotalSeconds:F1} s: {clock.Elapsed.TotalMicroseconds / count:F1} us each"));
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(WireBenchmarks).Assembly).Run(args);
return 0;
