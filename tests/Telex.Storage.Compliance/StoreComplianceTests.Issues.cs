using Telex.Core.Model;
using Telex.Core.Storage;

namespace Telex.Storage.Compliance;

/// <summary>Issues and their events; drafts, clearance steps and coordination requests; read receipts at the sender.</summary>
public abstract partial class StoreComplianceTests
{
    private sealed class Refused : Exception
    {
        public Refused()
            : base("the callback refused")
        {
        }
    }

    private IssueEvent Opening(string issueId, string agency, string title = "Eastern bureau") => new()
    {
        Id = Guid.NewGuid(),
        IssueId = issueId,
        Clock = 1,
        Agency = agency,
        Officer = "kovalev",
        At = Now,
        Status = IssueStatus.Open,
        Title = title,
    };

    private static Issue IssueOf(IssueEvent opening, string counterpart) => new()
    {
        Id = opening.IssueId,
        Counterpart = counterpart,
        Title = opening.Title!,
        OpenedBy = opening.Agency,
        OpenedAt = opening.At,
        Status = IssueStatus.Open,
        Clock = 1,
        ChangedAt = opening.At,
    };

    private IssueEvent Change(string issueId, long clock, string agency, IssueStatus status, string outcome, string? referredTo = null) => new()
    {
        Id = Guid.NewGuid(),
        IssueId = issueId,
        Clock = clock,
        Agency = agency,
        Officer = "zhou",
        At = Now,
        Status = status,
        Outcome = outcome,
        ReferredTo = referredTo,
    };

    private async Task<string> OpenIssueAsync(string title = "Eastern bureau")
    {
        var opening = Opening(Guid.NewGuid().ToString(), Alpha, title);
        Assert.True(await Store.Issues.OpenIssueAsync(IssueOf(opening, Bravo), opening, MessageItem(Bravo, Now)));
        return opening.IssueId;
    }

    [Fact]
    public async Task An_issue_is_opened_once_with_its_opening_event_and_outbox_item()
    {
        var opening = Opening("issue-1", Alpha);
        var issue = IssueOf(opening, Bravo);

        Assert.True(await Store.Issues.OpenIssueAsync(issue, opening, MessageItem(Bravo, Now)));
        Assert.False(await Store.Issues.OpenIssueAsync(issue with { Title = "Other" }, Opening("issue-1", Bravo, "Other"), MessageItem(Bravo, Now)));

        AssertSameFields(issue with { Number = 1 }, await Store.Issues.GetIssueAsync("issue-1"));
        AssertSameFields(opening, Assert.Single(await Store.Issues.ListIssueEventsAsync("issue-1")));
        Assert.Single(await ClaimEverythingDueAsync());
        Assert.Null(await Store.Issues.GetIssueAsync("issue-2"));
    }

    [Fact]
    public async Task An_opening_whose_event_id_is_already_recorded_opens_nothing_and_writes_nothing()
    {
        var first = Opening("issue-1", Bravo);
        Assert.True(await Store.Issues.OpenIssueAsync(IssueOf(first, Bravo), first, null));
        var head = await Store.Register.GetRegisterHeadAsync();

        // A peer chooses both ids: a second issue reusing the first one's opening event id is refused, not an error.
        var reused = Opening("issue-2", Bravo) with { Id = first.Id };
        Assert.False(await Store.Issues.OpenIssueAsync(IssueOf(reused, Bravo), reused, null));
        Assert.False(await Store.Bureaus.OpenBureauIssueAsync(IssueOf(reused, Bravo), reused, [MessageItem(Bravo, Now)]));

        Assert.Null(await Store.Issues.GetIssueAsync("issue-2"));
        Assert.Empty(await Store.Issues.ListIssueEventsAsync("issue-2"));
        Assert.Equal(head, await Store.Register.GetRegisterHeadAsync());
        Assert.Empty(await ClaimEverythingDueAsync());
    }

    [Fact]
    public async Task Appended_changes_take_the_next_clock_and_become_the_current_status_with_their_outbox_item()
    {
        string id = await OpenIssueAsync();
        Clock.Advance(TimeSpan.FromSeconds(1));

        var e = await Store.Issues.AppendIssueEventAsync(id, (issue, clock) =>
        {
            Assert.Equal(id, issue.Id);
            return new IssueChange(Change(id, clock, Alpha, IssueStatus.Referred, "For the details", "Gao Gang"), [MessageItem(Bravo, Now)]);
        });

        Assert.Equal(2, e!.Clock);
        var issue = await Store.Issues.GetIssueAsync(id);
        Assert.Equal((IssueStatus.Referred, "For the details", "Gao Gang", 2L, Now), (issue!.Status, issue.Outcome, issue.ReferredTo, issue.Clock, issue.ChangedAt));
        Assert.Equal(2, (await ClaimEverythingDueAsync()).Count);
        Assert.Null(await Store.Issues.AppendIssueEventAsync("unknown", (_, c) => new IssueChange(Change("unknown", c, Alpha, IssueStatus.Closed, "x"), [MessageItem(Bravo, Now)])));
    }

