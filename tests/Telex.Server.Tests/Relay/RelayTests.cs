using Telex.Core;
using Telex.Core.Storage;
using Telex.Server.Hosting;
using Telex.TestKit;

using static Telex.Server.Tests.Relay.RelayNetwork;

namespace Telex.Server.Tests.Relay;

public sealed class RelayTests
{
    [Fact]
    public async Task A_telegram_relayed_through_R_is_registered_once_at_B_with_a_receipt_back_at_A_and_the_path_at_both_ends()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var r = await TestAgency.StartAsync("Relay");
        await using var b = await TestAgency.StartAsync("Bravo");
        await ConnectAsync(a, r, b);
        await r.Agency.Relays.AllowAsync("Alpha", "Bravo");

        // No --via: the route is chosen from the directory (Bravo is known to be tied with Relay).
        var first = await a.Agency.Telegrams.ReleaseAsync(Draft(b.Did, "Through the relay", "First relayed text."), "officer");
        var second = await a.Agency.Telegrams.ReleaseAsync(Draft(b.Did, "Again", "Second relayed text.", via: "Relay"), "officer");

        foreach (var sent in new[] { first, second })
        {
            var delivered = await Eventually.UntilAsync(() => a.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound),
                t => t?.Status == TelegramStatus.Delivered, TimeSpan.FromSeconds(30), "delivered at A");
            Assert.Equal([r.Did], delivered!.RelayPath);
            Assert.NotNull(delivered.Receipt);
            var received = await b.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Inbound);
            Assert.NotNull(received);
            Assert.Equal(a.Did, received!.Counterpart);
            Assert.Equal([r.Did], received.RelayPath);
            Assert.Equal(sent.ContentHash, received.ContentHash);
            Assert.Equal(received.RegistryNumber, delivered.PeerRegistryNumber);
        }

        var serials = await b.Store.Telegrams.ReceivedSerialsAsync(a.Did);
        Assert.Equal(new long[] { 1, 2 }, serials);
        Assert.Equal(2, await b.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Inbound }));
        Assert.Equal(0, await r.Store.Register.CountAsync(new RegisterQuery()));
        await Eventually.UntilAsync(() => r.Store.Relays.CountRelaysAsync(), n => n == 0, TimeSpan.FromSeconds(30), "R holds nothing once delivered");

        // B entered A in its directory on first contact, as tied with R.
        var alpha = await b.Agency.Directory.GetCounterpartAsync(a.Did);
        Assert.Equal("Alpha", alpha.Name);
        Assert.Equal(TieStatus.None, alpha.TieStatus);
        Assert.Equal([r.Did], alpha.Entry!.KnownTies);

        // Both registers verify with the relay path in their entries.
        Assert.True((await a.Agency.Register.VerifyRegisterAsync()).Ok);
        Assert.True((await b.Agency.Register.VerifyRegisterAsync()).Ok);
    }

    [Fact]
    public async Task A_relay_refuses_a_pair_its_policy_does_not_permit_and_nothing_is_stored_at_the_relay_or_the_recipient()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var r = await TestAgency.StartAsync("Relay");
        await using var b = await TestAgency.StartAsync("Bravo");
        await ConnectAsync(a, r, b);

        // The default policy relays for nobody.
        var sent = await a.Agency.Telegrams.ReleaseAsync(Draft(b.Did, "Not relayed", "Nobody permitted this pair."), "officer");
        var failed = await Eventually.UntilAsync(() => a.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound),
            t => t?.Status == TelegramStatus.Failed, TimeSpan.FromSeconds(30), "failed at A");
        Assert.Contains("refused by the relay", failed!.FailureReason, StringComparison.Ordinal);
        Assert.Equal(0, await r.Store.Relays.CountRelaysAsync());
        Assert.Equal(0, await b.Store.Register.CountAsync(new RegisterQuery()));

        // A permission for another pair does not open the relay for this one.
        await using var c = await TestAgency.StartAsync("Charlie");
        await TestAgency.TieAsync(r, c);
        await r.Agency.Relays.AllowAsync(a.Did, c.Did);
        var again = await a.Agency.Telegrams.ReleaseAsync(Draft(b.Did, "Still not relayed", "Another pair was permitted."), "officer");
        await Eventually.UntilAsync(() => a.Store.Telegrams.GetTelegramAsync(again.Id, Direction.Outbound),
            t => t?.Status == TelegramStatus.Failed, TimeSpan.FromSeconds(30), "failed at A");
        Assert.Equal(0, await r.Store.Relays.CountRelaysAsync());
        Assert.Equal(0, await b.Store.Register.CountAsync(new RegisterQuery()));
    }

    [Fact]
    public async Task The_recipient_refuses_a_relayed_telegram_when_its_tie_with_the_relay_does_not_permit_relays()
    {
        await using var transport = new RecordingTransport();
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var r = await TestAgency.StartAsync("Relay", transport: transport);
        await using var b = await TestAgency.StartAsync("Bravo");
        await ConnectAsync(a, r, b, bPermitsRelays: false);
        await r.Agency.Relays.AllowAsync(a.Did, b.Did);

        var sent = await a.Agency.Telegrams.ReleaseAsync(Draft(b.Did, "Refused at B", "Bravo's tie with the relay does not permit relays."), "officer");

        // R took it and passes it on; B refuses it every time.
        await Eventually.UntilAsync(() => Task.FromResult(transport.RefusalsFrom(b.Identity.Endpoint)), n => n >= 2,
            TimeSpan.FromSeconds(30), "B refused the relayed telegram");
        Assert.Contains("e.p.tie.none", transport.LastDetail(b.Identity.Endpoint), StringComparison.Ordinal);
        Assert.Equal(0, await b.Store.Register.CountAsync(new RegisterQuery()));
        Assert.Empty(await b.Store.Directory.ListDirectoryAsync());
        Assert.NotEqual(TelegramStatus.Delivered, (await a.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound))!.Status);
    }

    [Fact]
    public async Task A_relay_drops_an_envelope_its_next_hop_has_not_accepted_within_the_retention()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var r = await TestAgency.StartAsync("Relay", TestAgency.FastDelivery with { RelayRetention = TimeSpan.FromSeconds(1) });
        await using var b = await TestAgency.StartAsync("Bravo");
        await ConnectAsync(a, r, b);
        await r.Agency.Relays.AllowAsync(a.Did, b.Did);
        await b.StopAsync();

        var sent = await a.Agency.Telegrams.ReleaseAsync(Draft(b.Did, "Held too long", "Bravo is away."), "officer");
        await Eventually.UntilAsync(() => r.Store.Relays.CountRelaysAsync(), n => n >= 1, TimeSpan.FromSeconds(30), "the relay holds the envelope");

        // Bravo stays away: the envelope can only leave the relay by being dropped.
        await Eventually.UntilAsync(() => r.Store.Relays.CountRelaysAsync(), n => n == 0, TimeSpan.FromSeconds(30), "the relay dropped the envelope");
        Assert.Equal(TelegramStatus.Sent, (await a.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound))!.Status);
        Assert.Equal(0, await b.Store.Register.CountAsync(new RegisterQuery()));
    }

    [Fact]
    public async Task Without_a_route_sending_to_an_untied_agency_is_refused_and_nothing_is_released()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var r = await TestAgency.StartAsync("Relay");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(r, a);

        // Not in the directory.
        var unknown = await Assert.ThrowsAsync<TelexException>(() => a.Agency.Telegrams.ReleaseAsync(Draft(b.Did, "No route", "Text."), "officer"));
        Assert.Contains("not in the directory", unknown.Message, StringComparison.Ordinal);

        // In the directory as tied with R, but the tie with R does not permit relays.
        await a.Agency.Directory.AddToDirectoryAsync("Bravo", b.Did, null, ["Relay"]);
        var noTerms = await Assert.ThrowsAsync<TelexException>(() => a.Agency.Telegrams.ReleaseAsync(Draft(b.Did, "No route", "Text."), "officer"));
        Assert.Contains("no route", noTerms.Message, StringComparison.Ordinal);
        var viaRefused = await Assert.ThrowsAsync<TelexException>(() => a.Agency.Telegrams.ReleaseAsync(Draft(b.Did, "No route", "Text.", via: "Relay"), "officer"));
        Assert.Contains("do not permit relays", viaRefused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<TelexException>(() => a.Agency.Telegrams.ReleaseAsync(Draft(b.Did, "No route", "Text.", via: "Nobody"), "officer"));
        Assert.Equal(0, await a.Store.Register.CountAsync(new RegisterQuery()));
    }

    /// <summary>The real transport, recording each refusal by endpoint.</summary>
    private sealed class RecordingTransport : ITransport, IAsyncDisposable
    {
        private readonly HttpTransport _inner = new(TestAgency.LoopbackPolicy);
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (int Count, string? Detail)> _refusals = new(StringComparer.Ordinal);

        public int RefusalsFrom(string endpoint) => _refusals.TryGetValue(endpoint, out var r) ? r.Count : 0;

        public string LastDetail(string endpoint) => _refusals.TryGetValue(endpoint, out var r) ? r.Detail ?? "" : "";

        public async Task<TransportResult> SendAsync(string endpoint, ReadOnlyMemory<byte> packed, CancellationToken ct)
        {
            var result = await _inner.SendAsync(endpoint, packed, ct);
            if (!result.Accepted)
            {
                _refusals.AddOrUpdate(endpoint, _ => (1, result.Detail), (_, r) => (r.Count + 1, result.Detail));
            }

            return result;
        }

        public ValueTask DisposeAsync()
        {
            _inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
