using Telex.Core.Model;
using Telex.Core.Storage;
using Telex.TestKit;

namespace Telex.Server.Tests.Federation;

public sealed class DeliveryTests
{
    private static TelegramDraft Draft(string to, int i) => new() { To = to, Subject = $"Queued {i}", Body = $"Held while the peer is down ({i})." };

    [Fact]
    public async Task Telegrams_to_a_peer_that_is_down_queue_back_off_and_all_arrive_after_it_returns()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        await b.StopAsync();

        var sent = new List<TelegramRecord>();
        for (int i = 1; i <= 20; i++)
        {
            sent.Add(await a.Agency.ReleaseAsync(Draft(b.Did, i), "officer"));
        }

        // While B is away the telegrams stay queued and are retried with growing delays.
        Assert.Equal(20, await a.Store.CountAsync(new RegisterQuery { Direction = Direction.Outbound, Status = TelegramStatus.Queued }));
        Assert.True((await a.Store.OutboxDepthAsync())[b.Did] >= 20);
        var queued = await a.Store.QueryAsync(new RegisterQuery { Direction = Direction.Outbound });
        Assert.All(queued, t => Assert.Equal(TelegramStatus.Queued, t.Status));

        await b.RestartAsync();

        await Eventually.UntilAsync(() => a.Store.QueryAsync(new RegisterQuery { Direction = Direction.Outbound, Status = TelegramStatus.Delivered }),
            l => l.Count == 20, TimeSpan.FromSeconds(60), "all delivered after B returns");
        var inbound = await b.Store.QueryAsync(new RegisterQuery { Direction = Direction.Inbound, Limit = 100 });
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), inbound.Select(t => t.Serial).Order());
    }

    [Fact]
    public async Task A_telegram_past_its_expiry_is_marked_failed_and_shown_with_the_reason()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        var tie = (await a.Store.GetTieAsync(b.Did))!;
        await a.Store.SaveTieAsync(tie with { Terms = tie.Terms with { Expiry = TimeSpan.FromSeconds(2) } });
        await b.StopAsync();

        var sent = await a.Agency.ReleaseAsync(Draft(b.Did, 1), "officer");

        var failed = await Eventually.UntilAsync(() => a.Store.GetTelegramAsync(sent.Id, Direction.Outbound),
            t => t?.Status == TelegramStatus.Failed, TimeSpan.FromSeconds(30), "marked failed after expiry");
        Assert.Contains("expiry", failed!.FailureReason, StringComparison.Ordinal);
        Assert.Single(await a.Store.QueryAsync(new RegisterQuery { Status = TelegramStatus.Failed }));
    }

    [Fact]
    public async Task A_telegram_too_large_to_deliver_is_refused_at_release_and_nothing_is_queued()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        var attachments = Enumerable.Range(0, 3).Select(i => new TelegramAttachment($"part{i}.bin", "application/octet-stream", new byte[4 * 1024 * 1024])).ToArray();

        var refused = await Assert.ThrowsAsync<Telex.Core.TelexException>(() =>
            a.Agency.ReleaseAsync(new TelegramDraft { To = b.Did, Subject = "Big", Body = "Three parts.", Attachments = attachments }, "officer"));

        Assert.Contains("too large to deliver", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, await a.Store.CountAsync(new RegisterQuery()));
        Assert.Equal(0, (await a.Store.GetTieAsync(b.Did))!.LastSentSerial);
    }
}
