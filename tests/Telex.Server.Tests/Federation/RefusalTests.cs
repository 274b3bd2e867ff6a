using Telex.Core.Storage;
using Telex.DidComm;
using Telex.TestKit;

namespace Telex.Server.Tests.Federation;

/// <summary>Whatever a stranger, a forger or a replayer sends is refused with a reason, and nothing is stored.</summary>
public sealed class RefusalTests
{
    private static async Task AssertRegisterEmpty(TestAgency agency)
    {
        Assert.Empty(await agency.Store.Register.QueryAsync(new RegisterQuery { Direction = Direction.Inbound }));
    }

    [Fact]
    public async Task A_telegram_from_an_agency_without_a_tie_is_refused_and_not_stored()
    {
        await using var b = await TestAgency.StartAsync("Bravo");
        using var stranger = HostilePeer.Create();

        var (status, code) = await HostilePeer.PostAsync(b.Identity.Endpoint, stranger.SignAndEncrypt(stranger.Telegram(b.Did, 1), b.Did));

        Assert.Equal(403, status);
        Assert.Equal("e.p.tie.none", code);
        await AssertRegisterEmpty(b);
        Assert.Null(await b.Store.Ties.GetTieAsync(stranger.Did));
    }

    [Fact]
    public async Task A_telegram_over_a_severed_tie_is_refused()
    {
        await using var b = await TestAgency.StartAsync("Bravo");
        using var peer = await HostilePeer.TiedWithAsync(b);
        Assert.Equal(202, (await HostilePeer.PostAsync(b.Identity.Endpoint, peer.SignAndEncrypt(peer.Telegram(b.Did, 1), b.Did))).Status);

        await b.Agency.Ties.ChangeTieStatusAsync(peer.Did, TieStatus.Severed);
        var (status, code) = await HostilePeer.PostAsync(b.Identity.Endpoint, peer.SignAndEncrypt(peer.Telegram(b.Did, 2), b.Did));

        Assert.Equal(403, status);
        Assert.Equal("e.p.tie.none", code);
        Assert.Single(await b.Store.Register.QueryAsync(new RegisterQuery { Direction = Direction.Inbound }));
    }

    [Fact]
    public async Task A_reused_invitation_is_refused()
    {
        await using var b = await TestAgency.StartAsync("Bravo");
        using var first = HostilePeer.Create("First");
        using var second = HostilePeer.Create("Second");
        var invitation = await b.Agency.Ties.CreateInvitationAsync();

        Assert.Equal(202, (await HostilePeer.PostAsync(b.Identity.Endpoint, first.TieRequest(invitation))).Status);
        var (status, code) = await HostilePeer.PostAsync(b.Identity.Endpoint, second.TieRequest(invitation));

        Assert.Equal(403, status);
        Assert.Equal("e.p.tie.invitation", code);
        Assert.Null(await b.Store.Ties.GetTieAsync(second.Did));
    }

