using Telex.Core.Model;
using Telex.Core.Register;
using Telex.Core.Storage;

namespace Telex.Storage.Compliance;

/// <summary>Bureaus: charters, members, epochs, bulletins fanned out in one transaction, bureau issues.</summary>
public abstract partial class StoreComplianceTests
{
    private Bureau NewBureau(Guid? id = null) => new()
    {
        Id = id ?? Guid.NewGuid(),
        Name = "Eastern Information Bureau",
        Purpose = "Information on the situation in each country",
        Founder = Alpha,
        Secretariat = Alpha,
        Rule = new ReadinessRule(2),
        Status = BureauStatus.Proposed,
        CreatedAt = Now,
        ChangedAt = Now,
        Members =
        [
            new BureauMember { Did = Alpha, Name = "Alpha", Endpoint = EndpointOf(Alpha), State = MemberState.Accepted },
            new BureauMember { Did = Bravo, Name = "Bravo", Endpoint = EndpointOf(Bravo) },
            new BureauMember { Did = Charlie, Name = "Charlie" },
        ],
    };

    private BureauEpoch EpochOf(Bureau bureau, long number, params string[] members) => new()
    {
        BureauId = bureau.Id,
        Number = number,
        Members = bureau.Members.Where(m => members.Contains(m.Did)).Select(m => m with { State = MemberState.Joined }).ToArray(),
        OpenedAt = Now,
    };

    private BureauLogEntry LogEntry(string action, long? epoch = null) => new(action, Alpha, epoch, [Alpha, Bravo], Now);

    [Fact]
    public async Task A_bureau_is_created_once_with_its_members_entry_and_outbox_items()
    {
        var bureau = NewBureau();
        Assert.True(await Store.Bureaus.CreateBureauAsync(new BureauChange { Bureau = bureau, Log = [LogEntry("proposed")], Outbox = [MessageItem(Bravo, Now)] }));
        Assert.False(await Store.Bureaus.CreateBureauAsync(new BureauChange { Bureau = bureau with { Name = "Other" }, Log = [LogEntry("proposed")] }));

        AssertSameFields(bureau, await Store.Bureaus.GetBureauAsync(bureau.Id));
        Assert.Single(await Store.Bureaus.ListBureausAsync());
        Assert.Null(await Store.Bureaus.GetBureauAsync(Guid.NewGuid()));
        Assert.Single(await ClaimEverythingDueAsync());
        var entry = Assert.Single((await Store.Register.ReadRegisterAsync()).Entries);
        Assert.Equal((RegisterKinds.Bureau, $"bureau/{bureau.Id}/proposed"), (entry.Kind, entry.Reference));
        Assert.Equal(RegisterChain.BureauContent(bureau.Id, LogEntry("proposed")), entry.Content);
    }

