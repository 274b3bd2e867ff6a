using Telex.Core.Model;

namespace Telex.Core.Tests.Model;

/// <summary>Which telegrams a clearance rule covers, and which step of a draft an officer may give or refuse.</summary>
public sealed class ClearanceRuleTests
{
    private const string Harbin = "did:example:harbin";
    private const string Moscow = "did:example:moscow";

    public static TheoryData<string?, Precedence?, string, Precedence, bool> Matching => new()
    {
        // rule's counterpart, rule's least precedence, telegram to, telegram's precedence, covered
        { null, null, Harbin, Precedence.Routine, true },
        { Harbin, null, Harbin, Precedence.Routine, true },
        { Harbin, null, Moscow, Precedence.Flash, false },
        { null, Precedence.Immediate, Harbin, Precedence.Priority, false },
        { null, Precedence.Immediate, Harbin, Precedence.Immediate, true },
        { null, Precedence.Immediate, Harbin, Precedence.Flash, true },
        { Harbin, Precedence.Priority, Harbin, Precedence.Routine, false },
        { Harbin, Precedence.Priority, Harbin, Precedence.Priority, true },
        // DIDs are compared exactly: the agency resolves both to the tie's current DID first.
        { "did:example:HARBIN", null, Harbin, Precedence.Routine, false },
    };

    [Theory]
    [MemberData(nameof(Matching))]
    public void A_rule_covers_telegrams_to_its_counterpart_at_or_above_its_precedence(
        string? counterpart, Precedence? least, string to, Precedence precedence, bool covered)
    {
        var rule = new ClearanceRule { Id = Guid.NewGuid(), Counterpart = counterpart, MinPrecedence = least };

        Assert.Equal(covered, rule.Matches(to, precedence));
    }

    private static DraftRecord Draft(DraftStatus status, params ClearanceStep[] steps) => new()
    {
        Id = Guid.NewGuid(),
        Draft = new TelegramDraft { To = Harbin, Subject = "Divisions", Body = "Text." },
        Drafter = "kovalev",
        Status = status,
        CreatedAt = DateTimeOffset.UnixEpoch,
        UpdatedAt = DateTimeOffset.UnixEpoch,
        Steps = steps,
    };

    private static ClearanceStep Named(string officer, ClearanceState state = ClearanceState.Pending) =>
        new() { Kind = ClearerKind.Officer, Party = officer, State = state, By = state == ClearanceState.Given ? officer : null };

    private static ClearanceStep AnyReleasing(ClearanceState state = ClearanceState.Pending, string? by = null) =>
        new() { Kind = ClearerKind.AnyReleasingOfficer, State = state, By = by };

    private static ClearanceStep Partner() => new() { Kind = ClearerKind.Partner, Party = Moscow };

    public static TheoryData<string, DraftRecord, string, Role, int> Awaiting => new()
    {
        // case, draft, officer, role, the step they may act on (-1: none)
        { "named officer, pending", Draft(DraftStatus.AwaitingClearance, Named("gao"), AnyReleasing()), "gao", Role.Clerk, 0 },
        { "named officer, already given", Draft(DraftStatus.AwaitingClearance, Named("gao", ClearanceState.Given)), "gao", Role.ReleasingOfficer, -1 },
        { "releasing officer, any-releasing step", Draft(DraftStatus.AwaitingClearance, Named("gao"), AnyReleasing()), "zhou", Role.ReleasingOfficer, 1 },
        { "admin, any-releasing step", Draft(DraftStatus.AwaitingClearance, AnyReleasing()), "liu", Role.Admin, 0 },
        { "clerk, any-releasing step", Draft(DraftStatus.AwaitingClearance, AnyReleasing()), "zhu", Role.Clerk, -1 },
        { "auditor, any-releasing step", Draft(DraftStatus.AwaitingClearance, AnyReleasing()), "bo", Role.Auditor, -1 },
        { "the drafter, any-releasing step", Draft(DraftStatus.AwaitingClearance, AnyReleasing()), "kovalev", Role.Admin, -1 },
        { "cleared one any-releasing step, a second waits", Draft(DraftStatus.AwaitingClearance, AnyReleasing(ClearanceState.Given, "zhou"), AnyReleasing()), "zhou", Role.ReleasingOfficer, -1 },
        { "a second officer, second any-releasing step", Draft(DraftStatus.AwaitingClearance, AnyReleasing(ClearanceState.Given, "zhou"), AnyReleasing()), "liu", Role.ReleasingOfficer, 1 },
        { "partner step is the partner's", Draft(DraftStatus.AwaitingClearance, Partner()), "zhou", Role.Admin, -1 },
        { "returned draft awaits no one", Draft(DraftStatus.Returned, Named("gao")), "gao", Role.ReleasingOfficer, -1 },
        { "cleared draft awaits no one", Draft(DraftStatus.Cleared, AnyReleasing()), "zhou", Role.ReleasingOfficer, -1 },
    };

    [Theory]
    [MemberData(nameof(Awaiting))]
    public void The_step_an_officer_may_act_on(string @case, DraftRecord draft, string officer, Role role, int step)
    {
        Assert.True(step == draft.StepAwaiting(officer, role), @case);
    }
}
