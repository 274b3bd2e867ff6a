using Telex.Core;
using Telex.Core.Model;
using Telex.Core.Register;
using Telex.Core.Storage;
using Telex.DidComm;
using Telex.TestKit;

namespace Telex.Server.Tests.Security;

/// <summary>
/// Attacks on the federation endpoint by peers that build messages by hand: a former counterpart, forged and replayed
/// receipts, a signer that is not the sender, messages stripped of their signature or their encryption. Each is refused
/// or changes nothing, and the register shows it.
/// </summary>
public sealed class FederationAttackTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>A telegram released by the agency to the peer: it waits in the outbox (the peer has no server) for a receipt.</summary>
    private static async Task<TelegramRecord> ReleaseToAsync(TestAgency agency, HostilePeer peer, string subject = "Awaiting receipt")
    {
        var sent = await agency.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = peer.Did, Subject = subject, Body = "For the peer." }, "officer");
        Assert.NotEqual(TelegramStatus.Delivered, sent.Status);
        return sent;
    }

    private static async Task<int> EntriesAsync(TestAgency agency, string kind) =>
        (await agency.Store.Register.ReadRegisterAsync()).Entries.Count(e => e.Kind == kind);

    /// <summary>The <c>telegram.delivered</c> events for <paramref name="telegram"/> published since the last call.</summary>
    private static int DeliveredEventsOf(AgencyEvents.Subscription events, Guid telegram)
    {
        int count = 0;
        while (events.Reader.TryRead(out var e))
        {
            count += e.Kind == "telegram.delivered" && e.TelegramId == telegram ? 1 : 0;
        }

        return count;
    }

    private static Task<long> InboundAsync(TestAgency agency) => agency.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Inbound });

    [Fact]
    public async Task A_severed_counterparts_keys_no_longer_deliver_telegrams_receipts_or_a_new_tie_through_the_old_invitation()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var peer = HostilePeer.Create("Former");
        var invitation = await a.Agency.Ties.CreateInvitationAsync();
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, peer.TieRequest(invitation))).Status);
        var sent = await ReleaseToAsync(a, peer);

        await a.Agency.Ties.ChangeTieStatusAsync(peer.Did, TieStatus.Severed);

        var telegram = await HostilePeer.PostAsync(a.Identity.Endpoint, peer.SignAndEncrypt(peer.Telegram(a.Did, 1), a.Did));
        Assert.Equal((403, "e.p.tie.none"), telegram);
        var receipt = await HostilePeer.PostAsync(a.Identity.Endpoint, peer.SignAndEncrypt(peer.Receipt(a.Did, sent.Id, sent.ContentHash, 1), a.Did));
        Assert.Equal((403, "e.p.tie.none"), receipt);
        var again = await HostilePeer.PostAsync(a.Identity.Endpoint, peer.TieRequest(invitation));
        Assert.Equal((403, "e.p.tie.invitation"), again);

        Assert.Equal(0L, await InboundAsync(a));
        Assert.NotEqual(TelegramStatus.Delivered, (await a.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound))!.Status);
        Assert.Equal(0, await EntriesAsync(a, RegisterKinds.Delivery));
        Assert.Equal(TieStatus.Severed, (await a.Store.Ties.GetTieAsync(peer.Did))!.Status);
    }

    [Fact]
    public async Task A_replayed_receipt_changes_nothing_and_a_second_receipt_cannot_rewrite_the_registry_number()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var peer = await HostilePeer.TiedWithAsync(a);
        var sent = await ReleaseToAsync(a, peer);
        byte[] receipt = peer.SignAndEncrypt(peer.Receipt(a.Did, sent.Id, sent.ContentHash, 41), a.Did);
        using var events = a.Agency.Events.Subscribe();

        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, receipt)).Status);
        var delivered = await Eventually.UntilAsync(() => a.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound),
            t => t?.Status == TelegramStatus.Delivered, Deadline, "the receipt delivers the telegram");
        Assert.Equal(41, delivered!.PeerRegistryNumber);
        Assert.Equal(1, DeliveredEventsOf(events, sent.Id));

        // The same bytes again, then a fresh receipt naming another registry number.
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, receipt)).Status);
        byte[] rewrite = peer.SignAndEncrypt(peer.Receipt(a.Did, sent.Id, sent.ContentHash, 99), a.Did);
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, rewrite)).Status);

        var after = await a.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound);
        Assert.Equal(41, after!.PeerRegistryNumber);
        Assert.Equal(delivered.Receipt, after.Receipt);
        Assert.Equal(delivered.DeliveredAt, after.DeliveredAt);
        Assert.Equal(1, await EntriesAsync(a, RegisterKinds.Delivery));
        Assert.True((await a.Agency.Register.VerifyRegisterAsync()).Ok);

        // Nor is the delivery announced again (each receipt is handled before its POST is answered): the live streams
        // and the delivery count and latency metrics hear of it once, however often the counterpart repeats itself.
        Assert.Equal(0, DeliveredEventsOf(events, sent.Id));
    }

    [Fact]
    public async Task A_forged_receipt_delivers_nothing()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var peer = await HostilePeer.TiedWithAsync(a, "Recipient");
        using var other = await HostilePeer.TiedWithAsync(a, "Other");
        using var stranger = HostilePeer.Create("Stranger");
        var sent = await ReleaseToAsync(a, peer);
        var claim = peer.Receipt(a.Did, sent.Id, sent.ContentHash, 7);

        // Signed by another key than the recipient's, under either key id.
        string peerKid = peer.Identity.Signing.Kid!;
        var underPeersKid = await HostilePeer.PostAsync(a.Identity.Endpoint, peer.Packer.PackEncryptedPayload(HostilePeer.SignAs(claim, stranger, peerKid), new PackEncryptedOptions { To = a.Did }).Packed);
        Assert.Equal(400, underPeersKid.Status);
        var underOwnKid = await HostilePeer.PostAsync(a.Identity.Endpoint,
            peer.Packer.PackEncryptedPayload(HostilePeer.SignAs(claim, other, other.Identity.Signing.Kid!), new PackEncryptedOptions { To = a.Did }).Packed);
        Assert.Equal(400, underOwnKid.Status);

        // Properly signed, but by another tied agency: the telegram was not sent to it.
        var byOther = other.Receipt(a.Did, sent.Id, sent.ContentHash, 7);
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, other.SignAndEncrypt(byOther, a.Did))).Status);

        // Signed by the recipient, but for other content, or for a telegram that does not exist.
        var wrongHash = peer.Receipt(a.Did, sent.Id, new string('0', 64), 7);
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, peer.SignAndEncrypt(wrongHash, a.Did))).Status);
        var unknown = peer.Receipt(a.Did, Guid.NewGuid(), sent.ContentHash, 7);
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, peer.SignAndEncrypt(unknown, a.Did))).Status);

        var after = await a.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound);
        Assert.NotEqual(TelegramStatus.Delivered, after!.Status);
        Assert.Null(after.Receipt);
        Assert.Equal(0, await EntriesAsync(a, RegisterKinds.Delivery));

        // The genuine receipt still delivers it: the refusals above were about the forgeries, not the telegram.
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, peer.SignAndEncrypt(claim, a.Did))).Status);
        await Eventually.UntilAsync(() => a.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound), t => t?.Status == TelegramStatus.Delivered,
            Deadline, "the genuine receipt delivers it");
    }

    [Fact]
    public async Task A_telegram_whose_from_is_not_its_signer_is_refused_even_when_both_are_tied()
    {
        await using var b = await TestAgency.StartAsync("Bravo");
        using var victim = await HostilePeer.TiedWithAsync(b, "Victim");
        using var forger = await HostilePeer.TiedWithAsync(b, "Forger");
        var claim = victim.Telegram(b.Did, 1, text: "Words put in the victim's mouth.");

        // Signed with the forger's own key and key id, claiming the victim as sender.
        var ownKid = await HostilePeer.PostAsync(b.Identity.Endpoint,
            forger.Packer.PackEncryptedPayload(HostilePeer.SignAs(claim, forger, forger.Identity.Signing.Kid!), new PackEncryptedOptions { To = b.Did }).Packed);
        Assert.Equal(400, ownKid.Status);

        // Signed with the forger's key under the victim's key id.
        var victimsKid = await HostilePeer.PostAsync(b.Identity.Endpoint,
            forger.Packer.PackEncryptedPayload(HostilePeer.SignAs(claim, forger, victim.Identity.Signing.Kid!), new PackEncryptedOptions { To = b.Did }).Packed);
        Assert.Equal(400, victimsKid.Status);

        // Authcrypted by the forger around the victim's genuine signature: the sender is not the message's from.
        byte[] genuine = victim.Packer.PackSigned(claim, victim.Did).Packed;
        var wrapped = await HostilePeer.PostAsync(b.Identity.Endpoint, forger.Packer.PackEncryptedPayload(genuine, new PackEncryptedOptions { To = b.Did, From = forger.Did }).Packed);
        Assert.Equal(400, wrapped.Status);

        Assert.Equal(0L, await InboundAsync(b));
    }

    [Fact]
    public async Task Messages_stripped_of_their_signature_or_their_encryption_are_refused()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var peer = await HostilePeer.TiedWithAsync(a);
        var sent = await ReleaseToAsync(a, peer);

        foreach (var message in new[] { peer.Telegram(a.Did, 1), peer.Receipt(a.Did, sent.Id, sent.ContentHash, 1) })
        {
            var downgrades = new (string Name, byte[] Packed)[]
            {
                ("anoncrypt without signature", peer.AnoncryptOnly(message, a.Did)),
                ("authcrypt without signature", peer.AuthcryptOnly(message, a.Did)),
                ("signed, not encrypted", peer.Packer.PackSigned(message, peer.Did).Packed),
                ("plaintext", Telex.DidComm.DidCommPacker.PackPlaintext(message)),
            };
            foreach (var (name, packed) in downgrades)
            {
                var answer = await HostilePeer.PostAsync(a.Identity.Endpoint, packed);
                Assert.True(answer == (400, "e.p.msg.unprotected"), $"{message.Type} as {name}: {answer}");
            }
        }

        Assert.Equal(0L, await InboundAsync(a));
        Assert.NotEqual(TelegramStatus.Delivered, (await a.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound))!.Status);
        Assert.Equal(0, await EntriesAsync(a, RegisterKinds.Delivery));
    }

    [Fact]
    public async Task A_relay_is_never_open_a_stranger_or_a_pair_its_policy_does_not_name_gets_nothing_queued()
    {
        await using var r = await TestAgency.StartAsync("Relay");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(r, b);
        using var tied = await HostilePeer.TiedWithAsync(r, "Tied");
        using var stranger = HostilePeer.Create("Stranger");
        byte[] innerFromTied = tied.SignAndEncrypt(tied.Telegram(b.Did, 1), b.Did);
        byte[] innerFromStranger = stranger.SignAndEncrypt(stranger.Telegram(b.Did, 1), b.Did);

        // The default policy relays for nobody.
        Assert.Equal((403, "e.p.relay.refused"), await HostilePeer.PostAsync(r.Identity.Endpoint, tied.Forward(r.Did, b.Did, innerFromTied)));
        Assert.Equal((403, "e.p.tie.none"), await HostilePeer.PostAsync(r.Identity.Endpoint, stranger.Forward(r.Did, b.Did, innerFromStranger)));
        Assert.Equal(0L, await r.Store.Relays.CountRelaysAsync());

        // With the pair Tied–Bravo permitted, a stranger is still no one's pair, and Tied may reach no one else.
        await r.Agency.Relays.AllowAsync(tied.Did, b.Did);
        Assert.Equal((403, "e.p.tie.none"), await HostilePeer.PostAsync(r.Identity.Endpoint, stranger.Forward(r.Did, b.Did, innerFromStranger)));
        Assert.Equal((403, "e.p.relay.refused"), await HostilePeer.PostAsync(r.Identity.Endpoint, tied.Forward(r.Did, stranger.Did, innerFromTied)));
        Assert.Equal(0L, await r.Store.Relays.CountRelaysAsync());

        // The permitted pair is relayed: the forwards above were refused for who sent them and where, not for their form.
        Assert.Equal(202, (await HostilePeer.PostAsync(r.Identity.Endpoint, tied.Forward(r.Did, b.Did, innerFromTied))).Status);
        Assert.Equal(0, await r.Store.Register.CountAsync(new RegisterQuery()));
    }
}
