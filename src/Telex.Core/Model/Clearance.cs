namespace Telex.Core.Model;

/// <summary>
/// One rule of the agency's clearance policy. A telegram matches when it goes to <see cref="Counterpart"/> (any, when
/// null) with at least <see cref="MinPrecedence"/> (any, when null); it then needs every clearance the rule names.
/// </summary>
public sealed record ClearanceRule
{
    /// <summary>Rule id.</summary>
    public required Guid Id { get; init; }

    /// <summary>Only telegrams to this counterpart; null for all.</summary>
    public string? Counterpart { get; init; }

    /// <summary>Only telegrams of this precedence or above; null for all.</summary>
    public Precedence? MinPrecedence { get; init; }

    /// <summary>Named officers who must each clear.</summary>
    public IReadOnlyList<string> Officers { get; init; } = [];

    /// <summary>Whether any releasing officer other than the drafter must clear.</summary>
    public bool AnyReleasingOfficer { get; init; }

    /// <summary>A partner agency (a tied counterpart's DID) that must approve.</summary>
    public string? Partner { get; init; }

    /// <summary>
    /// Whether the rule applies to a telegram to <paramref name="to"/> of <paramref name="precedence"/>. DIDs are compared
    /// as given: the agency resolves both the rule's counterpart and <paramref name="to"/> to the tie's current DID first.
    /// </summary>
    public bool Matches(string to, Precedence precedence) =>
        (Counterpart is null || string.Equals(Counterpart, to, StringComparison.Ordinal)) && (MinPrecedence is null || precedence >= MinPrecedence);
}

/// <summary>One clearance a draft needs, and what became of it.</summary>
public sealed record ClearanceStep
{
    /// <summary>Who must clear.</summary>
    public required ClearerKind Kind { get; init; }

    /// <summary>The officer's name (<see cref="ClearerKind.Officer"/>) or the partner's DID (<see cref="ClearerKind.Partner"/>).</summary>
    public string? Party { get; init; }

    /// <summary>The state.</summary>
    public ClearanceState State { get; init; }

    /// <summary>Who gave or refused it (for a partner: its officer).</summary>
    public string? By { get; init; }

    /// <summary>When.</summary>
    public DateTimeOffset? At { get; init; }

    /// <summary>The reason of a refusal, or a note with an approval.</summary>
    public string? Reason { get; init; }

    /// <summary>The coordination request sent to a partner.</summary>
    public Guid? RequestId { get; init; }
}

/// <summary>A telegram drafted and awaiting clearance and release.</summary>
public sealed record DraftRecord
{
    /// <summary>This agency's short number for the draft (1, 2, 3… in the order drafts were submitted); 0 until filed.</summary>
    public long Number { get; init; }

    /// <summary>Draft id.</summary>
    public required Guid Id { get; init; }

    /// <summary>The telegram as drafted.</summary>
    public required TelegramDraft Draft { get; init; }

    /// <summary>The drafter.</summary>
    public required string Drafter { get; init; }

    /// <summary>Status.</summary>
    public required DraftStatus Status { get; init; }

    /// <summary>When it was submitted.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The clearances it needs, in policy order.</summary>
    public IReadOnlyList<ClearanceStep> Steps { get; init; } = [];

    /// <summary>Why it was returned.</summary>
    public string? ReturnReason { get; init; }

    /// <summary>The telegram it became.</summary>
    public Guid? TelegramId { get; init; }

    /// <summary>The releasing officer.</summary>
    public string? ReleasedBy { get; init; }

    /// <summary>When it was released.</summary>
    public DateTimeOffset? ReleasedAt { get; init; }

    /// <summary>
    /// The step this officer may give or refuse now, or -1: a pending step naming them, else (for a releasing officer
    /// or admin who is not the drafter and has not cleared it already) a pending "any releasing officer" step. Only a
    /// draft awaiting clearance awaits anyone. The one rule behind clearing a draft and listing what waits for an officer.
    /// </summary>
    public int StepAwaiting(string officer, Role role)
    {
        ArgumentNullException.ThrowIfNull(officer);
        if (Status != DraftStatus.AwaitingClearance)
        {
            return -1;
        }

        var steps = Steps.ToList();
        int index = steps.FindIndex(s => s.State == ClearanceState.Pending && s.Kind == ClearerKind.Officer && s.Party == officer);
        bool isReleasing = role is Role.ReleasingOfficer or Role.Admin;
        if (index < 0 && isReleasing && officer != Drafter && !steps.Any(s => s.State == ClearanceState.Given && s.By == officer))
        {
            index = steps.FindIndex(s => s.State == ClearanceState.Pending && s.Kind == ClearerKind.AnyReleasingOfficer);
        }

        return index;
    }
}

/// <summary>One recorded step in a draft's way to release: who did what, when.</summary>
/// <param name="DraftId">The draft.</param>
/// <param name="At">When.</param>
/// <param name="Actor">The officer (or partner agency and officer).</param>
/// <param name="Action"><c>submitted</c>, <c>cleared</c>, <c>refused</c>, <c>resubmitted</c>, <c>approved</c> (partner), <c>refused-by-partner</c>, <c>released</c>.</param>
/// <param name="Detail">Reason, partner, telegram id.</param>
public sealed record ClearanceLogEntry(Guid DraftId, DateTimeOffset At, string Actor, string Action, string? Detail);

/// <summary>A change to a draft decided inside the store's transaction, written together.</summary>
/// <param name="Draft">The draft as it becomes.</param>
/// <param name="Log">The step recorded.</param>
/// <param name="Outbox">Messages to send with it (coordination requests), if any.</param>
public sealed record DraftChange(DraftRecord Draft, ClearanceLogEntry Log, IReadOnlyList<OutboxItem>? Outbox = null);

/// <summary>A partner agency's request to coordinate (clear) a telegram before it releases it, as this agency keeps it.</summary>
/// <param name="Id">Request id, the same at both ends.</param>
/// <param name="From">The agency asking.</param>
/// <param name="DraftId">Its draft.</param>
/// <param name="Recipient">To whom it means to send the telegram.</param>
/// <param name="Subject">The subject.</param>
/// <param name="Body">The text.</param>
/// <param name="Precedence">The precedence.</param>
/// <param name="ReceivedAt">When it arrived.</param>
/// <param name="IssueId">The issue.</param>
/// <param name="Drafter">The drafter there.</param>
/// <param name="State">The answer's state.</param>
/// <param name="AnsweredBy">The officer here who answered.</param>
/// <param name="AnsweredAt">When.</param>
/// <param name="Reason">The reason given.</param>
public sealed record CoordinationRequest(
    Guid Id,
    string From,
    Guid DraftId,
    string Recipient,
    string Subject,
    string Body,
    Precedence Precedence,
    DateTimeOffset ReceivedAt,
    string? IssueId = null,
    string? Drafter = null,
    ClearanceState State = ClearanceState.Pending,
    string? AnsweredBy = null,
    DateTimeOffset? AnsweredAt = null,
    string? Reason = null);