    [Fact]
    public async Task A_change_whose_build_throws_writes_nothing()
    {
        string id = await OpenIssueAsync();
        await ClaimEverythingDueAsync();

        await Assert.ThrowsAsync<Refused>(() => Store.Issues.AppendIssueEventAsync(id, (_, _) => throw new Refused()));

        Assert.Single(await Store.Issues.ListIssueEventsAsync(id));
        Assert.Equal(IssueStatus.Open, (await Store.Issues.GetIssueAsync(id))!.Status);

        // The opening's item is still claimed; a new one would be claimable at once.
        Assert.Empty(await ClaimEverythingDueAsync());
    }

    [Fact]
    public async Task Events_are_ordered_by_clock_then_agency_and_the_greatest_decides_whatever_the_arrival_order()
    {
        string id = await OpenIssueAsync();
        var byBravo = Change(id, 2, Bravo, IssueStatus.Agreed, "Agreed");
        var byAlpha = Change(id, 2, Alpha, IssueStatus.Deferred, "Deferred");
        var later = Change(id, 3, Alpha, IssueStatus.Closed, "Closed");

        Assert.True(await Store.Issues.RecordIssueEventAsync(byBravo));
        Assert.True(await Store.Issues.RecordIssueEventAsync(byAlpha));
        Assert.False(await Store.Issues.RecordIssueEventAsync(byAlpha));
        Assert.False(await Store.Issues.RecordIssueEventAsync(Change("unknown", 2, Bravo, IssueStatus.Closed, "x")));

        // Alpha < Bravo ordinally: at clock 2 Bravo's change is the greater one.
        Assert.Equal(IssueStatus.Agreed, (await Store.Issues.GetIssueAsync(id))!.Status);
        Assert.True(await Store.Issues.RecordIssueEventAsync(later));
        Assert.Equal(IssueStatus.Closed, (await Store.Issues.GetIssueAsync(id))!.Status);
        Assert.Equal(["Open", "Deferred", "Agreed", "Closed"], (await Store.Issues.ListIssueEventsAsync(id)).Select(e => e.Status.ToString()));
        var stored = (await Store.Issues.ListIssueEventsAsync(id))[2];
        AssertSameFields(byBravo, stored);
    }

    [Fact]
    public async Task Issues_are_listed_by_counterpart_and_status_and_found_by_title_outcome_or_agency_referred_to()
    {
        string bureau = await OpenIssueAsync("Eastern Information Bureau");
        string aid = await OpenIssueAsync("Aid to the Orient");
        var other = Opening("other", Charlie, "Trade");
        await Store.Issues.OpenIssueAsync(IssueOf(other, Charlie), other, null);
        await Store.Issues.RecordIssueEventAsync(Change(aid, 2, Bravo, IssueStatus.Referred, "Handed over for the harvest", "Gao Gang in Shenyang"));

        async Task<string[]> Find(IssueQuery q) => (await Store.Issues.ListIssuesAsync(q)).Select(i => i.Id).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal([bureau], await Find(new IssueQuery { Text = "bureau" }));
        Assert.Equal([aid], await Find(new IssueQuery { Text = "harvest" }));
        Assert.Equal([aid], await Find(new IssueQuery { Text = "Shenyang" }));
        Assert.Equal([aid], await Find(new IssueQuery { Status = IssueStatus.Referred }));
        Assert.Equal(new[] { bureau, aid }.Order(StringComparer.Ordinal), await Find(new IssueQuery { Counterpart = Bravo }));
        Assert.Equal(["other"], await Find(new IssueQuery { Counterpart = Charlie }));
        Assert.Empty(await Find(new IssueQuery { Text = "\"NEAR(" }));
        Assert.Single(await Store.Issues.ListIssuesAsync(new IssueQuery { Limit = 1 }));
    }

    private DraftRecord NewDraft(params ClearanceStep[] steps) => new()
    {
        Id = Guid.NewGuid(),
        Draft = new TelegramDraft
        {
            To = Bravo,
            Subject = "Coordinated steps",
            Body = "Only after coordinating them.",
            Precedence = Precedence.Immediate,
            IssueId = "issue-1",
            Drafter = "drafter",
            Attendees = ["Zhu De"],
            Attachments = [new TelegramAttachment("note.txt", "text/plain", [1, 2, 3])],
        },
        Drafter = "drafter",
        Status = DraftStatus.AwaitingClearance,
        CreatedAt = Now,
        UpdatedAt = Now,
        Steps = steps,
    };

