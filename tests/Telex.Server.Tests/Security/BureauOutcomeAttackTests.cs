using System.Text.Json.Nodes;

using Telex.Core.Protocol;
using Telex.TestKit;

namespace Telex.Server.Tests.Security;

/// <summary>
/// A bureau member sending a change of a bureau issue with an outcome outside the bureau's vocabulary (its own agency
/// would have refused it), or setting the bureau's vocabulary without being its secretariat: refused, nothing filed.
/// </summary>
public sealed class BureauOutcomeAttackTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static JsonObject Change(Guid bureau, string issue, long clock, string status, string? term)
    {
        var change = new JsonObject
        {
            ["bureau"] = bureau.ToString(),
            ["issue"] = issue,
            ["event"] = Guid.NewGuid().ToString(),
            ["clock"] = clock,
            ["status"] = status,
            ["outcome"] = "As the member says",
            ["time"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        };
        if (term is not null)
        {
            change["term"] = term;
        }

        return change;
    }

    private static Task<(int Status, string? Code)> PostAsync(TestAgency to, HostilePeer from, string type, JsonObject body, string thid) =>
        HostilePeer.PostAsync(to.Identity.Endpoint, from.SignAndEncrypt(from.Message(type, to.Did, body) with { Thid = thid }, to.Did));

    [Fact]
    public async Task A_change_of_a_bureau_issue_naming_an_outcome_outside_the_bureaus_vocabulary_is_refused_and_not_filed()
    {
        await using var secretariat = await TestAgency.StartAsync("Founder");
        using var mallory = await HostilePeer.TiedWithAsync(secretariat);
        var proposed = await secretariat.Agency.Bureaus.ProposeBureauAsync("Information Bureau", "Exchange of information", [mallory.Did]);
        var bureau = await secretariat.Agency.Bureaus.CharterBureauAsync(proposed.Id);
        string id = bureau.Id.ToString();
        Assert.Equal((202, null), await PostAsync(secretariat, mallory, MessageTypes.BureauJoin, new JsonObject { ["bureau"] = id }, id));
        await Eventually.UntilAsync(() => secretariat.Store.Bureaus.GetBureauAsync(bureau.Id), b => b!.Epoch == 2, Deadline, "Mallory is in epoch 2");
        await secretariat.Agency.Bureaus.SetBureauOutcomesAsync(bureau.Id, [new("noted", IssueStatus.Agreed), new("referred", IssueStatus.Referred)]);
        var issue = await secretariat.Agency.BureauTraffic.OpenBureauIssueAsync(bureau.Id, "Exchange of information", "kovalev");

        // A term the bureau never had, or one of its terms with another meaning: refused with 409, nothing filed. (The
        // default terms "noted" and "referred" replaced, "granted" among them, stay in it as retired.)
        Assert.Equal((409, "e.p.bureau.outcome"),
            await PostAsync(secretariat, mallory, MessageTypes.BureauIssueStatus, Change(bureau.Id, issue.Id, 2, "agreed", "postponed"), issue.Id));
        Assert.Equal((409, "e.p.bureau.outcome"),
            await PostAsync(secretariat, mallory, MessageTypes.BureauIssueStatus, Change(bureau.Id, issue.Id, 2, "closed", "granted"), issue.Id));
        Assert.Equal((409, "e.p.bureau.outcome"),
            await PostAsync(secretariat, mallory, MessageTypes.BureauIssueStatus, Change(bureau.Id, issue.Id, 2, "closed", "noted"), issue.Id));
        Assert.Single(await secretariat.Store.Issues.ListIssueEventsAsync(issue.Id));

        // A change naming no outcome at all would put the issue in a status by no term of the bureau (it has none meaning
        // closed): refused as malformed, nothing filed.
        Assert.Equal((400, "e.p.msg.bad-request"),
            await PostAsync(secretariat, mallory, MessageTypes.BureauIssueStatus, Change(bureau.Id, issue.Id, 2, "closed", null), issue.Id));
        Assert.Single(await secretariat.Store.Issues.ListIssueEventsAsync(issue.Id));
        Assert.Equal(IssueStatus.Open, (await secretariat.Store.Issues.GetIssueAsync(issue.Id))!.Status);

        // Only the secretariat sets the bureau's outcomes: Mallory's vocabulary is refused and the bureau's stays.
        var forged = new JsonObject
        {
            ["bureau"] = id,
            ["version"] = 99,
            ["outcomes"] = new JsonArray(new JsonObject { ["term"] = "granted", ["means"] = "agreed" }),
        };
        Assert.Equal((403, "e.p.bureau.not-secretariat"), await PostAsync(secretariat, mallory, MessageTypes.BureauOutcomes, forged, id));
        Assert.Equal(["noted", "referred"], (await secretariat.Agency.Bureaus.BureauOutcomesAsync(bureau.Id)).Where(t => !t.Retired).Select(t => t.Term));

        // The bureau's own term, with its meaning, is filed.
        Assert.Equal((202, null),
            await PostAsync(secretariat, mallory, MessageTypes.BureauIssueStatus, Change(bureau.Id, issue.Id, 2, "agreed", "noted"), issue.Id));
        var events = await secretariat.Store.Issues.ListIssueEventsAsync(issue.Id);
        Assert.Equal(("noted", mallory.Did), (events[^1].Term, events[^1].Agency));
    }

    [Fact]
    public async Task A_change_filed_before_the_bureau_dropped_its_outcome_is_acknowledged_again_when_delivered_again()
    {
        await using var secretariat = await TestAgency.StartAsync("Founder");
        using var member = await HostilePeer.TiedWithAsync(secretariat, "Member");
        var proposed = await secretariat.Agency.Bureaus.ProposeBureauAsync("Information Bureau", "Exchange of information", [member.Did]);
        var bureau = await secretariat.Agency.Bureaus.CharterBureauAsync(proposed.Id);
        string id = bureau.Id.ToString();
        Assert.Equal((202, null), await PostAsync(secretariat, member, MessageTypes.BureauJoin, new JsonObject { ["bureau"] = id }, id));
        await Eventually.UntilAsync(() => secretariat.Store.Bureaus.GetBureauAsync(bureau.Id), b => b!.Epoch == 2, Deadline, "the member is in epoch 2");
        await secretariat.Agency.Bureaus.SetBureauOutcomesAsync(bureau.Id, [new("noted", IssueStatus.Agreed), new("referred", IssueStatus.Referred)]);
        var issue = await secretariat.Agency.BureauTraffic.OpenBureauIssueAsync(bureau.Id, "Exchange of information", "kovalev");
        byte[] change = member.SignAndEncrypt(
            member.Message(MessageTypes.BureauIssueStatus, secretariat.Did, Change(bureau.Id, issue.Id, 2, "agreed", "noted")) with { Thid = issue.Id },
            secretariat.Did);
        Assert.Equal((202, null), await HostilePeer.PostAsync(secretariat.Identity.Endpoint, change));

        // The secretariat then drops "noted". The member's answer was lost on the way, so it delivers the same change
        // again: filed already, it is acknowledged as it is (not refused until the member's outbox gives up), filed once.
        await secretariat.Agency.Bureaus.SetBureauOutcomesAsync(bureau.Id, [new("settled", IssueStatus.Agreed), new("referred", IssueStatus.Referred)]);
        Assert.Equal((202, null), await HostilePeer.PostAsync(secretariat.Identity.Endpoint, change));
        var events = await secretariat.Store.Issues.ListIssueEventsAsync(issue.Id);
        Assert.Equal(2, events.Count);
        Assert.Equal("noted", events[^1].Term);

        // The dropped outcome is kept as retired: a member's change by it with its meaning (it may have been on its way)
        // is filed, as at every other member; with another meaning it is refused.
        Assert.Equal((409, "e.p.bureau.outcome"),
            await PostAsync(secretariat, member, MessageTypes.BureauIssueStatus, Change(bureau.Id, issue.Id, 3, "closed", "noted"), issue.Id));
        Assert.Equal(2, (await secretariat.Store.Issues.ListIssueEventsAsync(issue.Id)).Count);
        Assert.Equal((202, null),
            await PostAsync(secretariat, member, MessageTypes.BureauIssueStatus, Change(bureau.Id, issue.Id, 3, "agreed", "noted"), issue.Id));
        Assert.Equal("noted", (await secretariat.Store.Issues.ListIssueEventsAsync(issue.Id))[^1].Term);
    }

    [Fact]
    public async Task A_secretariat_cannot_take_a_term_out_of_a_members_vocabulary_nor_give_it_another_meaning()
    {
        await using var member = await TestAgency.StartAsync("Alpha");
        using var secretariat = HostilePeer.Create("Bravo");
        Assert.Equal(202, (await HostilePeer.PostAsync(member.Identity.Endpoint, secretariat.TieRequest(await member.Agency.Ties.CreateInvitationAsync()))).Status);
        var bureauId = Guid.NewGuid();
        string id = bureauId.ToString();
        JsonArray Members() => new(new JsonObject { ["did"] = secretariat.Did, ["name"] = "Bravo" }, new JsonObject { ["did"] = member.Did, ["name"] = "Alpha" });
        Task<(int, string?)> SendAsync(string type, JsonObject body) =>
            HostilePeer.PostAsync(member.Identity.Endpoint, secretariat.SignAndEncrypt(secretariat.Message(type, member.Did, body) with { Thid = id }, member.Did));
        JsonObject Outcomes(long version, params JsonObject[] terms) => new() { ["bureau"] = id, ["version"] = version, ["outcomes"] = new JsonArray(terms) };
        JsonObject Term(string term, string means, JsonNode? retired = null)
        {
            var t = new JsonObject { ["term"] = term, ["means"] = means };
            if (retired is not null)
            {
                t["retired"] = retired;
            }

            return t;
        }

        Assert.Equal(202, (await SendAsync(MessageTypes.BureauCharter, new JsonObject
        {
            ["bureau"] = id,
            ["name"] = "Words",
            ["purpose"] = "Outcomes.",
            ["founder"] = secretariat.Did,
            ["secretariat"] = secretariat.Did,
            ["rule"] = "all",
            ["members"] = Members(),
        })).Item1);
        await member.Agency.Bureaus.AcceptBureauAsync(bureauId);
        Assert.Equal(202, (await SendAsync(MessageTypes.BureauEpoch, new JsonObject { ["bureau"] = id, ["name"] = "Words", ["epoch"] = 1, ["members"] = Members() })).Item1);

        // A vocabulary leaving terms out: the member keeps them, retired.
        Assert.Equal(202, (await SendAsync(MessageTypes.BureauOutcomes, Outcomes(1, Term("noted", "agreed"), Term("referred", "referred")))).Item1);
        Assert.Equal(202, (await SendAsync(MessageTypes.BureauOutcomes, Outcomes(2, Term("settled", "agreed"), Term("referred", "referred")))).Item1);
        var held = await member.Agency.Bureaus.BureauOutcomesAsync(bureauId);
        Assert.Equal(["settled", "referred"], held.Where(t => !t.Retired).Select(t => t.Term));
        Assert.Contains(new OutcomeTerm("noted", IssueStatus.Agreed, Retired: true), held);
        Assert.Contains(new OutcomeTerm("granted", IssueStatus.Agreed, Retired: true), held);

        // Another meaning for a held term, a retired flag that is not true or false, or every term retired: refused,
        // and the vocabulary held stands.
        Assert.Equal((400, "e.p.msg.bad-request"), await SendAsync(MessageTypes.BureauOutcomes, Outcomes(3, Term("noted", "closed"), Term("referred", "referred"))));
        Assert.Equal((400, "e.p.msg.bad-request"), await SendAsync(MessageTypes.BureauOutcomes, Outcomes(3, Term("settled", "agreed", "yes"))));
        Assert.Equal((400, "e.p.msg.bad-request"), await SendAsync(MessageTypes.BureauOutcomes, Outcomes(3, Term("settled", "agreed", true))));
        Assert.Equal(held, await member.Agency.Bureaus.BureauOutcomesAsync(bureauId));
        Assert.Equal(2L, (await member.Store.Bureaus.GetBureauOutcomesAsync(bureauId))!.Version);
    }
}
