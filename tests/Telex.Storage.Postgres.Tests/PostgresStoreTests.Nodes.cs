using Telex.Core.Register;
using Telex.Core.Storage;

namespace Telex.Storage.Postgres.Tests;

/// <summary>Several stores on one database, as several agency nodes open it: what must stay unique and gap-free does.</summary>
public sealed partial class PostgresStoreTests
{
    [Fact]
    public async Task Four_nodes_registering_and_releasing_at_once_keep_numbers_serials_and_the_chain_gap_free()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        var nodes = new List<ITelexStore> { Store };
        for (int i = 0; i < 3; i++)
        {
            var node = OpenAnother();
            await node.MigrateAsync();
            nodes.Add(node);
        }

        // Every telegram arrives at two nodes at once (a peer retrying through the other node), and releases run alongside.
        var ids = Enumerable.Range(0, 60).Select(_ => Guid.NewGuid()).ToArray();
        var work = new List<Task>();
        for (int i = 0; i < ids.Length; i++)
        {
            var id = ids[i];
            long serial = i + 1;
            foreach (var node in new[] { nodes[i % 4], nodes[(i + 1) % 4] })
            {
                work.Add(Task.Run(() => node.Telegrams.RegisterInboundAsync(id, (n, at) => InboundRecord(id, Bravo, serial, n, at))));
            }

            var releaser = nodes[(i + 2) % 4];
            work.Add(Task.Run(() => releaser.Telegrams.ReleaseAsync(Alpha, s =>
            {
                var record = OutboundRecord(Alpha, s, Now);
                return (record, OutboxItemFor(record, Now));
            })));
        }

        await Task.WhenAll(work);

        var inbound = await Store.Register.QueryAsync(new RegisterQuery { Direction = Direction.Inbound, Limit = 1000 });
        Assert.Equal(ids.Length, inbound.Count);
        Assert.Equal(Enumerable.Range(1, ids.Length).Select(n => (long)n), inbound.Select(t => t.RegistryNumber).Order());
        var outbound = await Store.Register.QueryAsync(new RegisterQuery { Direction = Direction.Outbound, Limit = 1000 });
        Assert.Equal(Enumerable.Range(1, ids.Length).Select(n => (long)n), outbound.Select(t => t.Serial).Order());
        Assert.Equal(ids.Length, (await nodes[3].Ties.GetTieAsync(Alpha))!.LastSentSerial);

        var register = await nodes[2].Register.ReadRegisterAsync();
        Assert.Equal(Enumerable.Range(1, register.Entries.Count).Select(n => (long)n), register.Entries.Select(e => e.Position));
        Assert.Equal(2 * ids.Length, register.Entries.Count(e => e.Kind is RegisterKinds.TelegramIn or RegisterKinds.TelegramOut));
        Assert.True(RegisterVerifier.Verify(register, Charlie, _ => null).Ok);
    }

    [Fact]
    public async Task One_receipt_given_to_two_nodes_at_once_is_recorded_once()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        var other = OpenAnother();
        var (sent, _) = await ReleaseToAsync(Alpha);

        var results = await Task.WhenAll(
            Task.Run(() => Store.Telegrams.MarkDeliveredAsync(sent.Id, [1, 2], 7, Now)),
            Task.Run(() => other.Telegrams.MarkDeliveredAsync(sent.Id, [1, 2], 7, Now)));

        Assert.All(results, Assert.True);
        var register = await Store.Register.ReadRegisterAsync();
        Assert.Single(register.Entries, e => e.Kind == RegisterKinds.Delivery);
        Assert.Empty(await Store.Outbox.OutboxDepthAsync());
    }

    [Fact]
    public async Task Two_nodes_claiming_the_outbox_never_claim_one_item_twice()
    {
        var other = OpenAnother();
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        for (int i = 0; i < 60; i++)
        {
            await ReleaseToAsync(Alpha);
        }

        async Task<List<Guid>> ClaimAllAsync(ITelexStore store, string node)
        {
            var mine = new List<Guid>();
            for (int round = 0; round < 60; round++)
            {
                var claimed = await store.Outbox.ClaimDueAsync(Now, 2, TimeSpan.FromMinutes(1), node);
                if (claimed.Count == 0)
                {
                    break;
                }

                mine.AddRange(claimed.Select(c => c.Id));
            }

            return mine;
        }

        var claims = await Task.WhenAll(Task.Run(() => ClaimAllAsync(Store, "node-a")), Task.Run(() => ClaimAllAsync(other, "node-b")));

        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(60, all.Count);
        Assert.Equal(60, all.Distinct().Count());
    }

    [Fact]
    public async Task Events_announced_by_one_node_reach_the_other_nodes_listening_with_the_node_that_raised_them()
    {
        var other = OpenAnother();
        var heard = System.Threading.Channels.Channel.CreateUnbounded<(string Node, Telex.Core.AgencyEvent Event)>();
        using var stop = new CancellationTokenSource();
        var listening = ((ISharedEvents)other).ListenEventsAsync((node, e) => heard.Writer.WriteAsync((node, e)), stop.Token);
        var sent = new Telex.Core.AgencyEvent("telegram.delivered", Alpha, Guid.NewGuid(), Start) { SinceRelease = TimeSpan.FromMilliseconds(1234) };
        var second = new Telex.Core.AgencyEvent("tie.established", Bravo, null, Start + TimeSpan.FromSeconds(1));

        // The listener may not have issued LISTEN yet: announce until it hears (bounded), then check what it heard.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        (string Node, Telex.Core.AgencyEvent Event) first;
        while (true)
        {
            await ((ISharedEvents)Store).PublishEventsAsync("node-a", [sent, second]);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
            wait.CancelAfter(TimeSpan.FromMilliseconds(500));
            try
            {
                first = await heard.Reader.ReadAsync(wait.Token);
                break;
            }
            catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
            {
            }
        }

        var next = await heard.Reader.ReadAsync(deadline.Token);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => listening);

        Assert.Equal("node-a", first.Node);
        Assert.Equal(sent, first.Event);
        Assert.Equal(second, next.Event);
    }
}
