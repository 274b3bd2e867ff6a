using Telex.Core;
using Telex.Core.Model;
using Telex.Core.Register;
using Telex.TestKit;

namespace Telex.Server.Tests.Federation;

public sealed class IssueTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>What both registers must agree on, event by event.</summary>
    private static string Fingerprint(IssueEvent e) =>
        $"{e.Id}|{e.Clock}|{e.Agency}|{e.Officer}|{e.At.ToUnixTimeMilliseconds()}|{e.Status}|{e.Title}|{e.Outcome}|{e.ReferredTo}";

    private static async Task<string[]> HistoryAsync(TestAgency at, string issueId) =>
        (await at.Agency.Issues.IssueHistoryAsync(issueId)).Entries
            .Select(e => e.Event is { } ev ? "event " + Fingerprint(ev) : $"telegram {e.Telegram!.Id} {e.Telegram.ReleasedAt.ToUnixTimeMilliseconds()}")
            .ToArray();

    private static async Task WaitForEventsAsync(TestAgency at, string issueId, int count) =>
        await Eventually.UntilAsync(() => at.Store.Issues.ListIssueEventsAsync(issueId), events => events.Count == count, Deadline,
            $"{at.Identity.Name} holds {count} events of issue {issueId}");

    [Fact]
    public async Task Issues_opened_on_both_sides_with_telegrams_and_concurrent_changes_end_with_the_same_history_at_both_ends()
    {
        using var gateA = new GatedTransport();
        using var gateB = new GatedTransport();
        await using var a = await TestAgency.StartAsync("Alpha", transport: gateA);
        await using var b = await TestAgency.StartAsync("Bravo", transport: gateB);
        await TestAgency.TieAsync(a, b);

        // Either side opens an issue; the other holds it too, opened by the first.
        var bureau = await a.Agency.Issues.OpenIssueAsync(b.Did, "Creating an Eastern Information Bureau", "kovalev");
        var aid = await b.Agency.Issues.OpenIssueAsync(a.Did, "Aid requested", "zhou");
        var bureauAtB = await Eventually.UntilAsync(() => b.Store.Issues.GetIssueAsync(bureau.Id), i => i is not null, Deadline, "B holds A's issue");
        var aidAtA = await Eventually.UntilAsync(() => a.Store.Issues.GetIssueAsync(aid.Id), i => i is not null, Deadline, "A holds B's issue");
        Assert.Equal(a.Did, bureauAtB!.OpenedBy);
        Assert.Equal(a.Did, bureauAtB.Counterpart);
        Assert.Equal("Creating an Eastern Information Bureau", bureauAtB.Title);
        Assert.Equal(IssueStatus.Open, bureauAtB.Status);
        Assert.Equal(b.Did, aidAtA!.OpenedBy);

        // Telegrams name the issues.
        var t1 = await a.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = b.Did, Subject = "Our view", Body = "Premature.", IssueId = bureau.Id }, "kovalev");
        var t2 = await b.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = a.Did, Subject = "The request", Body = "Aid for the Orient.", IssueId = aid.Id }, "zhou");
        await Eventually.UntilAsync(() => a.Store.Telegrams.GetTelegramAsync(t1.Id, Direction.Outbound), t => t?.Status == TelegramStatus.Delivered, Deadline, "t1 delivered");
        await Eventually.UntilAsync(() => b.Store.Telegrams.GetTelegramAsync(t2.Id, Direction.Outbound), t => t?.Status == TelegramStatus.Delivered, Deadline, "t2 delivered");

        // Both sides change both issues at the same time, twice over. The first time neither hears of the other's
        // change before deciding its own (both gates held), so the changes are concurrent for certain.
        gateA.Close();
        gateB.Close();
        await Task.WhenAll(
            a.Agency.Issues.ChangeIssueStatusAsync(bureau.Id, IssueStatus.Deferred, "Premature for now", null, "kovalev"),
            b.Agency.Issues.ChangeIssueStatusAsync(bureau.Id, IssueStatus.Agreed, "Agreed in principle", null, "zhou"),
            a.Agency.Issues.ChangeIssueStatusAsync(aid.Id, IssueStatus.Agreed, "Aid granted", null, "kovalev"),
            b.Agency.Issues.ChangeIssueStatusAsync(aid.Id, IssueStatus.Deferred, "Wait for the harvest", null, "zhou"));
        gateA.Open();
        gateB.Open();
        await Task.WhenAll(
            a.Agency.Issues.ChangeIssueStatusAsync(bureau.Id, IssueStatus.Closed, "Closed until ties exist with all twelve", null, "kovalev"),
            b.Agency.Issues.ChangeIssueStatusAsync(bureau.Id, IssueStatus.Open, "Reopened for the next round", null, "zhou"));

        // An outcome of the agency's vocabulary carries its term; the status is the one the term means.
        await WaitForEventsAsync(a, aid.Id, 3);
        await a.Agency.Issues.ChangeIssueAsync(aid.Id, "premature", "Premature until the harvest", null, "kovalev");

        await WaitForEventsAsync(a, bureau.Id, 5);
        await WaitForEventsAsync(b, bureau.Id, 5);
        await WaitForEventsAsync(a, aid.Id, 4);
        await WaitForEventsAsync(b, aid.Id, 4);

        foreach (var issue in new[] { bureau.Id, aid.Id })
        {
            var atA = await a.Store.Issues.ListIssueEventsAsync(issue);
            var atB = await b.Store.Issues.ListIssueEventsAsync(issue);
            Assert.Equal(atA.Select(Fingerprint), atB.Select(Fingerprint));
            Assert.Equal(await HistoryAsync(a, issue), await HistoryAsync(b, issue));
            var (currentA, currentB) = (await a.Store.Issues.GetIssueAsync(issue), await b.Store.Issues.GetIssueAsync(issue));
            Assert.Equal((currentA!.Status, currentA.Term, currentA.Outcome, currentA.ReferredTo, currentA.Clock),
                (currentB!.Status, currentB.Term, currentB.Outcome, currentB.ReferredTo, currentB.Clock));

            // The current status is the greatest event's: highest clock, then the greater agency DID.
            var greatest = atA.OrderBy(e => e.Clock).ThenBy(e => e.Agency, StringComparer.Ordinal).Last();
            Assert.Equal(greatest.Status, currentA.Status);
            Assert.Equal(greatest.Outcome, currentA.Outcome);
        }

        // The concurrent changes really were concurrent: the same clock from each side, ordered by agency.
        var bureauEvents = await a.Store.Issues.ListIssueEventsAsync(bureau.Id);
        var clockTwo = bureauEvents.Where(e => e.Clock == 2).ToList();
        Assert.Equal(2, clockTwo.Count);
        Assert.True(string.CompareOrdinal(clockTwo[0].Agency, clockTwo[1].Agency) < 0);

        var aidNow = await b.Store.Issues.GetIssueAsync(aid.Id);
        Assert.Equal((IssueStatus.Deferred, "premature", "Premature until the harvest"), (aidNow!.Status, aidNow.Term, aidNow.Outcome));

        // The history holds the telegram and the changes; the telegram sits before the changes made after it.
        var history = await a.Agency.Issues.IssueHistoryAsync(bureau.Id);
        Assert.Equal(t1.Id, Assert.Single(history.Entries, e => e.Telegram is not null).Telegram!.Id);
        Assert.True(history.Entries[0].Event!.IsOpening);
        Assert.Equal(6, history.Entries.Count);

        // Every event, decided here or received, is an entry of each register's chain, and both registers verify.
        foreach (var at in new[] { a, b })
        {
            var register = await at.Store.Register.ReadRegisterAsync();
            Assert.Equal(9, register.Entries.Count(e => e.Kind == RegisterKinds.IssueStatus));
            var report = await at.Agency.Register.VerifyRegisterAsync();
            Assert.True(report.Ok, string.Join("; ", report.Problems));
            Assert.Equal(9, report.IssueEvents);
        }
    }

    [Fact]
    public async Task Bad_issue_changes_are_refused_and_change_nothing()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        var issue = await a.Agency.Issues.OpenIssueAsync(b.Did, "Ties", "kovalev");

        var unknown = await Assert.ThrowsAsync<TelexException>(() => a.Agency.Issues.ChangeIssueStatusAsync("no-such-issue", IssueStatus.Closed, "x", null, "k"));
        Assert.Equal(TelexErrorKind.NotFound, unknown.Kind);
        var noOutcome = await Assert.ThrowsAsync<TelexException>(() => a.Agency.Issues.ChangeIssueStatusAsync(issue.Id, IssueStatus.Closed, " ", null, "k"));
        Assert.Equal(TelexErrorKind.Invalid, noOutcome.Kind);
        var noAgency = await Assert.ThrowsAsync<TelexException>(() => a.Agency.Issues.ChangeIssueStatusAsync(issue.Id, IssueStatus.Referred, "to whom?", null, "k"));
        Assert.Equal(TelexErrorKind.Invalid, noAgency.Kind);
        var notReferred = await Assert.ThrowsAsync<TelexException>(() => a.Agency.Issues.ChangeIssueStatusAsync(issue.Id, IssueStatus.Agreed, "ok", "Someone", "k"));
        Assert.Equal(TelexErrorKind.Invalid, notReferred.Kind);
        var invalid = await Assert.ThrowsAsync<TelexException>(() => a.Agency.Issues.ChangeIssueStatusAsync(issue.Id, (IssueStatus)42, "ok", null, "k"));
        Assert.Equal(TelexErrorKind.Invalid, invalid.Kind);
        var noTie = await Assert.ThrowsAsync<TelexException>(() => a.Agency.Issues.OpenIssueAsync("did:peer:2.Ez6LSnobody", "Nobody", "k"));
        Assert.Equal(TelexErrorKind.Conflict, noTie.Kind);

        // A telegram naming the issue goes to the issue's counterpart only.
        await using var c = await TestAgency.StartAsync("Charlie");
        await TestAgency.TieAsync(a, c);
        var elsewhere = await Assert.ThrowsAsync<TelexException>(() =>
            a.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = c.Did, Subject = "Wrong tie", Body = "x", IssueId = issue.Id }, "k"));
        Assert.Equal(TelexErrorKind.Invalid, elsewhere.Kind);
        Assert.Equal(0, await a.Store.Register.CountAsync(new Core.Storage.RegisterQuery()));

        var events = await a.Store.Issues.ListIssueEventsAsync(issue.Id);
        Assert.True(events.Single().IsOpening);
        Assert.Equal(IssueStatus.Open, (await a.Store.Issues.GetIssueAsync(issue.Id))!.Status);
        Assert.Single(await a.Store.Issues.ListIssuesAsync(new Core.Storage.IssueQuery()));
    }
}
