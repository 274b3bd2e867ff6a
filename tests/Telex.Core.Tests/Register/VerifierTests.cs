using System.Text;

using Telex.Core.Model;
using Telex.Core.Register;

namespace Telex.Core.Tests.Register;

/// <summary>The verifier over registers built in memory, as an export would carry them.</summary>
public sealed class VerifierTests
{
    private static readonly DateTimeOffset At = new(2031, 5, 18, 17, 18, 0, TimeSpan.Zero);

    private static TelegramRecord Inbound(long number) => new()
    {
        Id = Guid.NewGuid(),
        Direction = Direction.Inbound,
        Counterpart = "did:example:bravo",
        Serial = number,
        RegistryNumber = number,
        Status = TelegramStatus.Registered,
        CreatedAt = At,
        ReleasedAt = At,
        RegisteredAt = At,
        Subject = $"Point {number}",
        Body = "Text.",
        Precedence = Precedence.Routine,
        ContentHash = new string('c', 64),
        Plaintext = Encoding.UTF8.GetBytes("p"),
        SignedOriginal = Encoding.UTF8.GetBytes("s"),
    };

    private static RegisterSnapshot Register(params TelegramRecord[] telegrams)
    {
        var entries = new List<RegisterEntry>();
        foreach (var t in telegrams.DistinctBy(t => t.Id))
        {
            entries.Add(RegisterChain.Next(entries.Count > 0 ? entries[^1] : null, RegisterKinds.TelegramIn,
                RegisterChain.TelegramReference(t.Id, t.Direction), At, RegisterChain.TelegramContent(t), keepContent: false));
        }

        return new RegisterSnapshot { Entries = entries, Telegrams = telegrams, Cables = [], Checkpoints = [] };
    }

    [Fact]
    public void A_register_built_by_the_rules_verifies()
    {
        var report = RegisterVerifier.Verify(Register(Inbound(1), Inbound(2)), "did:example:alpha", _ => null);
        Assert.True(report.Ok);
        Assert.Equal(2, report.Entries);
    }

    [Fact]
    public void A_second_row_for_the_same_telegram_is_reported_as_inserted()
    {
        var t = Inbound(1);
        var report = RegisterVerifier.Verify(Register(t, t with { Body = "Another text." }), "did:example:alpha", _ => null);
        Assert.False(report.Ok);
        Assert.Contains(report.Problems, p => p.Problem == "inserted" && p.TelegramId == t.Id);
    }

    [Fact]
    public void A_state_change_naming_a_telegram_not_yet_recorded_is_reported_at_its_position()
    {
        var t = Inbound(1);
        var register = Register(t);
        var read = RegisterChain.Next(register.Entries[^1], RegisterKinds.Read, RegisterChain.TelegramReference(Guid.NewGuid(), Direction.Inbound), At,
            RegisterChain.ReadContent(t.Id, At), keepContent: true);
        var report = RegisterVerifier.Verify(register with { Entries = [.. register.Entries, read] }, "did:example:alpha", _ => null);
        Assert.Equal(2, report.First?.Position);
    }

    [Fact]
    public void A_checkpoint_that_does_not_verify_is_reported()
    {
        var register = Register(Inbound(1)) with
        {
            Checkpoints = [new Checkpoint(AgencyDid: "did:example:alpha", Count: 1, Head: new string('a', 64), Time: At, SignedMessage: [1],
                StoredAt: At)],
        };
        var report = RegisterVerifier.Verify(register, "did:example:alpha", _ => null);
        Assert.Equal("checkpoint", Assert.Single(report.Problems).Problem);

        // Verified, but its head is not the chain's at its count: the chain was rewritten.
        var signed = RegisterVerifier.Verify(register, "did:example:alpha", _ => new CheckpointStatement("did:example:alpha", 1, new string('a', 64), At));
        Assert.Contains("rewritten", Assert.Single(signed.Problems).Detail, StringComparison.Ordinal);
    }

    private const string Alpha = "did:example:alpha";
    private const string Bravo = "did:example:bravo";

    private static IssueEvent Opening() => new()
    {
        Id = Guid.NewGuid(),
        IssueId = "issue-1",
        Clock = 1,
        Agency = Alpha,
        Officer = "kovalev",
        At = At,
        Status = IssueStatus.Open,
        Title = "Aid to the Orient",
    };

    private static IssueEvent Change(long clock, string agency, IssueStatus status, string outcome, string? referredTo = null) => new()
    {
        Id = Guid.NewGuid(),
        IssueId = "issue-1",
        Clock = clock,
        Agency = agency,
        Officer = "zhou",
        At = At + TimeSpan.FromMinutes(clock),
        Status = status,
        Outcome = outcome,
        ReferredTo = referredTo,
    };

    /// <summary>The issue as the store keeps it after <paramref name="events"/>: standing where the greatest puts it.</summary>
    private static Issue IssueAfter(params IssueEvent[] events)
    {
        var greatest = events.Max(IssueEvent.Order)!;
        return new Issue
        {
            Id = "issue-1",
            Counterpart = Bravo,
            Title = events[0].Title!,
            OpenedBy = events[0].Agency,
            OpenedAt = events[0].At,
            Status = greatest.Status,
            Outcome = greatest.Outcome,
            ReferredTo = greatest.ReferredTo,
            Clock = greatest.Clock,
            ChangedAt = greatest.At,
        };
    }

