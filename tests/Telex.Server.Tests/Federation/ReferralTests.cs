using Telex.Core;
using Telex.Core.Model;
using Telex.TestKit;

namespace Telex.Server.Tests.Federation;

/// <summary>
/// Issue outcomes as the parties name them, and referral bringing a third agency into an issue: it receives the issue
/// with its history, telegrams on the issue may go to it, its changes reach the others, and all registers agree.
/// </summary>
public sealed class ReferralTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>What every register must agree on, event by event.</summary>
    private static string Fingerprint(IssueEvent e) =>
        $"{e.Id}|{e.Clock}|{e.Agency}|{e.Officer}|{e.At.ToUnixTimeMilliseconds()}|{e.Status}|{e.Term}|{e.Title}|{e.Outcome}|{e.ReferredTo}|{e.ReferredToDid}";

    private static Task<IReadOnlyList<IssueEvent>> WaitForEventsAsync(TestAgency at, string issueId, int count) =>
        Eventually.UntilAsync(() => at.Store.Issues.ListIssueEventsAsync(issueId), events => events.Count == count, Deadline,
            $"{at.Identity.Name} holds {count} events of issue {issueId}");

    private static Task<TelegramRecord?> DeliveredAsync(TestAgency from, TelegramRecord sent) =>
        Eventually.UntilAsync(() => from.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound), t => t?.Status == TelegramStatus.Delivered, Deadline,
            $"{sent.Subject} delivered");

    [Fact]
    public async Task An_issue_marked_premature_then_granted_and_referred_to_a_third_agency_reaches_it_and_all_three_histories_agree()
    {
        await using var moscow = await TestAgency.StartAsync("Moscow");
        await using var beijing = await TestAgency.StartAsync("Beijing");
        await using var shenyang = await TestAgency.StartAsync("Shenyang");
        await TestAgency.TieAsync(moscow, beijing);
        await TestAgency.TieAsync(moscow, shenyang);

        // Opened between two; each side records an outcome of the default vocabulary, with its text.
        var issue = await beijing.Agency.Issues.OpenIssueAsync(moscow.Did, "Aid to the Orient", "zhou");
        await WaitForEventsAsync(moscow, issue.Id, 1);
        var premature = await moscow.Agency.Issues.ChangeIssueAsync(issue.Id, "premature", "Creating a bureau now is premature", null, "kovalev");
        await WaitForEventsAsync(beijing, issue.Id, 2);
        await beijing.Agency.Issues.ChangeIssueAsync(issue.Id, "granted", "The aid is granted as requested", null, "zhou");
        await WaitForEventsAsync(moscow, issue.Id, 3);
        Assert.Equal((IssueStatus.Deferred, "premature"), (premature.Status, premature.Term));
        var before = await moscow.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = beijing.Did, Subject = "On the aid", Body = "Granted.", IssueId = issue.Id }, "kovalev");
        await DeliveredAsync(moscow, before);

        // Telegrams on the issue may not go to an agency that does not take part in it.
        var notYet = await Assert.ThrowsAsync<TelexException>(() =>
            moscow.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = shenyang.Did, Subject = "Early", Body = "Too soon.", IssueId = issue.Id }, "kovalev"));
        Assert.Contains("not shared with the recipient", notYet.Message, StringComparison.Ordinal);

        // Moscow refers the issue to Shenyang, naming it by its tie's name; Shenyang receives the issue and its history.
        var referral = await moscow.Agency.Issues.ChangeIssueAsync(issue.Id, "referred", "Agree on these with Cde. Gao Gang in Shenyang", "shenyang", "kovalev");
        Assert.Equal(("Shenyang", shenyang.Did, IssueStatus.Referred), (referral.ReferredTo, referral.ReferredToDid, referral.Status));
        await WaitForEventsAsync(shenyang, issue.Id, 4);
        var atShenyang = (await shenyang.Store.Issues.GetIssueAsync(issue.Id))!;
        Assert.Equal(("Aid to the Orient", beijing.Did, moscow.Did, "referred"), (atShenyang.Title, atShenyang.OpenedBy, atShenyang.Counterpart, atShenyang.Term));
        Assert.Equal([beijing.Did], (await shenyang.Store.Issues.ListIssueParticipantsAsync(issue.Id)).Select(p => p.Did));
        await WaitForEventsAsync(beijing, issue.Id, 4);
        Assert.Equal([("Shenyang", shenyang.Did)], (await beijing.Store.Issues.ListIssueParticipantsAsync(issue.Id)).Select(p => (p.Name, p.Did)));

        // A telegram on the issue now goes to Shenyang, and Shenyang's answer comes back on it.
        var toShenyang = await moscow.Agency.Telegrams.ReleaseAsync(
            new TelegramDraft { To = shenyang.Did, Subject = "The three points", Body = "Please agree on them.", IssueId = issue.Id }, "kovalev");
        await DeliveredAsync(moscow, toShenyang);
        var answer = await shenyang.Agency.Telegrams.ReleaseAsync(
            new TelegramDraft { To = moscow.Did, Subject = "Agreed", Body = "We shall meet.", IssueId = issue.Id }, "gao");
        await DeliveredAsync(shenyang, answer);
        var shenyangHistory = await shenyang.Agency.Issues.IssueHistoryAsync(issue.Id);
        Assert.Equal(["The three points", "Agreed"], shenyangHistory.Entries.Where(e => e.Telegram is not null).Select(e => e.Telegram!.Subject));

        // Shenyang's own change reaches Beijing, with which it holds no tie, through Moscow.
        await shenyang.Agency.Issues.ChangeIssueAsync(issue.Id, "agreed", "The details are agreed", null, "gao");
        var events = await WaitForEventsAsync(beijing, issue.Id, 5);
        await WaitForEventsAsync(moscow, issue.Id, 5);
        Assert.Equal(shenyang.Did, events[^1].Agency);

        // All three histories agree, event by event; the issue stands the same everywhere; every register verifies.
        var atMoscow = (await moscow.Store.Issues.ListIssueEventsAsync(issue.Id)).Select(Fingerprint).ToList();
        Assert.Equal(atMoscow, (await beijing.Store.Issues.ListIssueEventsAsync(issue.Id)).Select(Fingerprint));
        Assert.Equal(atMoscow, (await shenyang.Store.Issues.ListIssueEventsAsync(issue.Id)).Select(Fingerprint));
        Assert.Equal(["open", "premature", "granted", "referred", "agreed"], events.Select(e => e.IsOpening ? "open" : e.Term));
        foreach (var at in new[] { moscow, beijing, shenyang })
        {
            var current = (await at.Store.Issues.GetIssueAsync(issue.Id))!;
            Assert.Equal((IssueStatus.Agreed, "agreed", "The details are agreed", 5L), (current.Status, current.Term, current.Outcome, current.Clock));
            var report = await at.Agency.Register.VerifyRegisterAsync();
            Assert.True(report.Ok, at.Identity.Name + ": " + string.Join("; ", report.Problems));
        }

        // Moscow's history names each agency's changes and holds the telegrams with both others.
        var moscowHistory = await moscow.Agency.Issues.IssueHistoryAsync(issue.Id);
        Assert.Equal(3, moscowHistory.Entries.Count(e => e.Telegram is not null));
    }

    [Fact]
    public async Task A_referral_without_the_history_hands_over_only_the_opening_and_itself_and_a_referral_needs_a_tie()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await using var c = await TestAgency.StartAsync("Charlie");
        await TestAgency.TieAsync(a, b);
        await TestAgency.TieAsync(a, c);
        var issue = await a.Agency.Issues.OpenIssueAsync(b.Did, "Ties", "kovalev");
        await a.Agency.Issues.ChangeIssueAsync(issue.Id, "deferred", "Not yet", null, "kovalev");

        var untied = await Assert.ThrowsAsync<TelexException>(() => a.Agency.Issues.ChangeIssueAsync(issue.Id, "referred", "elsewhere", "Delta", "kovalev"));
        Assert.Equal(TelexErrorKind.Conflict, untied.Kind);
        var unknownTerm = await Assert.ThrowsAsync<TelexException>(() => a.Agency.Issues.ChangeIssueAsync(issue.Id, "finished", "done", null, "kovalev"));
        Assert.Contains("premature", unknownTerm.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await a.Store.Issues.ListIssueEventsAsync(issue.Id)).Count);

        await a.Agency.Issues.ChangeIssueAsync(issue.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), "referred", "To Charlie", "Charlie", "kovalev",
            shareHistory: false);
        var shared = await WaitForEventsAsync(c, issue.Id, 2);
        Assert.Equal([true, false], shared.Select(e => e.IsOpening));
        Assert.Equal(IssueStatus.Referred, shared[1].Status);
        Assert.True((await c.Agency.Register.VerifyRegisterAsync()).Ok);

        // Referring it to Charlie again is refused: Charlie takes part already.
        var again = await Assert.ThrowsAsync<TelexException>(() => a.Agency.Issues.ChangeIssueAsync(issue.Id, "referred", "Again", "Charlie", "kovalev"));
        Assert.Contains("takes part", again.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_agency_names_its_own_outcomes_and_a_counterpart_files_terms_it_does_not_use()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        await a.Agency.Issues.SetOutcomesAsync([.. OutcomeVocabulary.Default, new OutcomeTerm("postponed", IssueStatus.Deferred)]);
        var bad = await Assert.ThrowsAsync<TelexException>(() => a.Agency.Issues.SetOutcomesAsync([new OutcomeTerm("Bad Term", IssueStatus.Open)]));
        Assert.Equal(TelexErrorKind.Invalid, bad.Kind);
        await Assert.ThrowsAsync<TelexException>(() => a.Agency.Issues.SetOutcomesAsync([new OutcomeTerm("referred", IssueStatus.Closed)]));

        var issue = await a.Agency.Issues.OpenIssueAsync(b.Did, "Harvest", "kovalev");
        await a.Agency.Issues.ChangeIssueAsync(issue.Id, "postponed", "Until the spring", null, "kovalev");
        var events = await WaitForEventsAsync(b, issue.Id, 2);
        Assert.Equal(("postponed", IssueStatus.Deferred), (events[1].Term, events[1].Status));
        await Assert.ThrowsAsync<TelexException>(() => b.Agency.Issues.ChangeIssueAsync(issue.Id, "postponed", "Bravo has no such outcome", null, "zhou"));
        Assert.Equal("postponed", (await b.Store.Issues.GetIssueAsync(issue.Id))!.Term);
    }
}
