using System.Text.Json.Nodes;

using Telex.Core.Model;
using Telex.Core.Protocol;
using Telex.Core.Storage;
using Telex.TestKit;

namespace Telex.Server.Tests.Federation;

/// <summary>Issue and clearance messages from a tied peer that break the protocol are refused and change nothing.</summary>
public sealed class IssueRefusalTests
{
    private static async Task<HostilePeer> TiedHostileAsync(TestAgency agency)
    {
        var peer = HostilePeer.Create();
        var invitation = await agency.Agency.CreateInvitationAsync();
        var (status, code) = await HostilePeer.PostAsync(agency.Identity.Endpoint, peer.TieRequest(invitation));
        Assert.True(status == 202, $"tie request refused: {status} {code}");
        return peer;
    }

    private static JsonObject Event(string issue, long clock, string status, string? title = null, string? outcome = null, string? referredTo = null)
    {
        var body = new JsonObject
        {
            ["issue"] = issue,
            ["event"] = Guid.NewGuid().ToString(),
            ["clock"] = clock,
            ["status"] = status,
            ["time"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        };
        foreach (var (name, value) in new[] { ("title", title), ("outcome", outcome), ("referred_to", referredTo) })
        {
            if (value is not null)
            {
                body[name] = value;
            }
        }

        return body;
    }

    private static Task<(int Status, string? Code)> PostAsync(TestAgency to, HostilePeer from, string type, JsonObject body) =>
        HostilePeer.PostAsync(to.Identity.Endpoint, from.SignAndEncrypt(from.Message(type, to.Did, body), to.Did));

    [Fact]
    public async Task Malformed_issue_messages_are_refused_and_a_valid_one_is_filed_once()
    {
        await using var b = await TestAgency.StartAsync("Bravo");
        using var peer = await TiedHostileAsync(b);

        var refused = new (string Type, JsonObject Body)[]
        {
            (MessageTypes.IssueOpen, Event("bad/id", 1, "open", title: "Slash")),
            (MessageTypes.IssueOpen, Event("issue-1", 5, "open", title: "Late opening")),
            (MessageTypes.IssueOpen, Event("issue-1", 1, "closed", title: "Closed at birth")),
            (MessageTypes.IssueOpen, Event("issue-1", 1, "open")),
            (MessageTypes.IssueOpen, Event("issue-1", 1, "open", title: new string('t', 501))),
            (MessageTypes.IssueStatus, Event("issue-1", 2, "finished", outcome: "x")),
            (MessageTypes.IssueStatus, Event("issue-1", 2, "referred", outcome: "x")),
            (MessageTypes.IssueStatus, Event("issue-1", 2, "closed")),
            (MessageTypes.IssueStatus, Event("issue-1", 1, "closed", outcome: "x")),
            (MessageTypes.ClearanceAnswer, new JsonObject { ["request"] = "x", ["decision"] = "maybe" }),
            (MessageTypes.ClearanceRequest, new JsonObject { ["request"] = Guid.NewGuid().ToString(), ["subject"] = "no text" }),
        };
        foreach (var (type, body) in refused)
        {
            var (status, code) = await PostAsync(b, peer, type, body);
            Assert.True(status == 400 && code == "e.p.msg.bad-request", $"{type} {body.ToJsonString()}: {status} {code}");
        }

        Assert.Empty(await b.Store.ListIssuesAsync(new IssueQuery()));
        Assert.Empty(await b.Store.ListCoordinationRequestsAsync(null));

        // A change before the opening has arrived is refused for now (the sender tries again), then accepted.
        var change = Event("issue-1", 2, "referred", outcome: "For the details", referredTo: "Gao Gang");
        Assert.Equal((409, "e.p.issue.unknown"), await PostAsync(b, peer, MessageTypes.IssueStatus, change));
        var opening = Event("issue-1", 1, "open", title: "Aid");
        Assert.Equal(202, (await PostAsync(b, peer, MessageTypes.IssueOpen, opening)).Status);
        Assert.Equal(202, (await PostAsync(b, peer, MessageTypes.IssueOpen, opening)).Status);
        Assert.Equal(202, (await PostAsync(b, peer, MessageTypes.IssueStatus, change)).Status);
        Assert.Equal(202, (await PostAsync(b, peer, MessageTypes.IssueStatus, change)).Status);

        var issue = await b.Store.GetIssueAsync("issue-1");
        Assert.Equal((IssueStatus.Referred, "Gao Gang", peer.Did), (issue!.Status, issue.ReferredTo, issue.OpenedBy));
        Assert.Equal(2, (await b.Store.ListIssueEventsAsync("issue-1")).Count);
    }

    [Fact]
    public async Task A_peer_cannot_touch_an_issue_of_another_tie()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var peer = await TiedHostileAsync(b);
        var issue = await b.Agency.OpenIssueAsync(a.Did, "Between Alpha and Bravo", "zhou");

        Assert.Equal((403, "e.p.issue.other-tie"), await PostAsync(b, peer, MessageTypes.IssueStatus, Event(issue.Id, 2, "closed", outcome: "Taken over")));
        Assert.Equal((409, "e.p.issue.conflict"), await PostAsync(b, peer, MessageTypes.IssueOpen, Event(issue.Id, 1, "open", title: "Hijacked")));

        var stored = await b.Store.GetIssueAsync(issue.Id);
        Assert.Equal((IssueStatus.Open, "Between Alpha and Bravo", a.Did), (stored!.Status, stored.Title, stored.Counterpart));
        Assert.Single(await b.Store.ListIssueEventsAsync(issue.Id));
    }
}