    [Fact]
    public async Task A_bureau_change_writes_the_bureau_its_epoch_entries_and_outbox_items_together_or_nothing()
    {
        var bureau = NewBureau();
        await Store.Bureaus.CreateBureauAsync(new BureauChange { Bureau = bureau, Log = [LogEntry("proposed")] });
        Clock.Advance(TimeSpan.FromSeconds(1));

        // A change that throws writes nothing; one that returns null changes nothing.
        await Assert.ThrowsAsync<Refused>(() => Store.Bureaus.ChangeBureauAsync(bureau.Id, (_, _) => throw new Refused()));
        Assert.Null(await Store.Bureaus.ChangeBureauAsync(Guid.NewGuid(), (b, _) => new BureauChange { Bureau = b }));
        AssertSameFields(bureau, await Store.Bureaus.ChangeBureauAsync(bureau.Id, (_, _) => null));
        Assert.Single((await Store.Register.ReadRegisterAsync()).Entries);

        var chartered = bureau with
        {
            Status = BureauStatus.Chartered,
            Epoch = 1,
            ChangedAt = Now,
            Members = bureau.Members.Select(m => m.Did == Alpha ? m with { State = MemberState.Joined } : m).ToList(),
        };
        var epoch1 = EpochOf(bureau, 1, Alpha);
        BureauEpoch? seen = epoch1;
        var result = await Store.Bureaus.ChangeBureauAsync(bureau.Id, (b, current) =>
        {
            seen = current;
            return new BureauChange { Bureau = chartered, NewEpoch = epoch1, Log = [LogEntry("chartered"), LogEntry("epoch", 1)], Outbox = [MessageItem(Bravo, Now)] };
        });
        Assert.Null(seen);
        AssertSameFields(chartered, result);
        AssertSameFields(chartered, await Store.Bureaus.GetBureauAsync(bureau.Id));
        var held = await Store.Bureaus.GetBureauEpochAsync(bureau.Id, 1);
        Assert.Equal(epoch1.Members, held!.Members);
        Assert.Equal((1L, epoch1.OpenedAt), (held.Number, held.OpenedAt));
        Assert.Equal(["proposed", "chartered", "epoch/1"], (await Store.Register.ReadRegisterAsync()).Entries.Select(e => e.Reference.Split('/', 3)[2]));
        Assert.Single(await ClaimEverythingDueAsync());

        // The current epoch is handed to the change; an epoch filed already is not filed again (nothing written).
        var epoch2 = EpochOf(bureau, 2, Alpha, Bravo);
        await Store.Bureaus.ChangeBureauAsync(bureau.Id, (b, current) =>
        {
            seen = current;
            return new BureauChange { Bureau = b with { Epoch = 2 }, NewEpoch = epoch2, Log = [LogEntry("epoch", 2)] };
        });
        Assert.Equal(1, seen!.Number);
        var unchanged = await Store.Bureaus.ChangeBureauAsync(bureau.Id, (b, _) => new BureauChange { Bureau = b with { Name = "Renamed" }, NewEpoch = epoch2, Log = [LogEntry("epoch", 2)] });
        Assert.Equal("Eastern Information Bureau", unchanged!.Name);
        Assert.Equal([1L, 2L], (await Store.Bureaus.ListBureauEpochsAsync(bureau.Id)).Select(e => e.Number));
        Assert.Equal(2, (await Store.Bureaus.GetBureauEpochAsync(bureau.Id, 2))!.Members.Count);
        Assert.Null(await Store.Bureaus.GetBureauEpochAsync(bureau.Id, 3));
        Assert.Equal(4, (await Store.Register.ReadRegisterAsync()).Entries.Count);
    }

    [Fact]
    public async Task A_fan_out_releases_one_telegram_per_peer_with_its_own_serial_in_one_transaction()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        await Store.Ties.SaveTieAsync(NewTie(Bravo));
        await ReleaseToAsync(Bravo);
        var bureauId = Guid.NewGuid();
        var released = await Store.Telegrams.ReleaseFanOutAsync([Alpha, Bravo], (peer, serial) =>
        {
            var record = OutboundRecord(peer, serial, Now) with { BureauId = bureauId, BureauEpoch = 3 };
            return (record, OutboxItemFor(record, Now));
        });

        Assert.Equal([(Alpha, 1L), (Bravo, 2L)], released.Select(t => (t.Counterpart, t.Serial)));
        foreach (var t in released)
        {
            AssertSameFields(t, await Store.Telegrams.GetTelegramAsync(t.Id, Direction.Outbound));
        }

        Assert.Equal((bureauId, 3L), ((await Store.Telegrams.GetTelegramAsync(released[0].Id, Direction.Outbound))!.BureauId!.Value, 3L));
        Assert.Equal(3, (await ClaimEverythingDueAsync()).Count);

