using Telex.Core;
using Telex.Core.Model;
using Telex.TestKit;

namespace Telex.Server.Tests.Federation;

/// <summary>
/// The dispatcher sleeps while nothing is due, and is woken by new work and by the next retry falling due, not by a poll:
/// here its fallback recheck (<see cref="AgencyOptions.IdleRecheck"/>) is ten minutes, far beyond every deadline, so only
/// a wake can deliver in time.
/// </summary>
public sealed class OutboxWakeTests
{
    private static readonly AgencyOptions Sleepy = TestAgency.FastDelivery with { IdleRecheck = TimeSpan.FromMinutes(10) };

    /// <summary>Well under the recheck: a delivery within it was woken, not found by a poll.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static TelegramDraft Draft(string to, string subject) => new() { To = to, Subject = subject, Body = "Sent while the dispatcher slept." };

    [Fact]
    public async Task A_telegram_released_while_the_dispatcher_sleeps_is_delivered_at_once()
    {
        await using var a = await TestAgency.StartAsync("Alpha", Sleepy);
        await using var b = await TestAgency.StartAsync("Bravo", Sleepy);
        await TestAgency.TieAsync(a, b);

        // The tie's messages are gone: nothing is due, and the dispatcher sleeps for its recheck.
        await Eventually.UntilAsync(() => a.Store.Outbox.NextDueAsync(), next => next is null, Deadline, "Alpha's outbox is empty");

        var sent = await a.Agency.Telegrams.ReleaseAsync(Draft(b.Did, "Woken"), "officer");

        await Eventually.UntilAsync(() => a.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound), t => t?.Status == TelegramStatus.Delivered, Deadline,
            "the telegram delivered, long before the dispatcher's recheck");
    }

    [Fact]
    public async Task A_retry_is_made_when_its_backoff_ends_though_nothing_wakes_the_dispatcher()
    {
        // The first retry comes 1 to 2 s after the failed attempt (half to all of the initial delay).
        using var transport = new CountingTransport();
        await using var a = await TestAgency.StartAsync("Alpha", Sleepy with { InitialRetryDelay = TimeSpan.FromSeconds(2) }, transport);
        await using var b = await TestAgency.StartAsync("Bravo", Sleepy);
        await TestAgency.TieAsync(a, b);
        await Eventually.UntilAsync(() => a.Store.Outbox.NextDueAsync(), next => next is null, Deadline, "Alpha's outbox is empty");
        await b.StopAsync();
        int before = transport.SendsTo(b.Identity.Endpoint);

        var sent = await a.Agency.Telegrams.ReleaseAsync(Draft(b.Did, "Retried"), "officer");
        await Eventually.UntilAsync(() => Task.FromResult(transport.SendsTo(b.Identity.Endpoint)), n => n > before, Deadline, "the first attempt, refused");
        var due = (await Eventually.UntilAsync(() => a.Store.Outbox.NextDueAsync(), next => next > DateTimeOffset.UtcNow && next < DateTimeOffset.UtcNow + Deadline,
            Deadline, "the telegram waiting for its backoff"))!.Value;
        await b.RestartAsync();

        // Bravo's return tells Alpha nothing: only the dispatcher waking at the retry's due time delivers it.
        var delivered = await Eventually.UntilAsync(() => a.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound), t => t?.Status == TelegramStatus.Delivered,
            Deadline, "the telegram delivered by its retry");
        Assert.True(delivered!.DeliveredAt >= due, "not sent before its backoff ended");
    }

    /// <summary>The agency's real transport, counting the posts to each endpoint.</summary>
    private sealed class CountingTransport : ITransport, IDisposable
    {
        private readonly GatedTransport _inner = new();
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _sends = new(StringComparer.Ordinal);

        public int SendsTo(string endpoint) => _sends.GetValueOrDefault(endpoint);

        public Task<TransportResult> SendAsync(string endpoint, ReadOnlyMemory<byte> packed, CancellationToken ct)
        {
            _sends.AddOrUpdate(endpoint, 1, (_, n) => n + 1);
            return _inner.SendAsync(endpoint, packed, ct);
        }

        public void Dispose() => _inner.Dispose();
    }
}
