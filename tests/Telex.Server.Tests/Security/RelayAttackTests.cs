using System.Text.Json;
using System.Text.Json.Nodes;

using Microsoft.Data.Sqlite;

using Telex.Core;
using Telex.Core.Identity;
using Telex.Core.Protocol;
using Telex.Core.Relay;
using Telex.Core.Storage;
using Telex.DidComm;
using Telex.DidComm.Dids;
using Telex.DidComm.Keys;
using Telex.DidComm.Messages;
using Telex.Server.Hosting;
using Telex.TestKit;

using static Telex.Server.Tests.Relay.RelayNetwork;

namespace Telex.Server.Tests.Security;

/// <summary>
/// A relay that meddles with what it carries: it can change the envelope or throw it away, but it cannot make the
/// recipient register anything else, and the sender keeps the telegram until a receipt proves it arrived. And a
/// stranger who only claims a relay carried its message gets nothing: a relayed message counts only as the relay's own
/// signed delivery, over a tie whose terms permit relays, of an envelope signed by the origin the relay names. A
/// counterpart cannot turn the relay on anyone but another established tie: not on the relay itself, not back on
/// itself, not on a counterpart whose tie is suspended or severed.
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
        await r.Agency.Relays.AllowAsync(a.Did, b.Did);
        meddler.Target(b.Identity.Endpoint, MeddlingTransport.Mode.Tamper);

        var sent = await a.Agency.Telegrams.ReleaseAsync(Draft(b.Did, "Through a dishonest relay", "Every word as written."), "officer");

        // The relay passes altered envelopes; Bravo refuses each one as tampered and registers nothing.
        await Eventually.UntilAsync(() => Task.FromResult(meddler.Refusals), n => n >= 2, Deadline, "Bravo refused altered envelopes");
        Assert.All(meddler.RefusalCodes, c => Assert.Equal(400, c));
        Assert.Equal(0, await b.Store.Register.CountAsync(new RegisterQuery()));
        Assert.NotEqual(TelegramStatus.Delivered, (await a.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound))!.Status);

        // Once the relay carries it honestly, the telegram Alpha signed is registered once and acknowledged.
        meddler.Target(b.Identity.Endpoint, MeddlingTransport.Mode.Honest);
        var delivered = await Eventually.UntilAsync(() => a.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound),
            t => t?.Status == TelegramStatus.Delivered, Deadline, "delivered once the relay is honest");
        var received = await b.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Inbound);
        Assert.Equal(sent.ContentHash, received!.ContentHash);
        Assert.Equal("Every word as written.", received.Body);
        Assert.Equal(received.RegistryNumber, delivered!.PeerRegistryNumber);
        Assert.Equal(1, await b.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Inbound }));
    }

    [Fact]
    public async Task An_envelope_dropped_by_the_relay_is_sent_again_by_the_sender_until_a_receipt_arrives()
    {
        using var meddler = new MeddlingTransport();
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var r = await TestAgency.StartAsync("Relay", transport: meddler);
        await using var b = await TestAgency.StartAsync("Bravo");
        await ConnectAsync(a, r, b);
        await r.Agency.Relays.AllowAsync(a.Did, b.Did);
        meddler.Target(b.Identity.Endpoint, MeddlingTransport.Mode.Drop);

        var sent = await a.Agency.Telegrams.ReleaseAsync(Draft(b.Did, "Through a lossy relay", "Lost, then found."), "officer");

        // The relay says "accepted" and throws the envelope away. Having no receipt, Alpha sends the telegram again: the
        // relay, which kept nothing, is handed a second envelope only because the sender kept the telegram.
        await Eventually.UntilAsync(() => Task.FromResult(meddler.Dropped), n => n >= 2, Deadline, "Alpha sent the dropped telegram again");
        Assert.Equal(0, await b.Store.Register.CountAsync(new RegisterQuery()));
        Assert.Equal(TelegramStatus.Sent, (await a.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound))!.Status);

        meddler.Target(b.Identity.Endpoint, MeddlingTransport.Mode.Honest);
        await Eventually.UntilAsync(() => a.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound),
            t => t?.Status == TelegramStatus.Delivered, Deadline, "delivered once the relay stops dropping");
        Assert.Equal(1, await b.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Inbound }));
    }

    [Fact]
    public async Task A_stranger_naming_a_relay_in_a_direct_post_is_refused_and_nothing_is_stored_at_the_recipient()
    {
        await using var r = await TestAgency.StartAsync("Relay");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(r, b);
        await SetRelayTermsAsync(b, r);
        using var meridian = HostilePeer.Create("Meridian");
        await b.Agency.Directory.AddToDirectoryAsync("Meridian", meridian.Did, null, null);
        using var stranger = HostilePeer.Create("Meridian");
        var before = await RowCountsAsync(b);

        // Straight to Bravo, naming as its relay an agency Bravo lets relay to it, and calling itself Meridian.
        byte[] telegram = stranger.SignAndEncrypt(stranger.RelayedTelegram(b.Did, 1, r.Did, "Meridian"), b.Did);
        Assert.Equal((403, "e.p.tie.none"), await HostilePeer.PostAsync(b.Identity.Endpoint, telegram));

        // Wrapping it the way a relay passes things on does not help: only a relay's tie makes its delivery count.
        byte[] inner = stranger.SignAndEncrypt(stranger.RelayedTelegram(b.Did, 1, r.Did, "Meridian"), b.Did);
        Assert.Equal((403, "e.p.tie.none"), await HostilePeer.PostAsync(b.Identity.Endpoint, stranger.RelayDelivery(b.Did, stranger.Did, inner)));

        Assert.Equal(0, await b.Store.Register.CountAsync(new RegisterQuery()));
        Assert.Null(await b.Store.Ties.GetTieAsync(stranger.Did));
        var entry = Assert.Single(await b.Store.Directory.ListDirectoryAsync());
        Assert.Equal(("Meridian", meridian.Did), (entry.Name, entry.Did));
        Assert.Equal(before, await RowCountsAsync(b));
    }

    [Fact]
    public async Task A_relay_delivery_carrying_an_envelope_signed_by_another_agency_than_the_origin_it_names_is_refused()
    {
        await using var b = await TestAgency.StartAsync("Bravo");
        using var relay = await HostilePeer.RelayTiedWithAsync(b, "Crooked Relay");
        using var origin = HostilePeer.Create("Origin");
        using var impostor = HostilePeer.Create("Impostor");
        using var tied = HostilePeer.Create("Tied");
        Assert.Equal(202, (await HostilePeer.PostAsync(b.Identity.Endpoint, tied.TieRequest(await b.Agency.Ties.CreateInvitationAsync()))).Status);
        byte[] byImpostor = impostor.SignAndEncrypt(impostor.RelayedTelegram(b.Did, 1, relay.Did, "Origin"), b.Did);
        var before = await RowCountsAsync(b);

        // The relay names one agency, the envelope is signed by another.
        Assert.Equal((403, "e.p.relay.origin"), await HostilePeer.PostAsync(b.Identity.Endpoint, relay.RelayDelivery(b.Did, origin.Did, byImpostor)));

        // A counterpart with a tie here sends over that tie, not through a relay (where its tie's state would not apply).
        byte[] byTied = tied.SignAndEncrypt(tied.RelayedTelegram(b.Did, 1, relay.Did, "Tied"), b.Did);
        Assert.Equal((403, "e.p.tie.none"), await HostilePeer.PostAsync(b.Identity.Endpoint, relay.RelayDelivery(b.Did, tied.Did, byTied)));

        // The path the sender signed must end at the relay that delivers it, so that the register records the way it came:
        // not at another agency, and not nowhere (no path, or an empty one, would file it as having come directly).
        byte[] otherPath = impostor.SignAndEncrypt(impostor.RelayedTelegram(b.Did, 1, origin.Did, "Origin"), b.Did);
        Assert.Equal((403, "e.p.relay.path"), await HostilePeer.PostAsync(b.Identity.Endpoint, relay.RelayDelivery(b.Did, impostor.Did, otherPath)));

        byte[] WithPath(JsonArray? path)
        {
            var telegram = impostor.RelayedTelegram(b.Did, 1, relay.Did, "Origin");
            var body = JsonNode.Parse(telegram.Body.GetRawText())!.AsObject();
            body.Remove("relay_path");
            if (path is not null)
            {
                body["relay_path"] = path;
            }

            return relay.RelayDelivery(b.Did, impostor.Did, impostor.SignAndEncrypt(telegram with { Body = JsonSerializer.SerializeToElement(body) }, b.Did));
        }

        Assert.Equal((403, "e.p.relay.path"), await HostilePeer.PostAsync(b.Identity.Endpoint, WithPath(null)));
        Assert.Equal((403, "e.p.relay.path"), await HostilePeer.PostAsync(b.Identity.Endpoint, WithPath([])));
        Assert.Equal(before, await RowCountsAsync(b));
        Assert.Equal(0, await b.Store.Register.CountAsync(new RegisterQuery()));

        // Named as the origin that signed it, the same envelope is the relay's word and is registered, with its path.
        Assert.Equal(202, (await HostilePeer.PostAsync(b.Identity.Endpoint, relay.RelayDelivery(b.Did, impostor.Did, byImpostor))).Status);
        var received = Assert.Single(await b.Store.Register.QueryAsync(new RegisterQuery { Direction = Direction.Inbound }));
        Assert.Equal(impostor.Did, received.Counterpart);
        Assert.Equal([relay.Did], received.RelayPath);
    }

    [Fact]
    public async Task A_relayed_envelope_is_held_to_the_checks_of_a_direct_message_and_carries_only_telegrams_and_receipts()
    {
        await using var b = await TestAgency.StartAsync("Bravo");
        using var relay = await HostilePeer.RelayTiedWithAsync(b, "Crooked Relay");
        using var origin = HostilePeer.Create("Origin");
        var telegram = origin.RelayedTelegram(b.Did, 1, relay.Did, "Origin");
        var before = await RowCountsAsync(b);
        Task<(int, string?)> DeliverAsync(byte[] inner) => HostilePeer.PostAsync(b.Identity.Endpoint, relay.RelayDelivery(b.Did, origin.Did, inner));

        // Not signed: nothing proves the origin wrote it, whatever its 'from' says.
        Assert.Equal((400, "e.p.msg.unprotected"), await DeliverAsync(origin.AnoncryptOnly(telegram, b.Did)));

        // Signed but not encrypted: the relay, which is to carry it unread, read it.
        Assert.Equal((400, "e.p.msg.unprotected"), await DeliverAsync(origin.Packer.PackSigned(telegram, origin.Did).Packed));

        // Addressed to no one, or signed for another agency and encrypted to this one by whoever received it there.
        Assert.Equal((400, "e.p.msg.recipient"), await DeliverAsync(origin.SignAndEncrypt(telegram with { To = null }, b.Did)));
        using var other = HostilePeer.Create("Other");
        Assert.Equal(400, (await DeliverAsync(origin.SignAndEncrypt(telegram with { To = [other.Did] }, b.Did))).Item1);

        // Expired.
        var expired = telegram with { ExpiresTime = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds() };
        Assert.Equal((400, "e.p.msg.expired"), await DeliverAsync(origin.SignAndEncrypt(expired, b.Did)));

        // Another kind of message: only what an agency without a tie may send travels through a relay.
        var read = origin.Message(MessageTypes.Read, b.Did, new JsonObject { ["telegram"] = Guid.NewGuid().ToString() });
        Assert.Equal((400, "e.p.msg.unsupported"), await DeliverAsync(origin.SignAndEncrypt(read, b.Did)));

        // A receipt from an origin this agency sent nothing to through a relay.
        var receipt = origin.Receipt(b.Did, Guid.NewGuid(), new string('0', 64), 1);
        Assert.Equal((403, "e.p.tie.none"), await DeliverAsync(origin.SignAndEncrypt(receipt, b.Did)));

        Assert.Equal(before, await RowCountsAsync(b));

        // The same telegram, signed and addressed, is registered.
        Assert.Equal(202, (await DeliverAsync(origin.SignAndEncrypt(telegram, b.Did))).Item1);
        Assert.Equal(origin.Did, Assert.Single(await b.Store.Register.QueryAsync(new RegisterQuery { Direction = Direction.Inbound })).Counterpart);
    }

    [Fact]
    public async Task A_relayed_telegram_naming_more_relays_than_accepted_is_refused_and_one_naming_as_many_is_registered_with_its_path()
    {
        await using var b = await TestAgency.StartAsync("Bravo");
        using var relay = await HostilePeer.RelayTiedWithAsync(b, "Crooked Relay");
        using var origin = HostilePeer.Create("Origin");
        var before = await RowCountsAsync(b);
        byte[] Through(int hops) => origin.SignAndEncrypt(RogueSender.WithBody(origin.RelayedTelegram(b.Did, 1, relay.Did, "Origin"), "relay_path",
            new JsonArray([.. Enumerable.Range(1, hops - 1).Select(i => (JsonNode?)$"did:example:hop-{i}"), relay.Did])), b.Did);

        // A path ending at the relay that delivers it, one hop longer than an agency accepts: nothing is registered.
        Assert.Equal((403, "e.p.relay.path"), await HostilePeer.PostAsync(b.Identity.Endpoint, relay.RelayDelivery(b.Did, origin.Did, Through(TelegramWire.MaxRelayHops + 1))));
        Assert.Equal(before, await RowCountsAsync(b));

        // As many hops as accepted: registered, with the path the sender signed.
        Assert.Equal(202, (await HostilePeer.PostAsync(b.Identity.Endpoint, relay.RelayDelivery(b.Did, origin.Did, Through(TelegramWire.MaxRelayHops)))).Status);
        var received = Assert.Single(await b.Store.Register.QueryAsync(new RegisterQuery { Direction = Direction.Inbound }));
        Assert.Equal(TelegramWire.MaxRelayHops, received.RelayPath.Count);
        Assert.Equal(relay.Did, received.RelayPath[^1]);
    }

    [Fact]
    public async Task A_receipt_for_a_relayed_telegram_counts_when_the_relay_delivers_it_and_not_when_posted_directly()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var r = await TestAgency.StartAsync("Relay");
        await TestAgency.TieAsync(r, a);
        await SetRelayTermsAsync(a, r);
        using var far = HostilePeer.Create("Faraway");
        var invitation = await r.Agency.Ties.CreateInvitationAsync();
        Assert.Equal(202, (await HostilePeer.PostAsync(r.Identity.Endpoint, far.TieRequest(invitation))).Status);
        await r.Agency.Relays.AllowAsync(a.Did, far.Did);
        await a.Agency.Directory.AddToDirectoryAsync("Faraway", far.Did, null, [r.Did]);
        var sent = await a.Agency.Telegrams.ReleaseAsync(Draft(far.Did, "To a far agency", "Through the relay."), "officer");
        await Eventually.UntilAsync(() => r.Store.Relays.CountRelaysAsync(), n => n >= 1, Deadline, "the relay holds the telegram");

        // Faraway signs a true receipt, but posts it to Alpha itself: Alpha holds no tie with it, so it is refused.
        byte[] receipt = far.SignAndEncrypt(far.Receipt(a.Did, sent.Id, sent.ContentHash, 7), a.Did);
        Assert.Equal((403, "e.p.tie.none"), await HostilePeer.PostAsync(a.Identity.Endpoint, receipt));
        Assert.Equal(TelegramStatus.Sent, (await a.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound))!.Status);

        // The same receipt handed to the relay, as the telegram came, is delivered by the relay and counts.
        Assert.Equal(202, (await HostilePeer.PostAsync(r.Identity.Endpoint, far.Forward(r.Did, a.Did, receipt))).Status);
        var delivered = await Eventually.UntilAsync(() => a.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound),
            t => t?.Status == TelegramStatus.Delivered, Deadline, "the relayed receipt delivers the telegram");
        Assert.Equal(7, delivered!.PeerRegistryNumber);
    }

    [Fact]
    public async Task A_forward_naming_no_next_hop_another_kind_of_DID_the_relay_itself_or_its_own_sender_is_refused_as_malformed_and_nothing_is_queued()
    {
        await using var r = await TestAgency.StartAsync("Relay");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(r, b);
        using var tied = await HostilePeer.TiedWithAsync(r, "Tied");
        using var keyed = SecretJwk.Generate(KeyCurve.Ed25519);

        // The relay passes on between any two established ties, so nothing but the next hop a forward names refuses it.
        await r.Agency.Relays.SetTiedPairsAsync(true);
        byte[] inner = tied.SignAndEncrypt(tied.Telegram(b.Did, 1), b.Did);
        var before = await RowCountsAsync(r);
        Task<(int, string?)> ForwardAsync(JsonObject body) => HostilePeer.PostAsync(r.Identity.Endpoint, Forward(tied.Identity, r.Did, body, inner));

        // No next hop, or one that is no agency's did:peer DID: a did:key names no endpoint, an address is not a DID.
        Assert.Equal((400, "e.p.msg.bad-forward"), await ForwardAsync([]));
        Assert.Equal((400, "e.p.msg.bad-forward"), await ForwardAsync(new JsonObject { ["next"] = 42 }));
        Assert.Equal((400, "e.p.msg.bad-forward"), await ForwardAsync(new JsonObject { ["next"] = DidKey.Create(keyed.PublicKey) }));
        Assert.Equal((400, "e.p.msg.bad-forward"), await ForwardAsync(new JsonObject { ["next"] = b.Identity.Endpoint }));

        // The relay itself. Anoncrypted, the unpacker takes a forward to its own agency as DIDComm re-wrapping and finds
        // inside a message it cannot decrypt; authcrypted (as DIDComm also allows), it reaches the relay, which refuses it.
        Assert.Equal((400, "e.p.msg.wrongkey"), await ForwardAsync(new JsonObject { ["next"] = r.Did }));
        byte[] toItself = Forward(tied.Identity, r.Did, new JsonObject { ["next"] = r.Did }, inner, authcrypt: true);
        Assert.Equal((400, "e.p.msg.bad-forward"), await HostilePeer.PostAsync(r.Identity.Endpoint, toItself));

        // The counterpart asking: the relay would hand the sender's own traffic back to it.
        Assert.Equal((400, "e.p.msg.bad-forward"), await ForwardAsync(new JsonObject { ["next"] = tied.Did }));
        Assert.Equal(0, await r.Store.Relays.CountRelaysAsync());
        Assert.Equal(before, await RowCountsAsync(r));

        // The same envelope for Bravo is taken: the forwards above were refused for the next hop they named alone.
        Assert.Equal(202, (await ForwardAsync(new JsonObject { ["next"] = b.Did })).Item1);
        Assert.Equal(1, await r.Store.Relays.CountRelaysAsync());
    }

    [Fact]
    public async Task A_forward_back_to_its_sender_under_the_DID_it_rotated_away_from_is_refused_as_malformed()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var r = await TestAgency.StartAsync("Relay");
        await TestAgency.TieAsync(r, a);
        await r.Agency.Relays.SetTiedPairsAsync(true);
        string oldA = a.Did;
        var rotation = await a.Agency.Keys.RotateKeysAsync();
        await Eventually.UntilAsync(() => r.Store.Ties.GetTieAsync(oldA), t => t?.PeerDid == rotation.NewDid, Deadline, "the relay switched to Alpha's new DID");

        // Alpha's old DID names Alpha's own tie at the relay: the forward would come straight back to Alpha.
        var alpha = new RogueSender(a.Identity);
        byte[] inner = alpha.SignAndEncrypt(alpha.Telegram(a.Did, 1, "To myself."), a.Did);
        byte[] forward = Forward(a.Identity, r.Did, new JsonObject { ["next"] = oldA }, inner);
        Assert.Equal((400, "e.p.msg.bad-forward"), await HostilePeer.PostAsync(r.Identity.Endpoint, forward));
        Assert.Equal(0, await r.Store.Relays.CountRelaysAsync());
    }

    [Fact]
    public async Task A_forward_to_a_counterpart_whose_tie_with_the_relay_is_suspended_or_severed_is_refused_and_nothing_is_queued()
    {
        await using var r = await TestAgency.StartAsync("Relay");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(r, b);
        using var tied = await HostilePeer.TiedWithAsync(r, "Tied");
        await r.Agency.Relays.AllowAsync(tied.Did, b.Did);
        await r.Agency.Relays.SetTiedPairsAsync(true);
        byte[] forward = tied.Forward(r.Did, b.Did, tied.SignAndEncrypt(tied.Telegram(b.Did, 1), b.Did));

        // The pair is permitted by name and as two ties, but the relay has suspended its tie with Bravo: nothing is
        // passed on over a suspended tie, so nothing is taken to wait for it.
        await r.Agency.Ties.ChangeTieStatusAsync(b.Did, TieStatus.Suspended);
        Assert.Equal((403, RelayService.RefusedCode), await HostilePeer.PostAsync(r.Identity.Endpoint, forward));
        Assert.Equal(0, await r.Store.Relays.CountRelaysAsync());

        // Resumed, the same forward is taken. (Bravo's terms with the relay permit no relays, so it refuses the delivery
        // and the relay keeps the envelope: the count below stays put.)
        await r.Agency.Ties.ChangeTieStatusAsync(b.Did, TieStatus.Established);
        Assert.Equal(202, (await HostilePeer.PostAsync(r.Identity.Endpoint, forward)).Status);
        Assert.Equal(1, await r.Store.Relays.CountRelaysAsync());

        // Severed: refused again, and nothing more is queued.
        await r.Agency.Ties.ChangeTieStatusAsync(b.Did, TieStatus.Severed);
        Assert.Equal((403, RelayService.RefusedCode), await HostilePeer.PostAsync(r.Identity.Endpoint, forward));
        Assert.Equal(1, await r.Store.Relays.CountRelaysAsync());
    }

    [Fact]
    public async Task A_counterpart_cannot_fill_the_relay_beyond_its_share_and_another_counterparts_forwards_are_still_taken()
    {
        const long Share = 64 * 1024;
        await using var r = await TestAgency.StartAsync("Relay", TestAgency.FastDelivery with { RelayQueueBytesPerCounterpart = Share });
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(r, b);
        using var greedy = await HostilePeer.TiedWithAsync(r, "Tied");
        using var other = await HostilePeer.TiedWithAsync(r, "Tied");
        await r.Agency.Relays.SetTiedPairsAsync(true);

        // Bravo's terms with the relay permit no relays, so it refuses every delivery and the relay keeps what it took.
        byte[] Forward(HostilePeer from, int serial) =>
            from.Forward(r.Did, b.Did, from.SignAndEncrypt(from.Telegram(b.Did, serial, text: new string('x', 10_000)), b.Did));
        int taken = 0;
        (int Status, string? Code) answer;
        while ((answer = await HostilePeer.PostAsync(r.Identity.Endpoint, Forward(greedy, taken + 1))).Status == 202)
        {
            taken++;
            Assert.True(taken < 100, "the relay kept taking forwards past its share");
        }

        Assert.Equal((503, "e.p.relay.full"), answer);
        Assert.InRange(taken, 2, (int)(Share / 10_000));
        Assert.Equal(taken, await r.Store.Relays.CountRelaysAsync());

        // The refusal is for now: another counterpart's forward is taken, and so would the greedy one's be once the
        // queue drains.
        Assert.Equal(202, (await HostilePeer.PostAsync(r.Identity.Endpoint, Forward(other, 1))).Status);
        Assert.Equal(taken + 1, await r.Store.Relays.CountRelaysAsync());
    }

    [Fact]
    public async Task A_relay_delivery_naming_no_origin_or_an_origin_that_is_no_agencys_did_peer_DID_is_refused_as_malformed_and_nothing_is_stored()
    {
        await using var b = await TestAgency.StartAsync("Bravo");
        using var relay = await HostilePeer.RelayTiedWithAsync(b, "Crooked Relay");
        using var origin = HostilePeer.Create("Origin");

        // A did:key can sign and be encrypted to, but names no endpoint and cannot rotate: no agency is one, so none may
        // enter the register or the directory as a sender, whichever relay vouches for it.
        using var generated = SecretJwk.Generate(KeyCurve.Ed25519);
        string keyed = DidKey.Create(generated.PublicKey);
        using var signing = generated.WithKid(keyed + "#" + keyed["did:key:".Length..]);
        var secrets = new SecretResolver();
        secrets.Add(signing);
        var packer = new DidCommPacker(new DidResolver(), secrets);
        var byKeyed = origin.RelayedTelegram(b.Did, 1, relay.Did, "Keyed") with { From = keyed };
        byte[] fromKeyed = packer.PackEncryptedPayload(packer.PackSigned(byKeyed, keyed).Packed, new PackEncryptedOptions { To = b.Did }).Packed;
        byte[] fromOrigin = origin.SignAndEncrypt(origin.RelayedTelegram(b.Did, 1, relay.Did, "Origin"), b.Did);
        var before = await RowCountsAsync(b);

        Assert.Equal((400, "e.p.msg.bad-relay-delivery"), await HostilePeer.PostAsync(b.Identity.Endpoint, Delivery(relay, b.Did, [], fromOrigin)));
        Assert.Equal((400, "e.p.msg.bad-relay-delivery"),
            await HostilePeer.PostAsync(b.Identity.Endpoint, Delivery(relay, b.Did, new JsonObject { ["origin"] = 42 }, fromOrigin)));
        Assert.Equal((400, "e.p.msg.bad-relay-delivery"), await HostilePeer.PostAsync(b.Identity.Endpoint, relay.RelayDelivery(b.Did, keyed, fromKeyed)));
        Assert.Equal(before, await RowCountsAsync(b));
        Assert.Equal(0, await b.Store.Register.CountAsync(new RegisterQuery()));
        Assert.Empty(await b.Store.Directory.ListDirectoryAsync());

        // Naming the did:peer origin that signed it, the relay's delivery is registered: the ones above were refused for
        // the origin they named alone.
        Assert.Equal(202, (await HostilePeer.PostAsync(b.Identity.Endpoint, relay.RelayDelivery(b.Did, origin.Did, fromOrigin))).Status);
        Assert.Equal(origin.Did, Assert.Single(await b.Store.Register.QueryAsync(new RegisterQuery { Direction = Direction.Inbound })).Counterpart);
    }

    /// <summary>
    /// A routing/2.0 forward from <paramref name="from"/> to <paramref name="relay"/> with the body given (a sound one
    /// names the next hop as 'next') and <paramref name="inner"/> as its one attachment, signed, then anoncrypted (as
    /// Telex sends it) or authcrypted.
    /// </summary>
    private static byte[] Forward(AgencyIdentity from, string relay, JsonObject body, byte[] inner, bool authcrypt = false) =>
        SignedWithAttachment(from, DidCommPacker.ForwardType, relay, body, inner, authcrypt);

    /// <summary>
    /// A relay delivery from <paramref name="relay"/> to <paramref name="to"/> with the body given (a sound one names the
    /// origin as 'origin') and <paramref name="inner"/> as its one attachment, signed and encrypted.
    /// </summary>
    private static byte[] Delivery(HostilePeer relay, string to, JsonObject body, byte[] inner) =>
        SignedWithAttachment(relay.Identity, MessageTypes.RelayDelivery, to, body, inner);

    private static byte[] SignedWithAttachment(AgencyIdentity from, string type, string to, JsonObject body, byte[] inner, bool authcrypt = false)
    {
        using var attached = JsonDocument.Parse(inner);
        var message = new Message
        {
            Id = Guid.NewGuid().ToString(),
            Type = type,
            From = from.Did,
            To = [to],
            CreatedTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ExpiresTime = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds(),
            Body = JsonSerializer.SerializeToElement(body),
            Attachments = [new Attachment { Data = new AttachmentData { Json = attached.RootElement.Clone() } }],
        };
        var sender = new RogueSender(from);
        return authcrypt ? sender.Packer.PackEncrypted(message, new PackEncryptedOptions { To = to, From = from.Did, SignBy = from.Did }).Packed : sender.SignAndEncrypt(message, to);
    }

    /// <summary>The number of rows in every table of the agency's SQLite database, read from the file.</summary>
    private static async Task<SortedDictionary<string, long>> RowCountsAsync(TestAgency agency)
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        string file = Path.Combine(agency.Directory, "telex.db");
        await using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await c.OpenAsync();
        var tables = new List<string>();
        await using (var list = c.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (string table in tables)
        {
            await using var count = c.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
            counts[table] = (long)(await count.ExecuteScalarAsync())!;
        }

        return counts;
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

    [Fact]
    public async Task A_telegram_over_a_tie_that_claims_to_have_come_through_a_relay_is_refused_and_nothing_is_stored()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await using var c = await TestAgency.StartAsync("Charlie");
        await TestAgency.TieAsync(a, b);
        await TestAgency.TieAsync(b, c);

        // Alpha, tied with Bravo, posts straight to it but names Charlie as the relay it came through: Bravo would file and
        // show "relayed through Charlie" for a telegram Charlie never saw.
        var rogue = new RogueSender(a.Identity);
        var claimed = RogueSender.WithBody(rogue.Telegram(b.Did, 1, "Came the direct way."), "relay_path", new JsonArray(c.Did));
        Assert.Equal((400, "e.p.msg.bad-telegram"), await HostilePeer.PostAsync(b.Identity.Endpoint, rogue.SignAndEncrypt(claimed, b.Did)));
        Assert.Equal(0, await b.Store.Register.CountAsync(new RegisterQuery()));

        // The same telegram without the claim is registered as serial 1: the refusal took nothing.
        Assert.Equal(202, (await HostilePeer.PostAsync(b.Identity.Endpoint, rogue.SignAndEncrypt(rogue.Telegram(b.Did, 1, "Came the direct way."), b.Did))).Status);
        var registered = Assert.Single(await b.Store.Register.QueryAsync(new RegisterQuery { Direction = Direction.Inbound }));
        Assert.Equal(1, registered.Serial);
        Assert.Empty(registered.RelayPath);
    }
}
