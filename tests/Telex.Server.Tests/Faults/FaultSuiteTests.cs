using Telex.TestKit.Faults;

using Xunit.Abstractions;

namespace Telex.Server.Tests.Faults;

/// <summary>
/// The fault suite's short form (the long one is <c>Telex.Bench soak</c>): four agencies as processes under a steady load,
/// killed, kept down and starved of disk at random points; nothing lost, nothing duplicated, every register verifies.
/// </summary>
public sealed class FaultSuiteTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Telegrams_survive_kills_outages_and_full_disks_of_sender_receiver_and_relay_with_none_lost_or_duplicated()
    {
        var plan = new FaultPlan
        {
            Telegrams = 1200,
            Kills = 8,
            Outages = 2,
            DiskFullEpisodes = 2,
            OutageMin = TimeSpan.FromSeconds(1),
            OutageMax = TimeSpan.FromSeconds(3),
            DiskFullHold = TimeSpan.FromSeconds(1),
            TmpfsBytes = 256L << 20,
            DrainDeadline = TimeSpan.FromMinutes(2),
            Progress = output.WriteLine,
        };
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        var figures = await FaultSuite.RunAsync(plan, deadline.Token);
        output.WriteLine(figures.ToString());

        Assert.Equal(0, figures.Lost);
        Assert.Equal(0, figures.Duplicated);
        Assert.Equal(0, figures.Unexpected);
        Assert.Empty(figures.Problems);
        Assert.True(figures.Sent >= plan.Telegrams, $"{figures.Sent} sent");
        Assert.True(figures.Relayed > 0 && figures.Direct > 0, "both direct and relayed traffic");
        Assert.Equal(plan.Kills, figures.Kills.Values.Sum());
        Assert.Equal(plan.Outages, figures.Outages);
        Assert.Equal(1, figures.DiskFull["sender"]);
        Assert.Equal(1, figures.DiskFull["receiver"]);
        Assert.All(figures.DiskFullLogLines.Values, n => Assert.Equal(1, n));
        Assert.All(figures.RegistersVerified.Values, Assert.True);
        Assert.Equal(4, figures.RegistersVerified.Count);
    }
}