    [Fact]
    public async Task A_draft_is_filed_with_its_steps_log_and_coordination_requests_and_read_back_whole()
    {
        await Store.Ties.SaveTieAsync(NewTie(Bravo));
        var draft = NewDraft(
            new ClearanceStep { Kind = ClearerKind.Officer, Party = "chief" },
            new ClearanceStep { Kind = ClearerKind.Partner, Party = Charlie, RequestId = Guid.NewGuid() });

        await Store.Clearance.CreateDraftAsync(draft, new ClearanceLogEntry(draft.Id, Now, "drafter", "submitted", "awaiting chief"), [MessageItem(Charlie, Now)]);

        var stored = await Store.Clearance.GetDraftAsync(draft.Id);
        Assert.Equal(draft.Steps, stored!.Steps);
        Assert.Equal([1, 2, 3], stored.Draft.Attachments.Single().Content);
        Assert.Equal(["Zhu De"], stored.Draft.Attendees);
        Assert.Equal((draft.Draft.Subject, draft.Draft.Precedence, draft.Draft.IssueId), (stored.Draft.Subject, stored.Draft.Precedence, stored.Draft.IssueId));
        Assert.Equal((draft.Status, draft.Drafter, draft.CreatedAt), (stored.Status, stored.Drafter, stored.CreatedAt));
        Assert.Equal([new ClearanceLogEntry(draft.Id, Now, "drafter", "submitted", "awaiting chief")], await Store.Clearance.ListClearanceLogAsync(draft.Id));
        Assert.Equal(Charlie, Assert.Single(await ClaimEverythingDueAsync()).PeerDid);
        Assert.Single(await Store.Clearance.ListDraftsAsync(DraftStatus.AwaitingClearance, 10));
        Assert.Empty(await Store.Clearance.ListDraftsAsync(DraftStatus.Cleared, 10));
        Assert.Null(await Store.Clearance.GetDraftAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task A_draft_change_writes_draft_log_and_outbox_together_or_nothing()
    {
        var draft = NewDraft(new ClearanceStep { Kind = ClearerKind.Officer, Party = "chief" });
        await Store.Clearance.CreateDraftAsync(draft, new ClearanceLogEntry(draft.Id, Now, "drafter", "submitted", null), []);

        await Assert.ThrowsAsync<Refused>(() => Store.Clearance.ChangeDraftAsync(draft.Id, _ => throw new Refused()));
        Assert.Equal(DraftStatus.AwaitingClearance, (await Store.Clearance.GetDraftAsync(draft.Id))!.Status);
        Assert.Single(await Store.Clearance.ListClearanceLogAsync(draft.Id));

        Clock.Advance(TimeSpan.FromSeconds(5));
        var changed = await Store.Clearance.ChangeDraftAsync(draft.Id, d => new DraftChange(
            d with { Status = DraftStatus.Cleared, UpdatedAt = Now, Steps = [d.Steps[0] with { State = ClearanceState.Given, By = "chief", At = Now }] },
            new ClearanceLogEntry(d.Id, Now, "chief", "cleared", null),
            [MessageItem(Bravo, Now), MessageItem(Charlie, Now)]));

        Assert.Equal(DraftStatus.Cleared, changed!.Status);
        var stored = await Store.Clearance.GetDraftAsync(draft.Id);
        Assert.Equal((DraftStatus.Cleared, Now), (stored!.Status, stored.UpdatedAt));
        Assert.Equal(new ClearanceStep { Kind = ClearerKind.Officer, Party = "chief", State = ClearanceState.Given, By = "chief", At = Now }, stored.Steps.Single());
        Assert.Equal(["submitted", "cleared"], (await Store.Clearance.ListClearanceLogAsync(draft.Id)).Select(l => l.Action));
        Assert.Equal(2, (await ClaimEverythingDueAsync()).Count);
        Assert.Null(await Store.Clearance.ChangeDraftAsync(Guid.NewGuid(), d => throw new Refused()));
    }

    [Fact]
    public async Task Releasing_a_draft_files_the_telegram_its_outbox_item_and_the_draft_change_in_one_transaction()
    {
        await Store.Ties.SaveTieAsync(NewTie(Bravo));
        var draft = NewDraft() with { Status = DraftStatus.Cleared };
        await Store.Clearance.CreateDraftAsync(draft, new ClearanceLogEntry(draft.Id, Now, "drafter", "submitted", null), []);

        await Assert.ThrowsAsync<Refused>(() => Store.Clearance.ReleaseDraftAsync(draft.Id, Bravo, (_, _) => throw new Refused()));
        Assert.Equal(0, await Store.Register.CountAsync(new RegisterQuery()));
        Assert.Equal(0, (await Store.Ties.GetTieAsync(Bravo))!.LastSentSerial);

        var record = await Store.Clearance.ReleaseDraftAsync(draft.Id, Bravo, (d, serial) =>
        {
            var entry = OutboundRecord(Bravo, serial, Now);
            var released = d with { Status = DraftStatus.Released, TelegramId = entry.Id, ReleasedBy = "releaser", ReleasedAt = Now };
            return (entry, OutboxItemFor(entry, Now), new DraftChange(released, new ClearanceLogEntry(d.Id, Now, "releaser", "released", null)));
        });

        Assert.Equal(1, record!.Serial);
        Assert.Equal(1, (await Store.Ties.GetTieAsync(Bravo))!.LastSentSerial);
        var stored = await Store.Clearance.GetDraftAsync(draft.Id);
        Assert.Equal((DraftStatus.Released, record.Id, "releaser"), (stored!.Status, stored.TelegramId, stored.ReleasedBy));
        Assert.Equal(record.Id, Assert.Single(await ClaimEverythingDueAsync()).TelegramId);
        Assert.Equal(["submitted", "released"], (await Store.Clearance.ListClearanceLogAsync(draft.Id)).Select(l => l.Action));
        Assert.Null(await Store.Clearance.ReleaseDraftAsync(Guid.NewGuid(), Bravo, (_, _) => throw new Refused()));
    }

    [Fact]
    public async Task A_coordination_request_is_filed_once_and_answered_once_with_its_outbox_item()
    {
        var request = new CoordinationRequest(Id: Guid.NewGuid(), From: Alpha, DraftId: Guid.NewGuid(), Recipient: Bravo,
            Subject: "Coordinated steps", Body: "Only after coordinating them.", Precedence: Precedence.Flash, ReceivedAt: Now,
            IssueId: "issue-1", Drafter: "drafter");

        Assert.True(await Store.Clearance.RecordCoordinationRequestAsync(request));
        Assert.False(await Store.Clearance.RecordCoordinationRequestAsync(request with { Subject = "Changed" }));
        AssertSameFields(request, await Store.Clearance.GetCoordinationRequestAsync(request.Id));

        await Assert.ThrowsAsync<Refused>(() => Store.Clearance.AnswerCoordinationRequestAsync(request.Id, _ => throw new Refused()));
        Assert.Equal(ClearanceState.Pending, (await Store.Clearance.GetCoordinationRequestAsync(request.Id))!.State);

        var answered = request with { State = ClearanceState.Refused, AnsweredBy = "stalin", AnsweredAt = Now, Reason = "Premature" };
        await Store.Clearance.AnswerCoordinationRequestAsync(request.Id, _ => (answered, MessageItem(Alpha, Now)));

        AssertSameFields(answered, await Store.Clearance.GetCoordinationRequestAsync(request.Id));
        Assert.Single(await Store.Clearance.ListCoordinationRequestsAsync(ClearanceState.Refused));
        Assert.Empty(await Store.Clearance.ListCoordinationRequestsAsync(ClearanceState.Pending));
        Assert.Single(await ClaimEverythingDueAsync());
        Assert.Null(await Store.Clearance.AnswerCoordinationRequestAsync(Guid.NewGuid(), _ => throw new Refused()));
    }

    [Fact]
    public async Task A_read_receipt_marks_an_outbound_telegram_to_that_counterpart_once()
    {
        await Store.Ties.SaveTieAsync(NewTie(Bravo));
        var (sent, _) = await ReleaseToAsync(Bravo);
        var inbound = await ReceiveFromAsync(Bravo, 1);
        var first = Now + TimeSpan.FromSeconds(3);

        Assert.False(await Store.Telegrams.MarkReadByCounterpartAsync(sent.Id, Charlie, first));
        Assert.False(await Store.Telegrams.MarkReadByCounterpartAsync(inbound.Record.Id, Bravo, first));
        Assert.True(await Store.Telegrams.MarkReadByCounterpartAsync(sent.Id, Bravo, first));
        Assert.False(await Store.Telegrams.MarkReadByCounterpartAsync(sent.Id, Bravo, first + TimeSpan.FromSeconds(1)));

        Assert.Equal(first, (await Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound))!.ReadAt);
        Assert.Null((await Store.Telegrams.GetTelegramAsync(inbound.Record.Id, Direction.Inbound))!.ReadAt);
    }
}