        // All or none: a failure for the second peer, or an unknown tie, leaves the first unreleased.
        long entries = (await Store.Register.GetRegisterHeadAsync()).Count;
        await Assert.ThrowsAsync<Refused>(() => Store.Telegrams.ReleaseFanOutAsync([Alpha, Bravo], (peer, serial) =>
            peer == Bravo ? throw new Refused() : (OutboundRecord(peer, serial, Now), OutboxItemFor(OutboundRecord(peer, serial, Now), Now))));
        await Assert.ThrowsAnyAsync<Exception>(() => Store.Telegrams.ReleaseFanOutAsync([Alpha, Charlie], (peer, serial) =>
        {
            var record = OutboundRecord(peer, serial, Now);
            return (record, OutboxItemFor(record, Now));
        }));
        Assert.Equal(entries, (await Store.Register.GetRegisterHeadAsync()).Count);
        Assert.Equal(1, (await Store.Ties.GetTieAsync(Alpha))!.LastSentSerial);
        Assert.Equal(2, (await Store.Ties.GetTieAsync(Bravo))!.LastSentSerial);
    }

    [Fact]
    public async Task A_bureau_issue_is_opened_and_changed_with_one_outbox_item_per_member()
    {
        string counterpart = BureauIssues.Counterpart(Guid.NewGuid());
        var opening = Opening(Guid.NewGuid().ToString(), Alpha);
        var issue = IssueOf(opening, counterpart);
        Assert.True(await Store.Bureaus.OpenBureauIssueAsync(issue, opening, [MessageItem(Bravo, Now), MessageItem(Charlie, Now)]));
        Assert.False(await Store.Bureaus.OpenBureauIssueAsync(issue, Opening(issue.Id, Alpha), [MessageItem(Bravo, Now)]));
        AssertSameFields(issue with { Number = 1 }, await Store.Issues.GetIssueAsync(issue.Id));
        Assert.NotNull((await Store.Issues.GetIssueAsync(issue.Id))!.BureauId);
        Assert.Equal(2, (await ClaimEverythingDueAsync()).Count);

        Clock.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<Refused>(() => Store.Issues.AppendIssueEventAsync(issue.Id, (_, _) => throw new Refused()));
        Assert.Null(await Store.Issues.AppendIssueEventAsync("no-such-issue", (_, clock) => new IssueChange(Change("no-such-issue", clock, Alpha, IssueStatus.Closed, "x"), [])));
        var change = await Store.Issues.AppendIssueEventAsync(issue.Id, (_, clock) =>
            new IssueChange(Change(issue.Id, clock, Alpha, IssueStatus.Agreed, "Agreed by all"), [MessageItem(Bravo, Now), MessageItem(Charlie, Now)]));
        Assert.Equal(2, change!.Clock);
        Assert.Equal(IssueStatus.Agreed, (await Store.Issues.GetIssueAsync(issue.Id))!.Status);
        Assert.Equal(2, (await ClaimEverythingDueAsync()).Count);
        Assert.Equal(2, (await Store.Register.ReadRegisterAsync()).Entries.Count(e => e.Kind == RegisterKinds.IssueStatus));
    }

    [Fact]
    public async Task A_bureaus_prospects_are_kept_in_order_replaced_by_a_change_and_carried_by_the_register_snapshot()
    {
        var shenyang = new BureauProspect { EntryId = Guid.NewGuid(), Name = "Shenyang", AddedAt = Now };
        var pyongyang = new BureauProspect { EntryId = Guid.NewGuid(), Name = "Pyongyang", AddedAt = Now.AddSeconds(1) };
        var bureau = NewBureau() with { Prospects = [shenyang, pyongyang] };
        var other = NewBureau() with { Name = "Other", Prospects = [pyongyang] };
        await Store.Bureaus.CreateBureauAsync(new BureauChange { Bureau = bureau, Log = [LogEntry("proposed")] });
        await Store.Bureaus.CreateBureauAsync(new BureauChange { Bureau = other, Log = [LogEntry("proposed")] });

        Assert.Equal([shenyang, pyongyang], (await Store.Bureaus.GetBureauAsync(bureau.Id))!.Prospects);
        Assert.Equal([shenyang, pyongyang], (await Store.Bureaus.ListBureausAsync()).Single(b => b.Id == bureau.Id).Prospects);

        // A change that throws leaves them; one that promotes a prospect to a member replaces both lists together.
        await Assert.ThrowsAsync<Refused>(() => Store.Bureaus.ChangeBureauAsync(bureau.Id, (_, _) => throw new Refused()));
        Assert.Equal(2, (await Store.Bureaus.GetBureauAsync(bureau.Id))!.Prospects.Count);
        const string Delta = "did:example:delta";
        var promoted = await Store.Bureaus.ChangeBureauAsync(bureau.Id, (b, _) => new BureauChange
        {
            Bureau = b with { Members = [.. b.Members, new BureauMember { Did = Delta, Name = "Shenyang" }], Prospects = [pyongyang] },
            Log = [new BureauLogEntry("member-added", Delta, null, [Delta], Now)],
        });
        var held = await Store.Bureaus.GetBureauAsync(bureau.Id);
        AssertSameFields(promoted!, held);
        Assert.Equal([pyongyang], held!.Prospects);
        Assert.Equal([Alpha, Bravo, Charlie, Delta], held.Members.Select(m => m.Did));
        Assert.Equal([pyongyang], (await Store.Bureaus.GetBureauAsync(other.Id))!.Prospects);
        Assert.Contains((await Store.Register.ReadRegisterAsync()).Entries, e => e.Reference == $"bureau/{bureau.Id}/member-added");

        // The snapshot an export is written from carries them.
        Assert.Equal([pyongyang], (await Store.Register.ReadRegisterAsync()).Bureaus.Single(b => b.Id == bureau.Id).Prospects);
    }
}
