using System.Globalization;

using Telex.TestKit.Faults;

namespace Telex.Bench;

/// <summary>
/// <c>soak</c>: the fault suite's long form (the engine of <c>FaultSuiteTests</c>, tests/Telex.TestKit/Faults) with the
/// counts given on the command line; prints progress and the figures, and exits 1 if anything was lost or duplicated or
/// a register does not verify. Needs root (it mounts tmpfs) and a Release build of src/Telex.Cli beside this one.
/// </summary>
internal static class Soak
{
    public static async Task<int> RunAsync(string[] args)
    {
        var plan = new FaultPlan
        {
            Telegrams = 100_000,
            Kills = 60,
            Outages = 6,
            DiskFullEpisodes = 4,
            OutageMin = TimeSpan.FromSeconds(2),
            OutageMax = TimeSpan.FromSeconds(10),
            DiskFullHold = TimeSpan.FromSeconds(3),
            TmpfsBytes = 2L << 30,
            DrainDeadline = TimeSpan.FromMinutes(15),
            Progress = Console.WriteLine,
        };
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            int value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            plan = args[i] switch
            {
                "--telegrams" => plan with { Telegrams = value },
                "--kills" => plan with { Kills = value },
                "--outages" => plan with { Outages = value },
                "--disk-full" => plan with { DiskFullEpisodes = value },
                "--concurrency" => plan with { Concurrency = value },
                "--seed" => plan with { Seed = value },
                _ => throw new ArgumentException($"unknown option {args[i]} (--telegrams, --kills, --outages, --disk-full, --concurrency, --seed)"),
            };
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"soak: {plan.Telegrams} telegrams, {plan.Kills} kills, {plan.Outages} outages, {plan.DiskFullEpisodes} disk-full episodes, seed {plan.Seed}"));
        var figures = await FaultSuite.RunAsync(plan).ConfigureAwait(false);
        Console.WriteLine();
        Console.Write(figures.ToString());
        bool ok = figures.Lost == 0 && figures.Duplicated == 0 && figures.Unexpected == 0 && figures.RegistersVerified.Values.All(v => v);
        Console.WriteLine(ok ? "result                 PASS" : "result                 FAIL");
        return ok ? 0 : 1;
    }
}
