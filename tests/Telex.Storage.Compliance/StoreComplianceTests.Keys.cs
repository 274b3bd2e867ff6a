using Telex.Core;
using Telex.Core.Model;
using Telex.Core.Register;
using Telex.Core.Storage;

namespace Telex.Storage.Compliance;

/// <summary>Key rotations: own ones with their announcements, counterparts' with the aliases of their ties.</summary>
public abstract partial class StoreComplianceTests
{
    private const string AlphaRotated = "did:example:alpha-2";
    private const string AlphaRotatedTwice = "did:example:alpha-3";

    private KeyRotation Rotation(string oldDid, string newDid, bool own = false) =>
        new(OldDid: oldDid, NewDid: newDid, FromPrior: "header.claims-" + newDid + ".signature", At: Now, Own: own);

    [Fact]
    public async Task A_counterparts_rotation_keeps_its_tie_under_the_new_did_and_the_old_one_resolves_to_it()
    {
        var tie = FullTie(Alpha) with { Status = TieStatus.Established };
        await Store.Ties.SaveTieAsync(tie);
        await ReleaseToAsync(Alpha);
        await ReleaseToAsync(Alpha);

        Assert.True(await Store.Keys.RotateCounterpartAsync(Rotation(Alpha, AlphaRotated), "https://alpha2.example/didcomm"));

        var expected = tie with { PeerDid = AlphaRotated, PeerEndpoint = "https://alpha2.example/didcomm", LastSentSerial = 2 };
        AssertSameFields(expected, await Store.Ties.GetTieAsync(AlphaRotated));
        AssertSameFields(expected, await Store.Ties.GetTieAsync(Alpha));
        Assert.Single(await Store.Ties.ListTiesAsync());

        // The serial counter carries on under the new DID.
        var (third, _) = await ReleaseToAsync(AlphaRotated);
        Assert.Equal(3, third.Serial);
    }

    [Fact]
    public async Task A_second_rotation_moves_every_earlier_did_to_the_newest()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        await ReceiveFromAsync(Alpha, 1);
        await Store.Keys.RotateCounterpartAsync(Rotation(Alpha, AlphaRotated), EndpointOf(Alpha));
        await ReceiveFromAsync(AlphaRotated, 2);

        await Store.Keys.RotateCounterpartAsync(Rotation(AlphaRotated, AlphaRotatedTwice), EndpointOf(Alpha));
        await ReceiveFromAsync(AlphaRotatedTwice, 4);

