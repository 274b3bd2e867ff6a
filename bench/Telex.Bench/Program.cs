using BenchmarkDotNet.Running;

using Telex.Bench;

// `ratio` runs the wire and primitive benchmarks (and, with --breakdown, the steps and pieces) in one run,
// prints how far pack+unpack is from the public-key operations it cannot avoid, then the interleaved
// cross-check. Anything else goes to BenchmarkDotNet's switcher: `--filter '*'`, `--list flat`, and so on.
if (args.Length > 0 && args[0] == "ratio")
{
    return RatioReport.Run(args[1..]);
}

// `soak`: the fault suite's long form (agencies as processes, killed, kept down and starved of disk under load).
if (args.Length > 0 && args[0] == "soak")
{
    return await Soak.RunAsync(args[1..]);
}

// `quick`: only the interleaved cross-check of the ratio, a few seconds, for a loop of change and measure;
// `quick --steps` adds the interleaved breakdown (every step and piece, same rounds).
if (args.Length > 0 && args[0] == "quick")
{
    InterleavedCheck.Run();
    if (args.Contains("--steps"))
    {
        InterleavedSteps.Run();
    }

    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(WireBenchmarks).Assembly).Run(args);
return 0;
