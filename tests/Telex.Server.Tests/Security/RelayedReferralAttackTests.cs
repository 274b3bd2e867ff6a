using System.Text.Json.Nodes;

using Telex.Core.Protocol;
using Telex.TestKit;

namespace Telex.Server.Tests.Security;

/// <summary>
/// Issue messages delivered through a relay from an agency without a tie: judged as over a tie. A change from an agency
/// that does not take part, a share that is not the sender's referral to this agency, or either from an agency with a tie
/// here (which must use it) are refused and change nothing; a share that is a referral is filed like a relayed telegram.
/// </summary>
public sealed class RelayedReferralAttackTests
{
    private static JsonObject Event(string issue, long clock, string status, string agency, string? title = null, string? outcome = null,
        string? referredTo = null, string? referredToDid = null)
    {
        var body = new JsonObject
        {
            ["issue"] = issue,
            ["event"] = Guid.NewGuid().ToString(),
            ["clock"] = clock,
            ["status"] = status,
            ["time"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            ["agency"] = agency,
        };
        foreach (var (name, value) in new[] { ("title", title), ("outcome", outcome), ("referred_to", referredTo), ("referred_to_did", referredToDid) })
        {
            if (value is not null)
            {
                body[name] = value;
            }
        }

        return body;
    }

    private static JsonObject Share(string issue, string senderName, params JsonObject[] events) => new()
    {
        ["issue"] = issue,
        ["events"] = new JsonArray([.. events]),
        ["participants"] = new JsonArray(),
        ["sender_name"] = senderName,
    };

    private static Task<(int Status, string? Code)> RelayAsync(TestAgency to, HostilePeer relay, HostilePeer origin, string type, JsonObject body, string thid) =>
        HostilePeer.PostAsync(to.Identity.Endpoint,
            relay.RelayDelivery(to.Did, origin.Did, origin.SignAndEncrypt(origin.Message(type, to.Did, body) with { Thid = thid }, to.Did)));

    [Fact]
    public async Task Issue_messages_through_a_relay_are_judged_as_over_a_tie_and_only_a_referral_to_this_agency_is_filed()
    {
        await using var b = await TestAgency.StartAsync("Bravo");
        using var relay = await HostilePeer.RelayTiedWithAsync(b, "Relay");
        using var mallory = await HostilePeer.TiedWithAsync(b, "Mallory");
        using var stranger = HostilePeer.Create("Stranger");
        var theirs = await b.Agency.Issues.OpenIssueAsync(mallory.Did, "Between Bravo and Mallory", "zhou");

        // A change of an issue the stranger takes no part in: refused, nothing filed.
        Assert.Equal((403, "e.p.issue.other-tie"), await RelayAsync(b, relay, stranger, MessageTypes.IssueStatus,
            Event(theirs.Id, 2, "closed", stranger.Did, outcome: "Closed by a stranger"), theirs.Id));
        Assert.Single(await b.Store.Issues.ListIssueEventsAsync(theirs.Id));

        // A share that does not end with the sender's referral naming Bravo: refused, and the sender is not entered in the directory.
        Assert.Equal((400, "e.p.msg.bad-request"), await RelayAsync(b, relay, stranger, MessageTypes.IssueShare, Share("elsewhere", "Stranger",
            Event("elsewhere", 1, "open", stranger.Did, title: "Not for Bravo"),
            Event("elsewhere", 2, "referred", stranger.Did, outcome: "To Mallory", referredTo: "Mallory", referredToDid: mallory.Did)), "elsewhere"));
        Assert.Null(await b.Store.Issues.GetIssueAsync("elsewhere"));
        Assert.Null(await b.Store.Directory.FindDirectoryEntryAsync(stranger.Did));

        // An agency with a tie here sends over that tie, not through a relay.
        Assert.Equal((403, "e.p.tie.none"), await RelayAsync(b, relay, mallory, MessageTypes.IssueShare, Share("by-tied", "Mallory",
            Event("by-tied", 1, "open", mallory.Did, title: "Through the relay"),
            Event("by-tied", 2, "referred", mallory.Did, outcome: "To Bravo", referredTo: "Bravo", referredToDid: b.Did)), "by-tied"));
        Assert.Null(await b.Store.Issues.GetIssueAsync("by-tied"));

        // The stranger's own referral to Bravo is filed, as a relayed telegram would be, and the stranger enters the
        // directory as reached through the relay, by the name it gave.
        Assert.Equal((202, null), await RelayAsync(b, relay, stranger, MessageTypes.IssueShare, Share("referred-here", "Stranger",
            Event("referred-here", 1, "open", stranger.Did, title: "For Bravo"),
            Event("referred-here", 2, "referred", stranger.Did, outcome: "Yours to agree on", referredTo: "Bravo", referredToDid: b.Did)), "referred-here"));
        var filed = await b.Store.Issues.GetIssueAsync("referred-here");
        Assert.Equal(("For Bravo", stranger.Did), (filed!.Title, filed.Counterpart));
        var entry = await b.Store.Directory.FindDirectoryEntryAsync(stranger.Did);
        Assert.Equal("Stranger", entry!.Name);
        Assert.Equal([relay.Did], entry.KnownTies);

        // Its changes of that issue through the relay are filed too.
        Assert.Equal((202, null), await RelayAsync(b, relay, stranger, MessageTypes.IssueStatus,
            Event("referred-here", 3, "agreed", stranger.Did, outcome: "Agreed after all"), "referred-here"));
        Assert.Equal(3, (await b.Store.Issues.ListIssueEventsAsync("referred-here")).Count);
        Assert.True((await b.Agency.Register.VerifyRegisterAsync()).Ok);
    }
}
