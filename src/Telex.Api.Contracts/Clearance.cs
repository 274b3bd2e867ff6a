namespace Telex.Api.Contracts;

/// <summary>
/// <c>POST /api/clearance/rules</c>: which telegrams (to <c>counterpart</c>, of <c>minPrecedence</c> or above; all when
/// both are left out) need clearance by whom (named <c>officers</c>, <c>anyReleasingOfficer</c>, a <c>partner</c> agency).
/// </summary>
public sealed record ClearanceRuleRequest(string? Counterpart, string? MinPrecedence, IReadOnlyList<string>? Officers, bool? AnyReleasingOfficer,
    string? Partner);

/// <summary>A rule of the clearance policy.</summary>
public sealed record ClearanceRuleView(Guid Id, string? Counterpart, Precedence? MinPrecedence, IReadOnlyList<string> Officers, bool AnyReleasingOfficer,
    string? Partner);

/// <summary><c>POST /api/drafts/{id}/clear|refuse</c>, <c>POST /api/coordination/{id}/approve|refuse</c>: a reason (required to refuse).</summary>
public sealed record DecisionRequest(string? Reason);

/// <summary>One clearance a draft needs; <c>party</c> is the officer's name or the partner's DID.</summary>
public sealed record ClearanceStepView(ClearerKind Kind, string? Party, ClearanceState State, string? By, DateTimeOffset? At, string? Reason, Guid? RequestId);

/// <summary>One recorded step: who did what, when.</summary>
public sealed record ClearanceLogView(DateTimeOffset At, string Actor, string Action, string? Detail);

/// <summary>A draft on its way to release, with its clearances and (in full) its recorded steps.</summary>
public sealed record DraftView(
    Guid Id,
    long Number,
    DraftStatus Status,
    string To,
    string Subject,
    string Body,
    Precedence Precedence,
    string? IssueId,
    string Drafter,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? ReturnReason,
    Guid? TelegramId,
    string? ReleasedBy,
    DateTimeOffset? ReleasedAt,
    IReadOnlyList<ClearanceStepView> Clearances,
    IReadOnlyList<ClearanceLogView>? Log);

/// <summary>A partner agency's request to clear a telegram, and the answer given here.</summary>
public sealed record CoordinationView(
    Guid Id,
    string From,
    string FromName,
    Guid DraftId,
    string Recipient,
    string? RecipientName,
    string Subject,
    string Body,
    Precedence Precedence,
    string? IssueId,
    string? Drafter,
    DateTimeOffset ReceivedAt,
    ClearanceState State,
    string? AnsweredBy,
    DateTimeOffset? AnsweredAt,
    string? Reason);

/// <summary><c>POST /api/drafts/{id}/resubmit</c>: a revised subject or text; what is left out stays as it was.</summary>
public sealed record ResubmitRequest(string? Subject, string? Body);