        foreach (string did in new[] { Alpha, AlphaRotated, AlphaRotatedTwice })
        {
            Assert.Equal(AlphaRotatedTwice, (await Store.Ties.GetTieAsync(did))!.PeerDid);
            Assert.Equal([1, 2, 4], await Store.Telegrams.ReceivedSerialsAsync(did));
            Assert.Equal(3, await Store.Register.CountAsync(new RegisterQuery { Counterpart = did }));
        }
    }

    [Fact]
    public async Task Outbox_items_and_resend_lookups_follow_a_rotated_counterpart()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        var (first, _) = await ReleaseToAsync(Alpha);
        await Store.Outbox.EnqueueAsync(MessageItem(Alpha, Now));

        await Store.Keys.RotateCounterpartAsync(Rotation(Alpha, AlphaRotated), "https://alpha2.example/didcomm");

        var due = await ClaimEverythingDueAsync();
        Assert.Equal(2, due.Count);
        Assert.All(due, item => Assert.Equal(AlphaRotated, item.PeerDid));
        Assert.All(due, item => Assert.Equal("https://alpha2.example/didcomm", item.Endpoint));
        Assert.Equal(2, (await Store.Outbox.OutboxDepthAsync())[AlphaRotated]);
        Assert.Equal([first.Id], await Store.Telegrams.OutboundIdsBySerialAsync(AlphaRotated, [1]));
        Assert.True(await Store.Outbox.RequeueAsync(first.Id, AlphaRotated, Now));

        // The telegram keeps the DID it was filed under: the register does not change.
        Assert.Equal(Alpha, (await Store.Telegrams.GetTelegramAsync(first.Id, Direction.Outbound))!.Counterpart);
    }

    [Fact]
    public async Task A_tie_saved_under_an_old_did_updates_the_rotated_tie()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        await Store.Keys.RotateCounterpartAsync(Rotation(Alpha, AlphaRotated), EndpointOf(Alpha));
        var stale = NewTie(Alpha) with { Status = TieStatus.Suspended };

        await Store.Ties.SaveTieAsync(stale);

        var ties = await Store.Ties.ListTiesAsync();
        Assert.Single(ties);
        Assert.Equal(AlphaRotated, ties[0].PeerDid);
        Assert.Equal(TieStatus.Suspended, ties[0].Status);
    }

    [Fact]
    public async Task A_rotation_enters_the_chain_with_its_content_and_the_register_still_verifies()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        await ReceiveFromAsync(Alpha, 1);
        var theirs = Rotation(Alpha, AlphaRotated);
        var ours = Rotation(Bravo, "did:example:bravo-2", own: true);

        await Store.Keys.RotateCounterpartAsync(theirs, EndpointOf(Alpha));
        await Store.Keys.FileOwnRotationAsync(ours, [MessageItem(AlphaRotated, Now)]);

        var register = await Store.Register.ReadRegisterAsync();
        var entries = register.Entries.Where(e => e.Kind == RegisterKinds.KeyRotation).ToList();
        Assert.Equal(2, entries.Count);
        Assert.Equal(RegisterChain.KeyRotationReference(Alpha), entries[0].Reference);
        Assert.Equal(RegisterChain.KeyRotationContent(theirs), entries[0].Content);
        Assert.Equal(RegisterChain.KeyRotationContent(ours), entries[1].Content);
        Assert.True(RegisterVerifier.Verify(register, Bravo, NoSignatures).Ok);
        Assert.Equal([Alpha, Bravo], (await Store.Keys.ListKeyRotationsAsync()).Select(r => r.OldDid));
        Assert.Equal([false, true], (await Store.Keys.ListKeyRotationsAsync()).Select(r => r.Own));
    }

    [Fact]
    public async Task An_own_rotation_is_filed_once_with_its_announcements()
    {
        var rotation = Rotation(Bravo, "did:example:bravo-2", own: true);
        var head = await Store.Register.GetRegisterHeadAsync();

        Assert.True(await Store.Keys.FileOwnRotationAsync(rotation, [MessageItem(Alpha, Now), MessageItem(Charlie, Now)]));
        Assert.False(await Store.Keys.FileOwnRotationAsync(rotation, [MessageItem(Alpha, Now)]));

        Assert.Equal(2, (await ClaimEverythingDueAsync()).Count);
        Assert.Equal(head.Count + 1, (await Store.Register.GetRegisterHeadAsync()).Count);
        AssertSameFields(rotation, Assert.Single(await Store.Keys.ListKeyRotationsAsync()));
    }

    [Fact]
    public async Task A_repeated_rotation_changes_nothing_and_a_conflicting_one_is_refused()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        await Store.Ties.SaveTieAsync(NewTie(Bravo));
        Assert.True(await Store.Keys.RotateCounterpartAsync(Rotation(Alpha, AlphaRotated), EndpointOf(Alpha)));
        var head = await Store.Register.GetRegisterHeadAsync();

        Assert.False(await Store.Keys.RotateCounterpartAsync(Rotation(Alpha, AlphaRotated), EndpointOf(Alpha)));
        var other = await Assert.ThrowsAsync<TelexException>(() => Store.Keys.RotateCounterpartAsync(Rotation(Alpha, "did:example:elsewhere"), EndpointOf(Alpha)));
        Assert.Equal(TelexErrorKind.Conflict, other.Kind);
        var taken = await Assert.ThrowsAsync<TelexException>(() => Store.Keys.RotateCounterpartAsync(Rotation(Bravo, AlphaRotated), EndpointOf(Bravo)));
        Assert.Equal(TelexErrorKind.Conflict, taken.Kind);
        var unknown = await Assert.ThrowsAsync<TelexException>(() => Store.Keys.RotateCounterpartAsync(Rotation(Charlie, "did:example:charlie-2"), EndpointOf(Charlie)));
        Assert.Equal(TelexErrorKind.NotFound, unknown.Kind);

        Assert.Equal(head, await Store.Register.GetRegisterHeadAsync());
        Assert.Equal(2, (await Store.Ties.ListTiesAsync()).Count);
        Assert.Equal(Bravo, (await Store.Ties.GetTieAsync(Bravo))!.PeerDid);
        Assert.Single(await Store.Keys.ListKeyRotationsAsync());
    }
}
