using Telex.Core.Storage;

namespace Telex.Storage.Compliance;

public abstract partial class StoreComplianceTests
{
    [Fact]
    public async Task Concurrent_releases_and_arrivals_all_commit_with_gap_free_serials_and_numbers()
    {
        await Store.Ties.SaveTieAsync(NewTie(Bravo));
        var releases = Enumerable.Range(0, 100).Select(_ => ReleaseToAsync(Bravo));
        var arrivals = Enumerable.Range(1, 100).Select(serial => ReceiveFromAsync(Bravo, serial));

        await Task.WhenAll(releases.Cast<Task>().Concat(arrivals));

        var outbound = await Store.Register.QueryAsync(new RegisterQuery { Direction = Direction.Outbound, Limit = 1000 });
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), outbound.Select(t => t.Serial).Order());
        var inbound = await Store.Register.QueryAsync(new RegisterQuery { Direction = Direction.Inbound, Limit = 1000 });
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), inbound.Select(t => t.RegistryNumber).Order());
        Assert.Equal(100, (await Store.Ties.GetTieAsync(Bravo))!.LastSentSerial);
    }

    [Fact]
    public async Task A_write_that_fails_among_concurrent_writes_leaves_no_trace_and_the_others_commit()
    {
        await Store.Ties.SaveTieAsync(NewTie(Bravo));
        var (_, first) = await ReleaseToAsync(Bravo);

        // Every tenth release reuses an outbox id: its telegram row is written before the outbox row fails, so only
        // a rollback of exactly that write keeps the register whole.
        var attempts = Enumerable.Range(0, 60).Select(i => Task.Run(async () =>
        {
            try
            {
                await Store.Telegrams.ReleaseAsync(Bravo, serial =>
                {
                    var entry = OutboundRecord(Bravo, serial, Now) with { Subject = i % 10 == 0 ? "doomed" : "kept" };
                    var outbox = OutboxItemFor(entry, Now);
                    return (entry, i % 10 == 0 ? outbox with { Id = first.Id } : outbox);
                });
                return true;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return false;
            }
        })).ToList();
        var outcomes = await Task.WhenAll(attempts);

        Assert.Equal(54, outcomes.Count(ok => ok));
        var outbound = await Store.Register.QueryAsync(new RegisterQuery { Direction = Direction.Outbound, Limit = 1000 });
        Assert.DoesNotContain(outbound, t => t.Subject == "doomed");
        Assert.Equal(55, outbound.Count);
        Assert.Equal(Enumerable.Range(1, 55).Select(i => (long)i), outbound.Select(t => t.Serial).Order());
        Assert.Equal(55, (await Store.Ties.GetTieAsync(Bravo))!.LastSentSerial);
        Assert.Equal(55, (await ClaimEverythingDueAsync()).Count);
    }
}
