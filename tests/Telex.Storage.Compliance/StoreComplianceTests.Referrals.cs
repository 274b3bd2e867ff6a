using Telex.Core.Model;
using Telex.Core.Register;
using Telex.Core.Storage;

namespace Telex.Storage.Compliance;

/// <summary>Outcome terms, referrals bringing an agency into an issue, and the short numbers of issues and drafts.</summary>
public abstract partial class StoreComplianceTests
{
    [Fact]
    public async Task Issues_and_drafts_are_numbered_one_two_three_in_filing_order_and_found_by_their_numbers()
    {
        string first = await OpenIssueAsync("Aid to the Orient");
        string second = await OpenIssueAsync("Eastern bureau");
        var shared = Opening("shared-by-charlie", Charlie, "Harvest");
        Assert.True(await Store.Issues.ShareIssueAsync(IssueOf(shared, Charlie), [shared], []));

        Assert.Equal([1L, 2L, 3L], new[] { first, second, shared.IssueId }.Select(id => Store.Issues.GetIssueAsync(id).Result!.Number));
        Assert.Equal("Eastern bureau", (await Store.Issues.GetIssueByNumberAsync(2))!.Title);
        Assert.Null(await Store.Issues.GetIssueByNumberAsync(4));

        await Store.Ties.SaveTieAsync(NewTie(Bravo));
        var a = NewDraft();
        var b = NewDraft();
        await Store.Clearance.CreateDraftAsync(a, new ClearanceLogEntry(a.Id, Now, "drafter", "submitted", null), []);
        await Store.Clearance.CreateDraftAsync(b, new ClearanceLogEntry(b.Id, Now, "drafter", "submitted", null), []);
        Assert.Equal((1L, 2L), ((await Store.Clearance.GetDraftAsync(a.Id))!.Number, (await Store.Clearance.GetDraftAsync(b.Id))!.Number));
        Assert.Equal(b.Id, (await Store.Clearance.GetDraftByNumberAsync(2))!.Id);
        Assert.Null(await Store.Clearance.GetDraftByNumberAsync(3));
    }

    [Fact]
    public async Task A_referral_files_its_change_the_agency_it_brings_in_and_a_share_built_from_every_event_in_one_transaction()
    {
        string id = await OpenIssueAsync();
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await Store.Issues.RecordIssueEventAsync(Change(id, 2, Bravo, IssueStatus.Deferred, "Premature") with { Term = "premature" }));
        await ClaimEverythingDueAsync();

        // A refused build writes nothing: no event, no participant, no outbox item.
        await Assert.ThrowsAsync<Refused>(() => Store.Issues.AppendIssueEventAsync(id, (_, _) => throw new Refused()));
        Assert.Empty(await Store.Issues.ListIssueParticipantsAsync(id));

        IReadOnlyList<IssueEvent>? shared = null;
        var referral = await Store.Issues.AppendIssueEventAsync(id, (_, clock) =>
        {
            var e = Change(id, clock, Alpha, IssueStatus.Referred, "Agree on these in Shenyang", "Charlie") with { Term = "referred", ReferredToDid = Charlie };
            return new IssueChange(e, [MessageItem(Bravo, Now)], new IssueParticipant(id, Charlie, "Charlie"), events =>
            {
                shared = events;
                return MessageItem(Charlie, Now);
            });
        });

        Assert.Equal(3, referral!.Clock);
        Assert.Equal(["Eastern bureau", "Premature", "Agree on these in Shenyang"], shared!.Select(e => e.Title ?? e.Outcome));
        Assert.Equal([new IssueParticipant(id, Charlie, "Charlie")], await Store.Issues.ListIssueParticipantsAsync(id));
        Assert.Equal(2, (await ClaimEverythingDueAsync()).Count);
        var issue = (await Store.Issues.GetIssueAsync(id))!;
        Assert.Equal((IssueStatus.Referred, "referred", "Charlie"), (issue.Status, issue.Term, issue.ReferredTo));
        var events = await Store.Issues.ListIssueEventsAsync(id);
        Assert.Equal([null, "premature", "referred"], events.Select(e => e.Term));
        Assert.Equal(Charlie, events[^1].ReferredToDid);
        Assert.True(RegisterVerifier.Verify(await Store.Register.ReadRegisterAsync(), Alpha, NoSignatures).Ok);
    }

    [Fact]
    public async Task A_change_received_is_filed_with_the_items_passing_it_on_and_the_agency_it_brings_in_or_not_at_all()
    {
        string id = await OpenIssueAsync();
        await ClaimEverythingDueAsync();
        var byBravo = Change(id, 2, Bravo, IssueStatus.Referred, "Over to Delta", "Delta") with { Term = "referred", ReferredToDid = "did:example:delta" };

        Assert.True(await Store.Issues.RecordIssueEventAsync(byBravo, [MessageItem(Charlie, Now)], new IssueParticipant(id, "did:example:delta", "Delta")));
        Assert.Single(await ClaimEverythingDueAsync());
        Assert.Equal(["Delta"], (await Store.Issues.ListIssueParticipantsAsync(id)).Select(p => p.Name));

        // The same event again is not filed, passed on or joined twice.
        Assert.False(await Store.Issues.RecordIssueEventAsync(byBravo, [MessageItem(Charlie, Now)], new IssueParticipant(id, "did:example:echo", "Echo")));
        Assert.Empty(await ClaimEverythingDueAsync());
        Assert.Single(await Store.Issues.ListIssueParticipantsAsync(id));
        Assert.Equal("Delta", (await Store.Issues.GetIssueAsync(id))!.ReferredTo);
    }

    [Fact]
    public async Task A_shared_issue_is_filed_with_its_history_once_and_a_second_share_adds_only_what_is_new()
    {
        var opening = Opening("aid", Bravo, "Aid to the Orient");
        var premature = Change("aid", 2, Alpha, IssueStatus.Deferred, "Premature") with { Term = "premature" };
        var referral = Change("aid", 3, Alpha, IssueStatus.Referred, "To Charlie", "Charlie") with { Term = "referred", ReferredToDid = Charlie };
        var issue = IssueOf(opening, Alpha);

        Assert.True(await Store.Issues.ShareIssueAsync(issue, [opening, premature, referral], [new IssueParticipant("aid", Bravo, "Bravo")]));
        var later = Change("aid", 4, Bravo, IssueStatus.Agreed, "Granted") with { Term = "granted" };
        Assert.False(await Store.Issues.ShareIssueAsync(issue, [opening, premature, referral, later], [new IssueParticipant("aid", Bravo, "Bravo")]));

        var filed = (await Store.Issues.GetIssueAsync("aid"))!;
        Assert.Equal((Bravo, Alpha, "granted", IssueStatus.Agreed, 4L), (filed.OpenedBy, filed.Counterpart, filed.Term, filed.Status, filed.Clock));
        Assert.Equal(4, (await Store.Issues.ListIssueEventsAsync("aid")).Count);
        Assert.Single(await Store.Issues.ListIssueParticipantsAsync("aid"));
        Assert.Equal(4, (await Store.Register.ReadRegisterAsync()).Entries.Count(e => e.Kind == RegisterKinds.IssueStatus));
        Assert.True(RegisterVerifier.Verify(await Store.Register.ReadRegisterAsync(), Alpha, NoSignatures).Ok);
        Assert.Equal(["aid"], (await Store.Issues.ListIssuesAsync(new IssueQuery { Term = "granted" })).Select(i => i.Id));
        Assert.Empty(await Store.Issues.ListIssuesAsync(new IssueQuery { Term = "premature" }));
    }
}
