using System.Text.Json;

using Telex.Core.Inbound;
using Telex.Core.Issues;
using Telex.Core.Model;

namespace Telex.Core.Tests.Issues;

/// <summary>
/// An issue event as a peer sends it: what this agency files, and what it refuses before anything is stored (the issue id
/// a link is made of, an opening that is not one, a change passed on as another agency's where none may be).
/// </summary>
public sealed class IssueWireTests
{
    private const string Sender = "did:peer:2.sender";

    private static string Body(string issue = "i-1", long clock = 2, string status = "agreed", string? title = null, string? outcome = "done",
        string? agency = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["issue"] = issue,
            ["event"] = Guid.NewGuid().ToString(),
            ["clock"] = clock,
            ["status"] = status,
            ["time"] = 1_700_000_000_000,
            ["title"] = title,
            ["outcome"] = outcome,
            ["agency"] = agency,
        };
        return JsonSerializer.Serialize(body.Where(kv => kv.Value is not null).ToDictionary());
    }

    private static IssueEvent Parse(string json, bool opening = false, bool passedOn = false)
    {
        using var doc = JsonDocument.Parse(json);
        return IssueWire.ParseEvent(doc.RootElement.Clone(), Sender, thid: null, opening, passedOn);
    }

    [Fact]
    public void An_event_written_here_reads_back_as_the_same_event()
    {
        var change = Parse(Body(status: "referred", outcome: "to Gao Gang").Replace("\"outcome\"", "\"referred_to\":\"Shenyang\",\"outcome\"", StringComparison.Ordinal));
        using var doc = JsonDocument.Parse(IssueWire.EventJson(change, "did:peer:2.here").ToJsonString());

        var again = IssueWire.ParseEvent(doc.RootElement.Clone(), Sender, thid: "i-1", opening: false, passedOn: false);

        Assert.Equal(change, again);
        Assert.Equal((IssueStatus.Referred, "Shenyang", Sender), (again.Status, again.ReferredTo, again.Agency));
    }

    [Theory]
    [InlineData("42")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("")]
    public void An_issue_id_a_link_could_not_name_faithfully_is_refused(string issue)
    {
        var refused = Assert.Throws<InboundRefusal>(() => Parse(Body(issue: issue)));

        Assert.Equal("e.p.msg.bad-request", refused.Refusal.Code);
    }

    [Fact]
    public void An_opening_carries_clock_one_status_open_and_a_title()
    {
        Assert.Equal("Aid", Parse(Body(clock: 1, status: "open", title: "Aid", outcome: null), opening: true).Title);
        Assert.Throws<InboundRefusal>(() => Parse(Body(clock: 2, status: "open", title: "Aid", outcome: null), opening: true));
        Assert.Throws<InboundRefusal>(() => Parse(Body(clock: 1, status: "agreed", title: "Aid", outcome: null), opening: true));
    }

    [Fact]
    public void A_referral_names_the_agency_referred_to_and_nothing_else_does()
    {
        Assert.Throws<InboundRefusal>(() => Parse(Body(status: "referred")));
        Assert.Throws<InboundRefusal>(() => Parse(Body(status: "agreed").Replace("\"outcome\"", "\"referred_to\":\"Shenyang\",\"outcome\"", StringComparison.Ordinal)));
    }

    [Fact]
    public void Another_agency_is_named_as_a_change_maker_only_where_changes_are_passed_on()
    {
        string other = Body(agency: "did:peer:2.other");

        Assert.Throws<InboundRefusal>(() => Parse(other));
        Assert.Equal("did:peer:2.other", Parse(other, passedOn: true).Agency);
        Assert.Throws<InboundRefusal>(() => Parse(Body(agency: "did:example:not-peer"), passedOn: true));
    }
}
