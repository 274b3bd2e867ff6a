using System.Text.Json.Nodes;

using Telex.Core.Model;
using Telex.Core.Protocol;
using Telex.Core.Storage;
using Telex.TestKit;

namespace Telex.Server.Tests.Federation;

/// <summary>Issue and clearance messages from a tied peer that break the protocol are refused and change nothing.</summary>
public sealed class IssueRefusalTests
{
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
        using var peer = await HostilePeer.TiedWithAsync(b);

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

        Assert.Empty(await b.Store.Issues.ListIssuesAsync(new IssueQuery()));
        Assert.Empty(await b.Store.Clearance.ListCoordinationRequestsAsync(null));

        // A change before the opening has arrived is refused for now (the sender tries again), then accepted.
        var change = Event("issue-1", 2, "referred", outcome: "For the details", referredTo: "Gao Gang");
        Assert.Equal((409, "e.p.issue.unknown"), await PostAsync(b, peer, MessageTypes.IssueStatus, change));
        var opening = Event("issue-1", 1, "open", title: "Aid");
        Assert.Equal(202, (await PostAsync(b, peer, MessageTypes.IssueOpen, opening)).Status);
        Assert.Equal(202, (await PostAsync(b, peer, MessageTypes.IssueOpen, opening)).Status);
        Assert.Equal(202, (await PostAsync(b, peer, MessageTypes.IssueStatus, change)).Status);
        Assert.Equal(202, (await PostAsync(b, peer, MessageTypes.IssueStatus, change)).Status);

        var issue = await b.Store.Issues.GetIssueAsync("issue-1");
        Assert.Equal((IssueStatus.Referred, "Gao Gang", peer.Did), (issue!.Status, issue.ReferredTo, issue.OpenedBy));
        Assert.Equal(2, (await b.Store.Issues.ListIssueEventsAsync("issue-1")).Count);
    }

    [Fact]
    public async Task A_peer_cannot_touch_an_issue_of_another_tie()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var peer = await HostilePeer.TiedWithAsync(b);
        var issue = await b.Agency.Issues.OpenIssueAsync(a.Did, "Between Alpha and Bravo", "zhou");

        Assert.Equal((403, "e.p.issue.other-tie"), await PostAsync(b, peer, MessageTypes.IssueStatus, Event(issue.Id, 2, "closed", outcome: "Taken over")));
        Assert.Equal((409, "e.p.issue.conflict"), await PostAsync(b, peer, MessageTypes.IssueOpen, Event(issue.Id, 1, "open", title: "Hijacked")));

        var stored = await b.Store.Issues.GetIssueAsync(issue.Id);
        Assert.Equal((IssueStatus.Open, "Between Alpha and Bravo", a.Did), (stored!.Status, stored.Title, stored.Counterpart));
        Assert.Single(await b.Store.Issues.ListIssueEventsAsync(issue.Id));
    }

    [Fact]
    public async Task A_telegram_naming_an_issue_of_another_tie_is_refused_and_never_joins_that_issues_history()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var peer = await HostilePeer.TiedWithAsync(b);
        var issue = await b.Agency.Issues.OpenIssueAsync(a.Did, "Between Alpha and Bravo", "zhou");
        var onIssue = await a.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = b.Did, Subject = "On the issue", Body = "Text.", IssueId = issue.Id }, "officer");
        await Eventually.UntilAsync(() => b.Store.Telegrams.GetTelegramAsync(onIssue.Id, Direction.Inbound), t => t is not null, TimeSpan.FromSeconds(30),
            "Alpha's telegram on the issue registered at Bravo");

        // The tied peer names the issue, in the body and as the thread: refused, nothing filed.
        var telegram = peer.Telegram(b.Did, 1);
        var body = JsonNode.Parse(telegram.Body.GetRawText())!.AsObject();
        body["issue"] = issue.Id;
        var named = telegram with { Body = System.Text.Json.JsonSerializer.SerializeToElement(body) };
        Assert.Equal((403, "e.p.issue.other-tie"), await HostilePeer.PostAsync(b.Identity.Endpoint, peer.SignAndEncrypt(named, b.Did)));
        var threaded = peer.Telegram(b.Did, 1) with { Thid = issue.Id };
        Assert.Equal((403, "e.p.issue.other-tie"), await HostilePeer.PostAsync(b.Identity.Endpoint, peer.SignAndEncrypt(threaded, b.Did)));
        Assert.Equal(0, await b.Store.Register.CountAsync(new RegisterQuery { Counterpart = peer.Did }));

        var history = await b.Agency.Issues.IssueHistoryAsync(issue.Id);
        var telegrams = history.Entries.Where(e => e.Telegram is not null).Select(e => e.Telegram!).ToList();
        Assert.Equal([onIssue.Id], telegrams.Select(t => t.Id));

        // An id naming no issue here is still a plain label on the peer's own telegram.
        var labelled = telegram with { Id = Guid.NewGuid().ToString(), Thid = "not-an-issue-here" };
        Assert.Equal(202, (await HostilePeer.PostAsync(b.Identity.Endpoint, peer.SignAndEncrypt(labelled, b.Did))).Status);
    }

    [Fact]
    public async Task A_telegram_from_another_counterpart_filed_under_an_issue_before_the_check_is_left_out_of_its_history()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var peer = await HostilePeer.TiedWithAsync(b);
        var issue = await b.Agency.Issues.OpenIssueAsync(a.Did, "Between Alpha and Bravo", "zhou");

        // As a register filed before inbound telegrams' issues were checked holds it.
        var id = Guid.NewGuid();
        byte[] signed = System.Text.Encoding.UTF8.GetBytes("signed " + id);
        await b.Store.Telegrams.RegisterInboundAsync(id, (number, at) => new TelegramRecord
        {
            Id = id,
            Direction = Direction.Inbound,
            Counterpart = peer.Did,
            Serial = 1,
            RegistryNumber = number,
            Status = TelegramStatus.Registered,
            CreatedAt = at,
            ReleasedAt = at,
            RegisteredAt = at,
            Subject = "Injected",
            Body = "Not of this issue.",
            Precedence = Precedence.Routine,
            IssueId = issue.Id,
            ContentHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(signed)),
            Plaintext = signed,
            SignedOriginal = signed,
        });

        var history = await b.Agency.Issues.IssueHistoryAsync(issue.Id);
        Assert.DoesNotContain(history.Entries, e => e.Telegram?.Id == id);
        Assert.Single(history.Entries);
    }

    [Fact]
    public async Task An_opening_that_reuses_the_event_id_of_another_issues_opening_is_refused_as_a_conflict_and_changes_nothing()
    {
        await using var b = await TestAgency.StartAsync("Bravo");
        using var peer = await HostilePeer.TiedWithAsync(b);
        var first = Event("issue-1", 1, "open", title: "Aid");
        Assert.Equal(202, (await PostAsync(b, peer, MessageTypes.IssueOpen, first)).Status);
        var head = await b.Store.Register.GetRegisterHeadAsync();

        // Once this was a 500: the store met the event id's unique key instead of refusing.
        var reused = Event("issue-2", 1, "open", title: "Other");
        reused["event"] = first["event"]!.GetValue<string>();
        Assert.Equal((409, "e.p.issue.conflict"), await PostAsync(b, peer, MessageTypes.IssueOpen, reused));

        Assert.Null(await b.Store.Issues.GetIssueAsync("issue-2"));
        Assert.Equal(head, await b.Store.Register.GetRegisterHeadAsync());
        Assert.Equal(202, (await PostAsync(b, peer, MessageTypes.IssueOpen, Event("issue-2", 1, "open", title: "Other"))).Status);
    }
}
