using System.Text.Json.Nodes;

using Telex.Core.Protocol;
using Telex.Core.Storage;
using Telex.TestKit;

namespace Telex.Server.Tests.Security;

/// <summary>
/// A tied counterpart abusing referrals: handing over issues that are not its to hand, naming another agency (or the
/// receiver itself) as the maker of a change, or sending oversized or malformed histories. Each is refused with its
/// code and changes nothing.
/// </summary>
public sealed class ReferralAttackTests
{
    private static JsonObject Event(string issue, long clock, string status, string? agency = null, string? title = null, string? outcome = null,
        string? referredTo = null, string? referredToDid = null)
    {
        var body = new JsonObject
        {
            ["issue"] = issue,
            ["event"] = Guid.NewGuid().ToString(),
            ["clock"] = clock,
            ["status"] = status,
            ["time"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        };
        foreach (var (name, value) in new[]
        {
            ("agency", agency), ("title", title), ("outcome", outcome), ("referred_to", referredTo), ("referred_to_did", referredToDid),
        })
        {
            if (value is not null)
            {
                body[name] = value;
            }
        }

        return body;
    }

    private static JsonObject Share(string issue, IEnumerable<JsonObject> events, params (string Did, string Name)[] participants) => new()
    {
        ["issue"] = issue,
        ["events"] = new JsonArray([.. events]),
        ["participants"] = new JsonArray([.. participants.Select(p => (JsonNode)new JsonObject { ["did"] = p.Did, ["name"] = p.Name })]),
    };

    private static Task<(int Status, string? Code)> PostAsync(TestAgency to, HostilePeer from, string type, JsonObject body, string thid) =>
        HostilePeer.PostAsync(to.Identity.Endpoint, from.SignAndEncrypt(from.Message(type, to.Did, body) with { Thid = thid }, to.Did));

    [Fact]
    public async Task A_tied_peer_cannot_hand_over_an_issue_of_another_tie_or_a_history_that_is_not_a_referral_to_this_agency()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var mallory = await HostilePeer.TiedWithAsync(b);
        var theirs = await b.Agency.Issues.OpenIssueAsync(a.Did, "Between Alpha and Bravo", "zhou");
        long head = (await b.Store.Register.GetRegisterHeadAsync()).Count;

        // An issue of the Alpha tie, "referred" to Bravo by Mallory: refused, the issue untouched.
        var hijack = Share(theirs.Id,
        [
            Event(theirs.Id, 1, "open", agency: mallory.Did, title: "Hijacked"),
            Event(theirs.Id, 2, "referred", agency: mallory.Did, outcome: "Yours now", referredTo: "Bravo", referredToDid: b.Did),
        ]);
        Assert.Equal((409, "e.p.issue.conflict"), await PostAsync(b, mallory, MessageTypes.IssueShare, hijack, theirs.Id));

        // New issues whose history is not a referral by the sender to Bravo.
        var cases = new (JsonObject Body, int Status, string Code)[]
        {
            (Share("new-1", [Event("new-1", 1, "open", agency: mallory.Did, title: "No referral")]), 400, "e.p.msg.bad-request"),
            (Share("new-2", [Event("new-2", 1, "open", agency: mallory.Did, title: "To someone else"),
                Event("new-2", 2, "referred", agency: mallory.Did, outcome: "x", referredTo: "Alpha", referredToDid: a.Did)]), 400, "e.p.msg.bad-request"),
            (Share("new-3", [Event("new-3", 1, "open", agency: a.Did, title: "Referred by another"),
                Event("new-3", 2, "referred", agency: a.Did, outcome: "x", referredTo: "Bravo", referredToDid: b.Did)]), 400, "e.p.msg.bad-request"),
            (Share("new-4", [Event("new-4", 1, "open", agency: mallory.Did, title: "Bravo said so"),
                Event("new-4", 2, "agreed", agency: b.Did, outcome: "Bravo agrees (it did not)"),
                Event("new-4", 3, "referred", agency: mallory.Did, outcome: "x", referredTo: "Bravo", referredToDid: b.Did)]), 403, "e.p.issue.forged"),
            (Share("new-8", [Event("new-8", 1, "open", agency: b.Did, title: "Bravo opened this (it did not)"),
                Event("new-8", 2, "referred", agency: mallory.Did, outcome: "x", referredTo: "Bravo", referredToDid: b.Did)]), 403, "e.p.issue.forged"),
            (Share("12345", [Event("12345", 1, "open", agency: mallory.Did, title: "A number for an id"),
                Event("12345", 2, "referred", agency: mallory.Did, outcome: "x", referredTo: "Bravo", referredToDid: b.Did)]), 400, "e.p.msg.bad-request"),
            (Share("new-5", Enumerable.Range(1, 501).Select(i => Event("new-5", i, i == 1 ? "open" : "closed", agency: mallory.Did,
                title: i == 1 ? "Long" : null, outcome: i == 1 ? null : "x"))), 400, "e.p.msg.bad-request"),
            (Share("new-6", [Event("new-6", 1, "open", agency: mallory.Did, title: "Two openings"), Event("new-6", 1, "open", agency: mallory.Did, title: "Again"),
                Event("new-6", 2, "referred", agency: mallory.Did, outcome: "x", referredTo: "Bravo", referredToDid: b.Did)]), 400, "e.p.msg.bad-request"),
            (Share("new-7", [Event("new-7", 1, "open", agency: mallory.Did, title: "Bad participant"),
                Event("new-7", 2, "referred", agency: mallory.Did, outcome: "x", referredTo: "Bravo", referredToDid: b.Did)], ("not-a-did", "Nobody")),
                400, "e.p.msg.bad-request"),
        };
        foreach (var (body, status, code) in cases)
        {
            string id = body["issue"]!.GetValue<string>();
            Assert.Equal((status, code), await PostAsync(b, mallory, MessageTypes.IssueShare, body, id));
        }

        Assert.Single(await b.Store.Issues.ListIssuesAsync(new IssueQuery()));
        Assert.Single(await b.Store.Issues.ListIssueEventsAsync(theirs.Id));
        Assert.Equal(head, (await b.Store.Register.GetRegisterHeadAsync()).Count);

        // A proper referral by Mallory of its own issue is filed, once.
        var proper = Share("harvest",
        [
            Event("harvest", 1, "open", agency: mallory.Did, title: "Harvest"),
            Event("harvest", 2, "referred", agency: mallory.Did, outcome: "Over to you", referredTo: "Bravo", referredToDid: b.Did),
        ]);
        Assert.Equal(202, (await PostAsync(b, mallory, MessageTypes.IssueShare, proper, "harvest")).Status);
        Assert.Equal(202, (await PostAsync(b, mallory, MessageTypes.IssueShare, proper, "harvest")).Status);
        Assert.Equal(2, (await b.Store.Issues.ListIssueEventsAsync("harvest")).Count);
        Assert.True((await b.Agency.Register.VerifyRegisterAsync()).Ok);
    }

