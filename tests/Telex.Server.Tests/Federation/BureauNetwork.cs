using Telex.Core.Model;
using Telex.TestKit;

namespace Telex.Server.Tests.Federation;

/// <summary>A founder tied with every member, and a bureau of all of them chartered, accepted and in its last epoch.</summary>
public sealed class BureauNetwork : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private BureauNetwork(TestAgency founder, IReadOnlyList<TestAgency> members, Bureau bureau)
    {
        Founder = founder;
        Members = members;
        Bureau = bureau;
    }

    public TestAgency Founder { get; }

    public IReadOnlyList<TestAgency> Members { get; }

    public Bureau Bureau { get; }

    /// <summary>The founder's current epoch number.</summary>
    public long Epoch => Members.Count + 1;

    /// <summary>Starts the founder and <paramref name="count"/> members, ties each with the founder and makes them all members.</summary>
    public static async Task<BureauNetwork> StartAsync(int count, string name = "Information Bureau")
    {
        var founder = await TestAgency.StartAsync("Founder");
        var members = new List<TestAgency>();
        try
        {
            // Started and tied a few at a time: enough to overlap the waits, few enough for a small machine.
            foreach (var chunk in Enumerable.Range(1, count).Chunk(5))
            {
                var started = await Task.WhenAll(chunk.Select(i => TestAgency.StartAsync($"Member {i:00}")));
                members.AddRange(started);
                await Task.WhenAll(started.Select(m => TestAgency.TieAsync(founder, m)));
            }

            var proposed = await founder.Agency.Bureaus.ProposeBureauAsync(name, "Exchange of information on specific issues as they arise",
                members.Select(m => m.Did).ToList());
            var bureau = await founder.Agency.Bureaus.CharterBureauAsync(proposed.Id);
            await Task.WhenAll(members.Select(async m =>
            {
                await Eventually.UntilAsync(() => m.Store.Bureaus.GetBureauAsync(bureau.Id), b => b is not null, Deadline, $"{m.Identity.Name} holds the charter");
                await m.Agency.Bureaus.AcceptBureauAsync(bureau.Id);
            }));
            long last = count + 1;
            await Eventually.UntilAsync(() => founder.Store.Bureaus.GetBureauAsync(bureau.Id), b => b!.Epoch == last, Deadline, $"the founder opened epoch {last}");
            await Task.WhenAll(members.Select(m => Eventually.UntilAsync(() => m.Store.Bureaus.GetBureauAsync(bureau.Id), b => b!.Epoch == last, Deadline,
                $"{m.Identity.Name} holds epoch {last}")));
            return new BureauNetwork(founder, members, bureau);
        }
        catch
        {
            await Task.WhenAll(members.Select(m => m.DisposeAsync().AsTask()));
            await founder.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Members.Select(m => m.DisposeAsync().AsTask()));
        await Founder.DisposeAsync();
    }
}

/// <summary>Twenty members and their founder, shared by the tests of one class: starting 21 agencies once is enough.</summary>
public sealed class TwentyMemberBureau : IAsyncLifetime
{
    public BureauNetwork Network { get; private set; } = null!;

    public async Task InitializeAsync() => Network = await BureauNetwork.StartAsync(20);

    public async Task DisposeAsync() => await Network.DisposeAsync();
}
