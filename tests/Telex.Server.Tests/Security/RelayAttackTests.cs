using Telex.Core;
using Telex.Core.Model;
using Telex.Core.Storage;
using Telex.Server.Hosting;
using Telex.TestKit;

using static Telex.Server.Tests.Relay.RelayNetwork;

namespace Telex.Server.Tests.Security;

/// <summary>
/// A relay that meddles with what it carries: it can change the envelope or throw it away, but it cannot make the
/// recipient register anything else, and the sender keeps the telegram until a receipt proves it arrived.
/// </summary>
public sealed class RelayAttackTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_envelope_altered_by_the_relay_is_refused_by_the_recipient_and_the_sender_delivers_it_intact_later()
    {
        using var meddler = new MeddlingTransport();
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var r = await TestAgency.StartAsync("Relay", transport: meddler);
        await using var b = await TestAgency.StartAsync("Bravo");
        await ConnectAsync(a, r, b);
        await r.Agency.AllowRelayAsync(a.Did, b.Did);
        meddler.Target(b.Identity.Endpoint, MeddlingTransport.Mode.Tamper);

        var sent = await a.Agency.ReleaseAsync(Draft(b.Did, "Through a dishonest relay", "Every word as written."), "officer");

        // The relay passes altered envelopes; Bravo refuses each one as tampered and registers nothing.
        await Eventually.UntilAsync(() => Task.FromResult(meddler.Refusals), n => n >= 2, Deadline, "Bravo refused altered envelopes");
        Assert.All(meddler.RefusalCodes, c => Assert.Equal(400, c));
        Assert.Equal(0, await b.Store.CountAsync(new RegisterQuery()));
        Assert.NotEqual(TelegramStatus.Delivered, (await a.Store.GetTelegramAsync(sent.Id, Direction.Outbound))!.Status);

        // Once the relay carries it honestly, the telegram Alpha signed is registered once and acknowledged.
        meddler.Target(b.Identity.Endpoint, MeddlingTransport.Mode.Honest);
        var delivered = await Eventually.UntilAsync(() => a.Store.GetTelegramAsync(sent.Id, Direction.Outbound),
            t => t?.Status == TelegramStatus.Delivered, Deadline, "delivered once the relay is honest");
        var received = await b.Store.GetTelegramAsync(sent.Id, Direction.Inbound);
        Assert.Equal(sent.ContentHash, received!.ContentHash);
        Assert.Equal("Every word as written.", received.Body);
        Assert.Equal(received.RegistryNumber, delivered!.PeerRegistryNumber);
        Assert.Equal(1, await b.Store.CountAsync(new RegisterQuery { Direction = Direction.Inbound }));
    }

    [Fact]
    public async Task An_envelope_dropped_by_the_relay_is_sent_again_by_the_sender_until_a_receipt_arrives()
    {
        using var meddler = new MeddlingTransport();
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var r = await TestAgency.StartAsync("Relay", transport: meddler);
        await using var b = await TestAgency.StartAsync("Bravo");
        await ConnectAsync(a, r, b);
        await r.Agency.AllowRelayAsync(a.Did, b.Did);
        meddler.Target(b.Identity.Endpoint, MeddlingTransport.Mode.Drop);

        var sent = await a.Agency.ReleaseAsync(Draft(b.Did, "Through a lossy relay", "Lost, then found."), "officer");

        // The relay says "accepted" and throws the envelope away. Having no receipt, Alpha sends the telegram again: the
        // relay, which kept nothing, is handed a second envelope only because the sender kept the telegram.
        await Eventually.UntilAsync(() => Task.FromResult(meddler.Dropped), n => n >= 2, Deadline, "Alpha sent the dropped telegram again");
        Assert.Equal(0, await b.Store.CountAsync(new RegisterQuery()));
        Assert.Equal(TelegramStatus.Sent, (await a.Store.GetTelegramAsync(sent.Id, Direction.Outbound))!.Status);

        meddler.Target(b.Identity.Endpoint, MeddlingTransport.Mode.Honest);
        await Eventually.UntilAsync(() => a.Store.GetTelegramAsync(sent.Id, Direction.Outbound),
            t => t?.Status == TelegramStatus.Delivered, Deadline, "delivered once the relay stops dropping");
        Assert.Equal(1, await b.Store.CountAsync(new RegisterQuery { Direction = Direction.Inbound }));
    }

    /// <summary>The relay's transport: posts honestly, or alters or drops what goes to one endpoint.</summary>
    private sealed class MeddlingTransport : ITransport, IDisposable
    {
        private readonly HttpTransport _inner = new(TestAgency.LoopbackPolicy);
        private readonly System.Collections.Concurrent.ConcurrentQueue<int> _refusals = new();
        private volatile string? _target;
        private volatile int _mode;
        private int _dropped;

        public enum Mode
        {
            Honest,
            Tamper,
            Drop,
        }

        public int Refusals => _refusals.Count;

        public IReadOnlyCollection<int> RefusalCodes => [.. _refusals];

        public int Dropped => Volatile.Read(ref _dropped);

        public void Target(string endpoint, Mode mode)
        {
            _target = endpoint;
            _mode = (int)mode;
        }

        public async Task<TransportResult> SendAsync(string endpoint, ReadOnlyMemory<byte> packed, CancellationToken ct)
        {
            var mode = endpoint == _target ? (Mode)_mode : Mode.Honest;
            if (mode == Mode.Drop)
            {
                Interlocked.Increment(ref _dropped);
                return new TransportResult(true, 202, null);
            }

            var body = mode == Mode.Tamper ? HostilePeer.Tamper(packed.ToArray()) : packed;
            var result = await _inner.SendAsync(endpoint, body, ct);
            if (mode == Mode.Tamper && !result.Accepted)
            {
                _refusals.Enqueue(result.Status);
            }

            return result;
        }

        public void Dispose() => _inner.Dispose();
    }
}