    [Fact]
    public async Task A_counterpart_cannot_pass_on_a_change_as_this_agencys_own_or_from_an_agency_not_taking_part()
    {
        await using var b = await TestAgency.StartAsync("Bravo");
        using var mallory = await HostilePeer.TiedWithAsync(b);
        var issue = await b.Agency.Issues.OpenIssueAsync(mallory.Did, "Aid", "zhou");
        var stranger = HostilePeer.Create("Stranger");

        Assert.Equal((403, "e.p.issue.forged"),
            await PostAsync(b, mallory, MessageTypes.IssueStatus, Event(issue.Id, 2, "closed", agency: b.Did, outcome: "Bravo closed it (it did not)"), issue.Id));
        Assert.Equal((409, "e.p.issue.unknown-party"),
            await PostAsync(b, mallory, MessageTypes.IssueStatus, Event(issue.Id, 2, "closed", agency: stranger.Did, outcome: "Who?"), issue.Id));
        Assert.Equal((400, "e.p.msg.bad-request"),
            await PostAsync(b, mallory, MessageTypes.IssueStatus, Event(issue.Id, 2, "closed", agency: "not-a-did", outcome: "x"), issue.Id));
        Assert.Equal((400, "e.p.msg.bad-request"),
            await PostAsync(b, mallory, MessageTypes.IssueStatus, Event(issue.Id, 2, "closed", outcome: "x", referredToDid: stranger.Did), issue.Id));
        Assert.Single(await b.Store.Issues.ListIssueEventsAsync(issue.Id));
        Assert.Empty(await b.Store.Issues.ListIssueParticipantsAsync(issue.Id));

        // Its own referral to the stranger brings the stranger in; a change the stranger made may then be passed on.
        Assert.Equal(202, (await PostAsync(b, mallory, MessageTypes.IssueStatus,
            Event(issue.Id, 2, "referred", outcome: "To the stranger", referredTo: "Stranger", referredToDid: stranger.Did), issue.Id)).Status);
        Assert.Equal([stranger.Did], (await b.Store.Issues.ListIssueParticipantsAsync(issue.Id)).Select(p => p.Did));
        Assert.Equal(202, (await PostAsync(b, mallory, MessageTypes.IssueStatus,
            Event(issue.Id, 3, "agreed", agency: stranger.Did, outcome: "Agreed by the stranger"), issue.Id)).Status);
        var events = await b.Store.Issues.ListIssueEventsAsync(issue.Id);
        Assert.Equal([b.Did, mallory.Did, stranger.Did], events.Select(e => e.Agency));
        Assert.True((await b.Agency.Register.VerifyRegisterAsync()).Ok);
    }
}
