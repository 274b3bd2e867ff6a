using Telex.Core;
using Telex.Core.Model;
using Telex.Core.Storage;
using Telex.TestKit;

using static Telex.Server.Tests.Relay.RelayNetwork;

namespace Telex.Server.Tests.Relay;

/// <summary>
/// Referral of an issue to an agency reached only through a relay: the referral and the history it hands over travel
/// sealed through the relay, telegrams and changes on the issue then go the same way, and all registers agree.
/// </summary>
public sealed class RelayedReferralTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static string Fingerprint(IssueEvent e) =>
        $"{e.Id}|{e.Clock}|{e.Agency}|{e.Officer}|{e.At.ToUnixTimeMilliseconds()}|{e.Status}|{e.Term}|{e.Title}|{e.Outcome}|{e.ReferredTo}|{e.ReferredToDid}";

    private static Task<IReadOnlyList<IssueEvent>> WaitForEventsAsync(TestAgency at, string issueId, int count) =>
        Eventually.UntilAsync(() => at.Store.Issues.ListIssueEventsAsync(issueId), events => events.Count == count, Deadline,
            $"{at.Identity.Name} holds {count} events of issue {issueId}");

    private static Task<TelegramRecord?> DeliveredAsync(TestAgency from, TelegramRecord sent) =>
        Eventually.UntilAsync(() => from.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound), t => t?.Status == TelegramStatus.Delivered, Deadline,
            $"{sent.Subject} delivered");

    /// <summary>Moscow and Shenyang each tied with the relay (terms permitting relays), not with each other; Shenyang in Moscow's directory as tied with it.</summary>
    private static async Task ConnectThroughRelayAsync(TestAgency moscow, TestAgency relay, TestAgency shenyang)
    {
        await TestAgency.TieAsync(relay, moscow);
        await TestAgency.TieAsync(relay, shenyang);
        await SetRelayTermsAsync(moscow, relay);
        await SetRelayTermsAsync(shenyang, relay);
        await moscow.Agency.Directory.AddToDirectoryAsync("Shenyang", shenyang.Did, null, [relay.Did]);
    }

    [Fact]
    public async Task An_issue_referred_to_an_agency_reached_through_a_relay_reaches_it_and_telegrams_and_changes_on_it_travel_the_same_way_until_all_three_histories_agree()
    {
        await using var moscow = await TestAgency.StartAsync("Moscow");
        await using var beijing = await TestAgency.StartAsync("Beijing");
        await using var relay = await TestAgency.StartAsync("Relay");
        await using var shenyang = await TestAgency.StartAsync("Shenyang");
        await TestAgency.TieAsync(moscow, beijing);
        await ConnectThroughRelayAsync(moscow, relay, shenyang);
        await relay.Agency.Relays.AllowAsync("Moscow", "Shenyang");

        var issue = await beijing.Agency.Issues.OpenIssueAsync(moscow.Did, "Aid to the Orient", "zhou");
        await WaitForEventsAsync(moscow, issue.Id, 1);
        await moscow.Agency.Issues.ChangeIssueAsync(issue.Id, "premature", "Creating a bureau now is premature", null, "kovalev");
        await WaitForEventsAsync(beijing, issue.Id, 2);
        await beijing.Agency.Issues.ChangeIssueAsync(issue.Id, "granted", "The aid is granted as requested", null, "zhou");
        await WaitForEventsAsync(moscow, issue.Id, 3);

        // Moscow refers the issue to Shenyang, which it knows only from its directory (so by its DID, as a telegram would
        // address it): the referral goes through the relay.
        var referral = await moscow.Agency.Issues.ChangeIssueAsync(issue.Id, "referred", "Agree on these with Cde. Gao Gang in Shenyang", shenyang.Did, "kovalev");
        Assert.Equal(("Shenyang", shenyang.Did), (referral.ReferredTo, referral.ReferredToDid));
        Assert.Null(await shenyang.Store.Ties.GetTieAsync(moscow.Did));
        await WaitForEventsAsync(shenyang, issue.Id, 4);
        var atShenyang = (await shenyang.Store.Issues.GetIssueAsync(issue.Id))!;
        Assert.Equal(("Aid to the Orient", beijing.Did, moscow.Did, "referred"), (atShenyang.Title, atShenyang.OpenedBy, atShenyang.Counterpart, atShenyang.Term));
        Assert.Equal([beijing.Did], (await shenyang.Store.Issues.ListIssueParticipantsAsync(issue.Id)).Select(p => p.Did));
        await WaitForEventsAsync(beijing, issue.Id, 4);
        Assert.Equal([("Shenyang", shenyang.Did)], (await beijing.Store.Issues.ListIssueParticipantsAsync(issue.Id)).Select(p => (p.Name, p.Did)));

        // Shenyang knows Moscow by name, as reached through the relay.
        var known = await shenyang.Agency.Directory.GetCounterpartAsync(moscow.Did);
        Assert.Equal("Moscow", known.Name);
        Assert.Equal([relay.Did], known.Entry!.KnownTies);

        // A telegram on the issue goes to Shenyang through the relay, and its answer comes back the same way.
        var toShenyang = await moscow.Agency.Telegrams.ReleaseAsync(
            new TelegramDraft { To = shenyang.Did, Subject = "The three points", Body = "Please agree on them.", IssueId = issue.Id }, "kovalev");
        Assert.Equal([relay.Did], (await DeliveredAsync(moscow, toShenyang))!.RelayPath);
        var answer = await shenyang.Agency.Telegrams.ReleaseAsync(
            new TelegramDraft { To = moscow.Did, Subject = "Agreed", Body = "We shall meet.", IssueId = issue.Id }, "gao");
        Assert.Equal([relay.Did], (await DeliveredAsync(shenyang, answer))!.RelayPath);
        var shenyangHistory = await shenyang.Agency.Issues.IssueHistoryAsync(issue.Id);
        Assert.Equal(["The three points", "Agreed"], shenyangHistory.Entries.Where(e => e.Telegram is not null).Select(e => e.Telegram!.Subject));

        // Shenyang's change reaches Moscow through the relay and Beijing through Moscow; Beijing's reaches Shenyang back.
        await shenyang.Agency.Issues.ChangeIssueAsync(issue.Id, "agreed", "The details are agreed", null, "gao");
        await WaitForEventsAsync(moscow, issue.Id, 5);
        Assert.Equal(shenyang.Did, (await WaitForEventsAsync(beijing, issue.Id, 5))[^1].Agency);
        await beijing.Agency.Issues.ChangeIssueAsync(issue.Id, "closed", "Done as agreed", null, "zhou");
        await WaitForEventsAsync(moscow, issue.Id, 6);
        var events = await WaitForEventsAsync(shenyang, issue.Id, 6);
        Assert.Equal(["open", "premature", "granted", "referred", "agreed", "closed"], events.Select(e => e.IsOpening ? "open" : e.Term));

        // All three histories agree; the relay read and filed nothing of it; every register verifies.
        var atMoscow = (await moscow.Store.Issues.ListIssueEventsAsync(issue.Id)).Select(Fingerprint).ToList();
        Assert.Equal(atMoscow, (await beijing.Store.Issues.ListIssueEventsAsync(issue.Id)).Select(Fingerprint));
        Assert.Equal(atMoscow, events.Select(Fingerprint));
        foreach (var at in new[] { moscow, beijing, shenyang })
        {
            var current = (await at.Store.Issues.GetIssueAsync(issue.Id))!;
            Assert.Equal((IssueStatus.Closed, "closed", 6L), (current.Status, current.Term, current.Clock));
            var report = await at.Agency.Register.VerifyRegisterAsync();
            Assert.True(report.Ok, at.Identity.Name + ": " + string.Join("; ", report.Problems));
        }

        Assert.Null(await relay.Store.Issues.GetIssueAsync(issue.Id));
        Assert.Equal(0, await relay.Store.Register.CountAsync(new RegisterQuery()));
        await Eventually.UntilAsync(() => relay.Store.Relays.CountRelaysAsync(), n => n == 0, Deadline, "the relay holds nothing once all is delivered");
    }

    [Fact]
    public async Task A_referral_to_an_agency_of_the_directory_that_no_relay_reaches_is_refused_and_changes_nothing()
    {
        await using var moscow = await TestAgency.StartAsync("Moscow");
        await using var beijing = await TestAgency.StartAsync("Beijing");
        await using var relay = await TestAgency.StartAsync("Relay");
        await using var shenyang = await TestAgency.StartAsync("Shenyang");
        await TestAgency.TieAsync(moscow, beijing);
        await TestAgency.TieAsync(relay, moscow);
        await TestAgency.TieAsync(relay, shenyang);

        // Known as tied with the relay, but the tie with the relay does not permit relays.
        await moscow.Agency.Directory.AddToDirectoryAsync("Shenyang", shenyang.Did, null, [relay.Did]);
        var issue = await moscow.Agency.Issues.OpenIssueAsync(beijing.Did, "Aid to the Orient", "kovalev");
        var refused = await Assert.ThrowsAsync<TelexException>(() =>
            moscow.Agency.Issues.ChangeIssueAsync(issue.Id, "referred", "To Shenyang", "Shenyang", "kovalev"));
        Assert.Equal(TelexErrorKind.Conflict, refused.Kind);
        Assert.Contains("telex directory", refused.Message, StringComparison.Ordinal);
        Assert.Single(await moscow.Store.Issues.ListIssueEventsAsync(issue.Id));
        Assert.Empty(await moscow.Store.Issues.ListIssueParticipantsAsync(issue.Id));
        Assert.Null(await moscow.Store.Ties.GetTieAsync(shenyang.Did));
    }
}
