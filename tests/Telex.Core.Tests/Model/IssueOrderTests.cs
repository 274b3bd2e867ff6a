using CsCheck;

using Telex.Core.Model;

namespace Telex.Core.Tests.Model;

/// <summary>
/// The order of an issue's events, which decides its current state at every agency that holds it: by clock, then
/// deciding agency, then event id. Two agencies that receive the same events in any order must agree.
/// </summary>
public sealed class IssueOrderTests
{
    private static IssueEvent Event(long clock, string agency, Guid id, IssueStatus status) => new()
    {
        Id = id,
        IssueId = "i-1",
        Clock = clock,
        Agency = agency,
        At = DateTimeOffset.UnixEpoch,
        Status = status,
    };

    [Fact]
    public void A_later_clock_wins_whoever_decided_it()
    {
        var early = Event(2, "did:example:zulu", Guid.NewGuid(), IssueStatus.Agreed);
        var late = Event(3, "did:example:alpha", Guid.NewGuid(), IssueStatus.Deferred);

        Assert.True(IssueEvent.Order.Compare(late, early) > 0);
    }

    [Fact]
    public void On_the_same_clock_the_agency_decides_then_the_event_id()
    {
        var id = Guid.Parse("00000000-0000-0000-0000-000000000001");
        var alpha = Event(5, "did:example:alpha", id, IssueStatus.Agreed);
        var bravo = Event(5, "did:example:bravo", id, IssueStatus.Deferred);
        var bravoLater = Event(5, "did:example:bravo", Guid.Parse("f0000000-0000-0000-0000-000000000000"), IssueStatus.Closed);

        Assert.True(IssueEvent.Order.Compare(bravo, alpha) > 0);
        Assert.True(IssueEvent.Order.Compare(bravoLater, bravo) > 0);
        Assert.Equal(0, IssueEvent.Order.Compare(bravo, bravo with { Status = IssueStatus.Closed }));
    }

    [Fact]
    public void The_agency_is_compared_ordinally_not_by_culture()
    {
        // Ordinal: 'Z' (0x5A) sorts before 'a' (0x61); a culture-aware comparison would put "a" first.
        var upper = Event(1, "did:example:Z", Guid.Empty, IssueStatus.Open);
        var lower = Event(1, "did:example:a", Guid.Empty, IssueStatus.Open);

        Assert.True(IssueEvent.Order.Compare(lower, upper) > 0);
    }

    [Fact]
    public void Every_arrival_order_of_the_same_events_names_the_same_current_state()
    {
        var agencies = Gen.Int[0, 2].Select(i => new[] { "did:example:harbin", "did:example:moscow", "did:example:pyongyang" }[i]);
        var events = Gen.Select(Gen.Long[0, 6], agencies, Gen.Guid, Gen.Enum<IssueStatus>())
            .Select((clock, agency, id, status) => Event(clock, agency, id, status))
            .Array[1, 12];

        Gen.Select(events, Gen.Int).Sample((original, seed) =>
        {
            var shuffled = original.ToArray();
            new Random(seed).Shuffle(shuffled);
            var decided = original.Max(IssueEvent.Order)!;
            var decidedElsewhere = shuffled.Max(IssueEvent.Order)!;
            Assert.Equal(decided.Id, decidedElsewhere.Id);
            Assert.Equal(decided.Status, decidedElsewhere.Status);
        });
    }
}
