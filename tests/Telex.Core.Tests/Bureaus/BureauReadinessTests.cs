using Telex.Core.Bureaus;
using Telex.Core.Model;

namespace Telex.Core.Tests.Bureaus;

/// <summary>
/// A bureau's readiness rule, decided over the founder's ties alone: every prospective member tied (or the quorum), and
/// no agency left known of by name only.
/// </summary>
public sealed class BureauReadinessTests
{
    private const string Founder = "did:peer:2.founder";

    private static Bureau Proposal(ReadinessRule rule, int members, int prospects = 0) => new()
    {
        Id = Guid.NewGuid(),
        Name = "Information Bureau",
        Purpose = "exchange",
        Founder = Founder,
        Secretariat = Founder,
        Rule = rule,
        CreatedAt = DateTimeOffset.UnixEpoch,
        ChangedAt = DateTimeOffset.UnixEpoch,
        Members = [new BureauMember { Did = Founder, Name = "Moscow", State = MemberState.Accepted },
            .. Enumerable.Range(1, members).Select(i => new BureauMember { Did = Member(i), Name = "member " + i })],
        Prospects = [.. Enumerable.Range(1, prospects).Select(i => new BureauProspect { EntryId = Guid.NewGuid(), Name = "prospect " + i, AddedAt = DateTimeOffset.UnixEpoch })],
    };

    private static string Member(int i) => "did:peer:2.member" + i;

    private static Dictionary<string, Tie> Ties(params (int Member, TieStatus Status)[] ties) =>
        ties.ToDictionary(t => Member(t.Member), t => new Tie { PeerDid = Member(t.Member), PeerName = "member " + t.Member, PeerEndpoint = "", Status = t.Status });

    [Fact]
    public void Ties_with_five_of_twelve_are_premature_and_name_the_seven_missing()
    {
        var readiness = BureauService.ReadinessOf(Proposal(ReadinessRule.All, 12),
            Ties([.. Enumerable.Range(1, 5).Select(i => (i, TieStatus.Established))]));

        Assert.False(readiness.Ready);
        Assert.Equal((5, 12, 12), (readiness.Covered, readiness.Total, readiness.Required));
        Assert.Equal(7, readiness.Missing.Count);
        Assert.Equal("premature: ties with 5 of 12", readiness.Summary);
    }

    [Fact]
    public void A_tie_that_is_not_established_does_not_count()
    {
        var readiness = BureauService.ReadinessOf(Proposal(ReadinessRule.All, 2), Ties((1, TieStatus.Established), (2, TieStatus.Suspended)));

        Assert.False(readiness.Ready);
        Assert.Equal(Member(2), Assert.Single(readiness.Missing).Did);
    }

    [Fact]
    public void A_quorum_is_ready_before_every_member_is_tied()
    {
        var readiness = BureauService.ReadinessOf(Proposal(new ReadinessRule(2), 3), Ties((1, TieStatus.Established), (3, TieStatus.Established)));

        Assert.True(readiness.Ready);
        Assert.Equal("ready: ties with 2 of 3 (quorum 2)", readiness.Summary);
    }

    [Fact]
    public void An_agency_known_of_by_name_only_keeps_the_bureau_premature_even_when_the_quorum_holds()
    {
        var readiness = BureauService.ReadinessOf(Proposal(new ReadinessRule(1), 1, prospects: 1), Ties((1, TieStatus.Established)));

        Assert.False(readiness.Ready);
        Assert.Equal(2, readiness.Total);
        Assert.EndsWith("; 1 known of, no tie", readiness.Summary, StringComparison.Ordinal);
    }
}