    /// <summary>
    /// An issue opened here, referred by Bravo and, concurrently at the same clock, deferred here (Bravo's change is the
    /// greater one), then a draft's two clearance steps; every event and step recorded by an entry.
    /// </summary>
    private static (RegisterSnapshot Register, IssueEvent[] Events) IssueRegister()
    {
        IssueEvent[] events =
        [
            Opening(),
            Change(2, Bravo, IssueStatus.Referred, "For the details", "Gao Gang"),
            Change(2, Alpha, IssueStatus.Deferred, "Later"),
        ];
        var draftId = Guid.NewGuid();
        ClearanceLogRow[] log =
        [
            new(1, new ClearanceLogEntry(draftId, At, "drafter", "submitted", null)),
            new(2, new ClearanceLogEntry(draftId, At, "chief", "cleared", null)),
        ];
        var entries = new List<RegisterEntry>();
        foreach (var e in events)
        {
            entries.Add(RegisterChain.Next(entries.Count > 0 ? entries[^1] : null, RegisterKinds.IssueStatus, RegisterChain.IssueEventReference(e), At,
                RegisterChain.IssueEventContent(e, Bravo), keepContent: false));
        }

        foreach (var row in log)
        {
            entries.Add(RegisterChain.Next(entries[^1], RegisterKinds.Clearance, RegisterChain.ClearanceReference(row), At,
                RegisterChain.ClearanceContent(row), keepContent: false));
        }

        return (new RegisterSnapshot
        {
            Entries = entries,
            Telegrams = [],
            Cables = [],
            Checkpoints = [],
            Issues = [IssueAfter(events)],
            IssueEvents = events,
            ClearanceLog = log,
        }, events);
    }

    private static VerifyReport Verify(RegisterSnapshot register) => RegisterVerifier.Verify(register, Alpha, _ => null);

    [Fact]
    public void Issue_events_and_clearance_steps_recorded_by_the_rules_verify()
    {
        var (register, _) = IssueRegister();
        var report = Verify(register);
        Assert.True(report.Ok, string.Join("; ", report.Problems));
        Assert.Equal((5L, 3L, 2L), (report.Entries, report.IssueEvents, report.ClearanceSteps));

        // Bravo's change is the greater at clock 2 (ordinal agency order), whatever the order the rows are read in.
        Assert.Equal(IssueStatus.Referred, register.Issues[0].Status);
        Assert.True(Verify(register with { IssueEvents = [.. register.IssueEvents.Reverse()] }).Ok);
    }

    [Fact]
    public void A_changed_issue_event_is_reported_at_its_entry()
    {
        var (register, events) = IssueRegister();
        var changed = events[2] with { Outcome = "Never" };

        var report = Verify(register with { IssueEvents = [events[0], events[1], changed] });

        var problem = Assert.Single(report.Problems);
        Assert.Equal((3L, "changed", RegisterChain.IssueEventReference(events[2])), (problem.Position, problem.Problem, problem.Reference));
        Assert.Contains("issue event no longer matches", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deleted_issue_event_is_reported_at_its_entry_before_the_issue_it_leaves_inconsistent()
    {
        var (register, events) = IssueRegister();

        var report = Verify(register with { IssueEvents = [events[0], events[2]] });

        Assert.Equal((2L, "deleted", RegisterChain.IssueEventReference(events[1])), (report.First!.Position, report.First.Problem, report.First.Reference));

        // Without Bravo's referral the issue would stand deferred; its row says referred.
        Assert.Contains(report.Problems, p => p.Problem == "changed" && p.Reference == "issue/issue-1" && p.Detail.Contains("status referred", StringComparison.Ordinal));
    }

    [Fact]
    public void An_inserted_issue_event_is_reported_as_inserted_and_named()
    {
        var (register, events) = IssueRegister();
        var forged = Change(3, Alpha, IssueStatus.Closed, "Closed without asking");

        // The row inserted and the issue updated to match it: only the chain shows the event was never filed.
        var report = Verify(register with { IssueEvents = [.. events, forged], Issues = [IssueAfter([.. events, forged])] });

        var problem = Assert.Single(report.Problems);
        Assert.Equal(("inserted", RegisterChain.IssueEventReference(forged)), (problem.Problem, problem.Reference));
        Assert.Null(problem.Position);
    }

    [Fact]
    public void An_issue_whose_status_was_changed_directly_is_reported_with_what_its_events_imply()
    {
        var (register, _) = IssueRegister();

        var report = Verify(register with { Issues = [register.Issues[0] with { Status = IssueStatus.Closed }] });

        var problem = Assert.Single(report.Problems);
        Assert.Equal((3L, "changed", "issue/issue-1"), (problem.Position, problem.Problem, problem.Reference));
        Assert.Equal("its status closed is not what its events imply (referred)", problem.Detail);
        Assert.Equal("entry 3, issue/issue-1: changed: its status closed is not what its events imply (referred)", problem.ToString());
    }

    [Fact]
    public void A_changed_or_deleted_clearance_step_is_reported_at_its_entry()
    {
        var (register, _) = IssueRegister();
        var log = register.ClearanceLog;

        var changed = Verify(register with { ClearanceLog = [log[0], log[1] with { Step = log[1].Step with { Actor = "someone else" } }] });
        Assert.Equal((5L, "changed", RegisterChain.ClearanceReference(log[1])), (changed.First!.Position, changed.First.Problem, changed.First.Reference));

        var deleted = Verify(register with { ClearanceLog = [log[1]] });
        Assert.Equal((4L, "deleted", RegisterChain.ClearanceReference(log[0])), (deleted.First!.Position, deleted.First.Problem, deleted.First.Reference));
    }
}
