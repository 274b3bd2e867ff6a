using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;

using Perfolizer.Horology;

namespace Telex.Bench;

/// <summary>
/// A short job: one launch, 3 warm-up and 21 measured iterations of 250 ms. The operations measured take tens to
/// hundreds of microseconds, so each iteration still runs a thousand or more of them; the short job keeps the
/// <c>ratio</c> run within a few minutes on the project's 2-core machines.
/// </summary>
public sealed class ShortRunConfig : ManualConfig
{
    public ShortRunConfig()
    {
        AddJob(Job.Default
            .WithId("Short")
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(21)
            .WithIterationTime(TimeInterval.FromMilliseconds(250)));
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
