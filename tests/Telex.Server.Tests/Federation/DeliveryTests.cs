using System.Collections.Concurrent;
using System.Diagnostics;

using Telex.Core;
using Telex.Core.Model;
using Telex.Core.Storage;
using Telex.DidComm;
using Telex.DidComm.Dids;
using Telex.TestKit;

namespace Telex.Server.Tests.Federation;

public sealed class DeliveryTests
{
    private static TelegramDraft Draft(string to, int i) => new() { To = to, Subject = $"Queued {i}", Body = $"Held while the peer is down ({i})." };

    [Fact]
    public async Task Telegrams_to_a_peer_that_is_down_queue_back_off_and_all_arrive_after_it_returns()
    {
        // Retries start at 100 ms and double, with jitter between half and the whole delay.
        var initial = TimeSpan.FromMilliseconds(100);
        using var transport = new AttemptRecorder();
        await using var a = await TestAgency.StartAsync("Alpha", TestAgency.FastDelivery with { InitialRetryDelay = initial }, transport);
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        transport.Watch(b.Identity);
        await b.StopAsync();

        var sent = new List<TelegramRecord>();
        for (int i = 1; i <= 20; i++)
        {
            sent.Add(await a.Agency.Telegrams.ReleaseAsync(Draft(b.Did, i), "officer"));
        }

        // While B is away the telegrams stay queued and are retried with growing delays.
        Assert.Equal(20, await a.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Outbound, Status = TelegramStatus.Queued }));
        Assert.True((await a.Store.Outbox.OutboxDepthAsync())[b.Did] >= 20);
        var queued = await a.Store.Register.QueryAsync(new RegisterQuery { Direction = Direction.Outbound });
        Assert.All(queued, t => Assert.Equal(TelegramStatus.Queued, t.Status));

        // Each telegram's attempts, as the transport saw them: the k-th wait is at least half of 100 ms × 2^k (the
        // outbox never sends before an item is due; a busy machine only makes waits longer), so the waits grow.
        var attempts = await Eventually.UntilAsync(() => Task.FromResult(transport.AttemptsAt(sent[0].Id)), t => t.Count >= 8,
            TimeSpan.FromSeconds(60), "eight attempts at the first telegram while Bravo is down");
        var gaps = attempts.Zip(attempts.Skip(1), (x, y) => y - x).ToList();
        for (int k = 0; k < gaps.Count; k++)
        {
            var floor = initial * (0.5 * Math.Pow(2, k)) - TimeSpan.FromMilliseconds(5);
            Assert.True(gaps[k] >= floor, $"wait {k} was {gaps[k].TotalMilliseconds:0} ms, less than the backoff's {floor.TotalMilliseconds:0} ms: {string.Join(", ", gaps.Select(g => g.TotalMilliseconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture)))}");
        }

        // The seventh wait is at least 3.2 s, the first at most 100 ms and whatever a busy machine adds.
        Assert.True(gaps[^1] > gaps[0] * 2, $"the last wait ({gaps[^1].TotalMilliseconds:0} ms) is far longer than the first ({gaps[0].TotalMilliseconds:0} ms)");

        await b.RestartAsync();

        await Eventually.UntilAsync(() => a.Store.Register.QueryAsync(new RegisterQuery { Direction = Direction.Outbound, Status = TelegramStatus.Delivered }),
            l => l.Count == 20, TimeSpan.FromSeconds(60), "all delivered after B returns");
        var inbound = await b.Store.Register.QueryAsync(new RegisterQuery { Direction = Direction.Inbound, Limit = 100 });
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), inbound.Select(t => t.Serial).Order());
    }

    [Fact]
    public async Task A_telegram_past_its_expiry_is_marked_failed_and_shown_with_the_reason()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        var tie = (await a.Store.Ties.GetTieAsync(b.Did))!;
        await a.Store.Ties.SaveTieAsync(tie with { Terms = tie.Terms with { Expiry = TimeSpan.FromSeconds(2) } });
        await b.StopAsync();

        var sent = await a.Agency.Telegrams.ReleaseAsync(Draft(b.Did, 1), "officer");

        var failed = await Eventually.UntilAsync(() => a.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound),
            t => t?.Status == TelegramStatus.Failed, TimeSpan.FromSeconds(30), "marked failed after expiry");
        Assert.Contains("expiry", failed!.FailureReason, StringComparison.Ordinal);
        Assert.Single(await a.Store.Register.QueryAsync(new RegisterQuery { Status = TelegramStatus.Failed }));
    }

    [Fact]
    public async Task A_telegram_too_large_for_one_federation_message_is_refused_at_release_and_nothing_is_queued()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        var attachments = Enumerable.Range(0, 3).Select(i => new TelegramAttachment($"part{i}.bin", "application/octet-stream", new byte[4 * 1024 * 1024])).ToArray();

        var refused = await Assert.ThrowsAsync<Telex.Core.TelexException>(() =>
            a.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = b.Did, Subject = "Big", Body = "Three parts.", Attachments = attachments }, "officer"));

        Assert.Contains("too large to deliver", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, await a.Store.Register.CountAsync(new RegisterQuery()));
        Assert.Equal(0, (await a.Store.Ties.GetTieAsync(b.Did))!.LastSentSerial);
    }

    [Fact]
    public async Task A_telegram_or_attachment_over_the_ties_agreed_terms_is_refused_by_the_receiver_and_nothing_is_stored()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);

        // Bravo proposes small terms, Alpha signs them: 2 KiB of text, 1 KiB per attachment.
        await b.Agency.Ties.ProposeTermsAsync(a.Did, TieTerms.Default with { Version = 2, MaxTelegramBytes = 2048, MaxAttachmentBytes = 1024 });
        await Eventually.UntilAsync(() => a.Store.Ties.GetTieAsync(b.Did), t => t?.ProposedTerms is not null, TimeSpan.FromSeconds(30), "Alpha holds the proposal");
        await a.Agency.Ties.SignProposedTermsAsync(b.Did);
        await Eventually.UntilAsync(() => b.Store.Ties.GetTieAsync(a.Did), t => t?.Terms.MaxTelegramBytes == 2048 && t.ProposedTerms is null,
            TimeSpan.FromSeconds(30), "Bravo holds the signed terms");

        // Alpha's own code refuses to release more; a modified Alpha sends it anyway, signed with its real key.
        var rogue = new RogueSender(a.Identity);
        var overText = rogue.Telegram(b.Did, 1, new string('x', 2049));
        var overAttachment = rogue.Telegram(b.Did, 1, "Within the text limit.", RogueSender.Inline("big.bin", new byte[1025]));
        Assert.Equal((400, "e.p.msg.bad-telegram"), await HostilePeer.PostAsync(b.Identity.Endpoint, rogue.SignAndEncrypt(overText, b.Did)));
        Assert.Equal((400, "e.p.msg.bad-telegram"), await HostilePeer.PostAsync(b.Identity.Endpoint, rogue.SignAndEncrypt(overAttachment, b.Did)));
        Assert.Equal(0, await b.Store.Register.CountAsync(new RegisterQuery()));
        Assert.Empty((await b.Store.Register.ReadRegisterAsync()).Entries);

        // Exactly at the limits both are registered, as serials 1 and 2: the refusals took no serial.
        var atText = rogue.Telegram(b.Did, 1, new string('x', 2048));
        var atAttachment = rogue.Telegram(b.Did, 2, "Within the text limit.", RogueSender.Inline("fits.bin", new byte[1024]));
        Assert.Equal(202, (await HostilePeer.PostAsync(b.Identity.Endpoint, rogue.SignAndEncrypt(atText, b.Did))).Status);
        Assert.Equal(202, (await HostilePeer.PostAsync(b.Identity.Endpoint, rogue.SignAndEncrypt(atAttachment, b.Did))).Status);
        var registered = await b.Store.Register.QueryAsync(new RegisterQuery { Direction = Direction.Inbound });
        Assert.Equal([1L, 2L], registered.Select(t => t.Serial).Order());
        Assert.Equal(1024, Assert.Single(registered.Single(t => t.Serial == 2).Attachments).Size);
    }

    /// <summary>
    /// Passes every send on, and notes when each telegram to the watched agency was attempted: it opens the envelope with
    /// that agency's keys (the test holds them) to tell the telegrams apart.
    /// </summary>
    private sealed class AttemptRecorder : ITransport, IDisposable
    {
        private readonly GatedTransport _inner = new();
        private readonly ConcurrentDictionary<Guid, ConcurrentQueue<TimeSpan>> _attempts = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private volatile Watched? _watched;

        public void Watch(Telex.Core.Identity.AgencyIdentity recipient) => _watched = new Watched(recipient.Endpoint, new DidCommPacker(new DidResolver(), recipient.Secrets));

        public IReadOnlyList<TimeSpan> AttemptsAt(Guid telegram) => _attempts.TryGetValue(telegram, out var q) ? [.. q] : [];

        public Task<TransportResult> SendAsync(string endpoint, ReadOnlyMemory<byte> packed, CancellationToken ct)
        {
            var at = _clock.Elapsed;
            if (_watched is { } w && w.Endpoint == endpoint && w.Packer.Unpack(packed) is { Success: true } opened
                && opened.Message!.Type == Telex.Core.Protocol.MessageTypes.Telegram && Guid.TryParse(opened.Message.Id, out var id))
            {
                _attempts.GetOrAdd(id, _ => new ConcurrentQueue<TimeSpan>()).Enqueue(at);
            }

            return _inner.SendAsync(endpoint, packed, ct);
        }

        public void Dispose() => _inner.Dispose();

        private sealed record Watched(string Endpoint, DidCommPacker Packer);
    }
}
