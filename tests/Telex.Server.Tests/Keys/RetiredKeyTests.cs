using Telex.Core;
using Telex.Core.Identity;
using Telex.Core.Model;
using Telex.Core.Protocol;
using Telex.Core.Storage;
using Telex.DidComm;
using Telex.DidComm.Dids;
using Telex.TestKit;

namespace Telex.Server.Tests.Keys;

/// <summary>A counterpart's rotated-away key speaks for it only during the grace period; what it signed verifies for ever.</summary>
public sealed class RetiredKeyTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>A telegram signed with the old key under the old DID, as whoever kept (or stole) that key would send it.</summary>
    private static byte[] SignedWithOldKey(PriorIdentity prior, TestAgency to, long serial, DateTimeOffset now)
    {
        var secrets = new SecretResolver().Add(prior.Signing).Add(prior.Agreement);
        var packer = new DidCommPacker(new DidResolver(), secrets);
        var draft = new TelegramDraft { To = to.Did, Subject = "Signed with the old key " + serial, Body = "Still me?" };
        var message = TelegramWire.ToMessage(Guid.NewGuid(), prior.Did, "Bravo", draft, serial, now, now, "officer", now + TimeSpan.FromDays(1));
        return packer.PackEncryptedPayload(packer.PackSigned(message, prior.Did).Packed, new PackEncryptedOptions { To = to.Did }).Packed;
    }

    [Fact]
    public async Task The_old_DID_is_accepted_within_the_grace_period_refused_after_it_and_the_register_still_verifies()
    {
        var clock = new TestClock();
        await using var a = await TestAgency.StartAsync("Alpha", clock: clock);
        await using var b = await TestAgency.StartAsync("Bravo", clock: clock);
        await TestAgency.TieAsync(a, b);
        Assert.Equal(TimeSpan.FromDays(7), AgencyOptions.Default.RotatedKeyGrace);
        Assert.Equal(AgencyOptions.Default.RotatedKeyGrace, a.Agency.Options.RotatedKeyGrace);

        var rotation = await b.Agency.Keys.RotateKeysAsync();
        var prior = b.Identity.Priors.Single(p => p.Did == rotation.OldDid);
        await Eventually.UntilAsync(() => a.Store.Ties.GetTieAsync(rotation.OldDid), t => t?.PeerDid == rotation.NewDid, Deadline,
            "Alpha switched to Bravo's new DID");

        // Within the grace period (just before it ends), a message in flight under the old DID is accepted.
        clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(5));
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, SignedWithOldKey(prior, a, 1000, clock.GetUtcNow()))).Status);
        Assert.Equal(1, await a.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Inbound }));

        // The receipt Alpha issues for it is filed in the register a moment later, apart from the telegram.
        await Eventually.UntilAsync(() => a.Store.Register.QueryAsync(new RegisterQuery { Direction = Direction.Inbound }), t => t.Single().Receipt is not null,
            Deadline, "Alpha has filed its receipt for the telegram signed with the old key");

        // After it, the old key no longer speaks for Bravo: refused, and nothing is stored.
        clock.Advance(TimeSpan.FromMinutes(10));
        var head = await a.Store.Register.GetRegisterHeadAsync();
        Assert.Equal((403, "e.p.keys.retired"), await HostilePeer.PostAsync(a.Identity.Endpoint, SignedWithOldKey(prior, a, 1001, clock.GetUtcNow())));
        Assert.Equal(1, await a.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Inbound }));
        Assert.Equal(head, await a.Store.Register.GetRegisterHeadAsync());

        // Bravo under its new DID is unaffected, and both registers, with what the old key signed, still verify.
        var sent = await b.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = a.Did, Subject = "Under the new key", Body = "Text." }, "officer");
        await Eventually.UntilAsync(() => b.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound), t => t?.Status == TelegramStatus.Delivered, Deadline,
            "a telegram under the new DID delivered after the grace period");
        var reportA = await a.Agency.Register.VerifyRegisterAsync();
        Assert.True(reportA.Ok, string.Join('\n', reportA.Problems));
        var reportB = await b.Agency.Register.VerifyRegisterAsync();
        Assert.True(reportB.Ok, string.Join('\n', reportB.Problems));
    }
}