    [Fact]
    public async Task An_expired_invitation_is_refused_by_both_sides()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        using var peer = HostilePeer.Create();
        var invitation = await b.Agency.Ties.CreateInvitationAsync(TimeSpan.FromSeconds(1));
        await Eventually.UntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow), now => now > invitation.ExpiresAt.AddMilliseconds(100),
            TimeSpan.FromSeconds(10), "the invitation expires");

        var refused = await Assert.ThrowsAsync<Telex.Core.TelexException>(() => a.Agency.Ties.AcceptInvitationAsync(invitation.Code));
        Assert.Contains("expired", refused.Message, StringComparison.Ordinal);
        var (status, code) = await HostilePeer.PostAsync(b.Identity.Endpoint, peer.TieRequest(invitation));
        Assert.Equal(403, status);
        Assert.Equal("e.p.tie.invitation", code);
        Assert.Empty(await b.Store.Ties.ListTiesAsync());
    }

    [Fact]
    public async Task A_telegram_signed_by_another_key_than_its_senders_is_refused()
    {
        await using var b = await TestAgency.StartAsync("Bravo");
        using var peer = await HostilePeer.TiedWithAsync(b);
        using var other = HostilePeer.Create("Other");

        // A well-formed telegram whose 'from' is the tied peer, signed with another agency's key: once under that
        // key's own id (the signer is not the sender), once under the peer's key id (the signature does not verify).
        var claim = peer.Telegram(b.Did, 1);
        Assert.Equal(peer.Did, claim.From);
        byte[] underOwnKid = HostilePeer.SignAs(claim, other, other.Identity.Signing.Kid!);
        byte[] underPeersKid = HostilePeer.SignAs(claim, other, peer.Identity.Signing.Kid!);

        Assert.Equal((400, "e.p.msg.malformed"), await HostilePeer.PostAsync(b.Identity.Endpoint, peer.Packer.PackEncryptedPayload(underOwnKid, new PackEncryptedOptions { To = b.Did }).Packed));
        Assert.Equal((400, "e.p.msg.tampered"), await HostilePeer.PostAsync(b.Identity.Endpoint, peer.Packer.PackEncryptedPayload(underPeersKid, new PackEncryptedOptions { To = b.Did }).Packed));
        await AssertRegisterEmpty(b);

        // The same telegram signed with the peer's own key is registered: only the key was wrong.
        Assert.Equal(202, (await HostilePeer.PostAsync(b.Identity.Endpoint, peer.SignAndEncrypt(claim, b.Did))).Status);
        var registered = Assert.Single(await b.Store.Register.QueryAsync(new RegisterQuery { Direction = Direction.Inbound }));
        Assert.Equal(Guid.Parse(claim.Id), registered.Id);
    }

    [Fact]
    public async Task A_tampered_telegram_is_refused()
    {
        await using var b = await TestAgency.StartAsync("Bravo");
        using var peer = await HostilePeer.TiedWithAsync(b);
        byte[] packed = peer.SignAndEncrypt(peer.Telegram(b.Did, 1), b.Did);
        string text = System.Text.Encoding.UTF8.GetString(packed);
        int at = text.IndexOf("\"ciphertext\":\"", StringComparison.Ordinal) + 20;
        packed[at] = (byte)(packed[at] == 'A' ? 'B' : 'A');

        var (status, code) = await HostilePeer.PostAsync(b.Identity.Endpoint, packed);

        Assert.Equal(400, status);
        Assert.Equal("e.p.msg.tampered", code);
        await AssertRegisterEmpty(b);
    }

    [Fact]
    public async Task A_replayed_telegram_is_registered_once_and_an_expired_replay_is_refused()
    {
        await using var b = await TestAgency.StartAsync("Bravo");
        using var peer = await HostilePeer.TiedWithAsync(b);
        byte[] packed = peer.SignAndEncrypt(peer.Telegram(b.Did, 1), b.Did);

        Assert.Equal(202, (await HostilePeer.PostAsync(b.Identity.Endpoint, packed)).Status);
        Assert.Equal(202, (await HostilePeer.PostAsync(b.Identity.Endpoint, packed)).Status);
        Assert.Single(await b.Store.Register.QueryAsync(new RegisterQuery { Direction = Direction.Inbound }));

        // The same id with other content is a conflict, never an overwrite.
        var id = (await b.Store.Register.QueryAsync(new RegisterQuery()))[0].Id;
        var (status, code) = await HostilePeer.PostAsync(b.Identity.Endpoint, peer.SignAndEncrypt(peer.Telegram(b.Did, 1, id, "Changed text"), b.Did));
        Assert.Equal(409, status);
        Assert.Equal("e.p.msg.conflict", code);

        // A message past its expiry is refused outright.
        var stale = peer.SignAndEncrypt(peer.Telegram(b.Did, 2, expires: DateTimeOffset.UtcNow.AddMinutes(-1)), b.Did);
        (status, code) = await HostilePeer.PostAsync(b.Identity.Endpoint, stale);
        Assert.Equal(400, status);
        Assert.Equal("e.p.msg.expired", code);
        var register = await b.Store.Register.QueryAsync(new RegisterQuery { Direction = Direction.Inbound });
        Assert.Equal("Nothing to see here.", Assert.Single(register).Body);
    }

    [Fact]
    public async Task Garbage_and_unencrypted_messages_are_refused_with_a_problem_document()
    {
        await using var b = await TestAgency.StartAsync("Bravo");
        using var peer = await HostilePeer.TiedWithAsync(b);

        Assert.Equal((400, "e.p.msg.malformed"), await HostilePeer.PostAsync(b.Identity.Endpoint, "not json"u8.ToArray()));
        byte[] signedOnly = peer.Packer.PackSigned(peer.Telegram(b.Did, 1), peer.Did).Packed;
        Assert.Equal((400, "e.p.msg.unprotected"), await HostilePeer.PostAsync(b.Identity.Endpoint, signedOnly));
        await AssertRegisterEmpty(b);
    }
}
