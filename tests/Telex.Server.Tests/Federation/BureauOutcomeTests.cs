using Telex.Core;
using Telex.Core.Model;
using Telex.TestKit;

namespace Telex.Server.Tests.Federation;

/// <summary>
/// A bureau keeps its own vocabulary of outcomes: set by its secretariat, known to every member, and the one its issues
/// are named by, whatever each member's own vocabulary.
/// </summary>
public sealed class BureauOutcomeTests
{
    private static readonly TimeSpan Deadline = BureauNetwork.Deadline;

    /// <summary>
    /// Whether <paramref name="held"/> offers exactly <paramref name="offered"/> and keeps <paramref name="retired"/> as
    /// retired: a bureau's outcomes only grow, so the default terms a vocabulary leaves out stay, retired.
    /// </summary>
    private static bool Holds(IReadOnlyList<OutcomeTerm> held, IReadOnlyList<OutcomeTerm> offered, IReadOnlyList<string> retired) =>
        held.Where(t => !t.Retired).SequenceEqual(offered) && held.Where(t => t.Retired).Select(t => t.Term).SequenceEqual(retired);

    [Fact]
    public async Task A_bureaus_issues_are_named_by_the_outcomes_its_secretariat_sets_at_every_member_and_not_by_a_members_own()
    {
        await using var network = await BureauNetwork.StartAsync(2);
        var (secretariat, first, second) = (network.Founder, network.Members[0], network.Members[1]);
        var bureauId = network.Bureau.Id;

        // Bureau issues go over direct ties: the two members tie with each other too.
        await TestAgency.TieAsync(first, second);
        Assert.Equal(OutcomeVocabulary.Default, await first.Agency.Bureaus.BureauOutcomesAsync(bureauId));

        // Only the secretariat sets them; a member's attempt changes nothing.
        IReadOnlyList<OutcomeTerm> bureauTerms =
        [
            new("open", IssueStatus.Open), new("noted", IssueStatus.Agreed), new("premature", IssueStatus.Deferred),
            new("referred", IssueStatus.Referred), new("closed", IssueStatus.Closed),
        ];
        var notSecretariat = await Assert.ThrowsAsync<TelexException>(() => first.Agency.Bureaus.SetBureauOutcomesAsync(bureauId, bureauTerms));
        Assert.Equal(TelexErrorKind.Conflict, notSecretariat.Kind);
        Assert.Contains("secretariat (Founder)", notSecretariat.Message, StringComparison.Ordinal);
        await secretariat.Agency.Bureaus.SetBureauOutcomesAsync(bureauId, bureauTerms);
        foreach (var member in network.Members)
        {
            await Eventually.UntilAsync(() => member.Agency.Bureaus.BureauOutcomesAsync(bureauId), terms => Holds(terms, bureauTerms, ["granted", "agreed", "deferred"]), Deadline,
                $"{member.Identity.Name} holds the bureau's outcomes");
        }

        // A member's own vocabulary (here with "postponed") does not name the bureau's issues; the bureau's "noted" does.
        await second.Agency.Issues.SetOutcomesAsync([.. OutcomeVocabulary.Default, new("postponed", IssueStatus.Deferred)]);
        var issue = await first.Agency.BureauTraffic.OpenBureauIssueAsync(bureauId, "Exchange of information", "kovalev");
        await Eventually.UntilAsync(() => second.Store.Issues.GetIssueAsync(issue.Id), i => i is not null, Deadline, "the issue reaches the second member");
        foreach (string foreign in new[] { "granted", "postponed" })
        {
            var refused = await Assert.ThrowsAsync<TelexException>(() => second.Agency.Issues.ChangeIssueAsync(issue.Id, foreign, "Not the bureau's word", null, "gao"));
            Assert.Equal(TelexErrorKind.Invalid, refused.Kind);
            Assert.Contains("the bureau's outcomes (open, noted, premature, referred, closed)", refused.Message, StringComparison.Ordinal);
        }

        Assert.Single(await second.Store.Issues.ListIssueEventsAsync(issue.Id));
        var noted = await second.Agency.Issues.ChangeIssueAsync(issue.Id, "noted", "The information is noted", null, "gao");
        Assert.Equal((IssueStatus.Agreed, "noted"), (noted.Status, noted.Term));

        // Every member's history shows the bureau's term and the text; the agency's own issues keep the agency's terms.
        foreach (var at in new[] { secretariat, first, second })
        {
            var events = await Eventually.UntilAsync(() => at.Store.Issues.ListIssueEventsAsync(issue.Id), e => e.Count == 2, Deadline,
                $"{at.Identity.Name} holds the change");
            Assert.Equal(("noted", "The information is noted", second.Did), (events[1].Term, events[1].Outcome, events[1].Agency));
            var history = await at.Agency.Issues.IssueHistoryAsync(issue.Id);
            Assert.Equal("noted", history.Issue.Term);
        }

        var own = await second.Agency.Issues.OpenIssueAsync(secretariat.Did, "Between two", "gao");
        Assert.Equal("postponed", (await second.Agency.Issues.ChangeIssueAsync(own.Id, "postponed", "Later", null, "gao")).Term);
    }

    [Fact]
    public async Task A_member_accepted_after_the_outcomes_were_set_receives_them_with_its_epoch()
    {
        await using var secretariat = await TestAgency.StartAsync("Founder");
        await using var early = await TestAgency.StartAsync("Early");
        await using var late = await TestAgency.StartAsync("Late");
        await TestAgency.TieAsync(secretariat, early);
        await TestAgency.TieAsync(secretariat, late);
        var proposed = await secretariat.Agency.Bureaus.ProposeBureauAsync("Information Bureau", "Exchange of information", [early.Did, late.Did]);
        var bureau = await secretariat.Agency.Bureaus.CharterBureauAsync(proposed.Id);
        await Eventually.UntilAsync(() => early.Store.Bureaus.GetBureauAsync(bureau.Id), b => b is not null, Deadline, "Early holds the charter");
        await early.Agency.Bureaus.AcceptBureauAsync(bureau.Id);
        await Eventually.UntilAsync(() => early.Store.Bureaus.GetBureauAsync(bureau.Id), b => b!.Epoch == 2, Deadline, "Early holds epoch 2");

        IReadOnlyList<OutcomeTerm> terms = [new("noted", IssueStatus.Agreed), new("referred", IssueStatus.Referred)];
        await secretariat.Agency.Bureaus.SetBureauOutcomesAsync(bureau.Id, terms);
        string[] retired = ["open", "premature", "granted", "agreed", "deferred", "closed"];
        await Eventually.UntilAsync(() => early.Agency.Bureaus.BureauOutcomesAsync(bureau.Id), t => Holds(t, terms, retired), Deadline, "Early holds the outcomes");

        await Eventually.UntilAsync(() => late.Store.Bureaus.GetBureauAsync(bureau.Id), b => b is not null, Deadline, "Late holds the charter");
        Assert.Equal(OutcomeVocabulary.Default, await late.Agency.Bureaus.BureauOutcomesAsync(bureau.Id));
        await late.Agency.Bureaus.AcceptBureauAsync(bureau.Id);
        await Eventually.UntilAsync(() => late.Agency.Bureaus.BureauOutcomesAsync(bureau.Id), t => Holds(t, terms, retired), Deadline, "Late receives the outcomes");
    }
}
