using Telex.Core.Model;

namespace Telex.Server.Api.Contracts;

/// <summary>
/// <c>POST /api/clearance/rules</c>: which telegrams (to <c>counterpart</c>, of <c>minPrecedence</c> or above; all when
/// both are left out) need clearance by whom (named <c>officers</c>, <c>anyReleasingOfficer</c>, a <c>partner</c> agency).
/// </summary>
internal sealed record ClearanceRuleRequest(string? Counterpart, string? MinPrecedence, IReadOnlyList<string>? Officers, bool? AnyReleasingOfficer,
    string? Partner);

/// <summary>A rule of the clearance policy.</summary>
internal sealed record ClearanceRuleView(Guid Id, string? Counterpart, Precedence? MinPrecedence, IReadOnlyList<string> Officers, bool AnyReleasingOfficer,
    string? Partner)
{
    public static ClearanceRuleView From(ClearanceRule r) => new(r.Id, r.Counterpart, r.MinPrecedence, r.Officers, r.AnyReleasingOfficer, r.Partner);
}

/// <summary><c>POST /api/drafts/{id}/clear|refuse</c>, <c>POST /api/coordination/{id}/approve|refuse</c>: a reason (required to refuse).</summary>
internal sealed record DecisionRequest(string? Reason);

/// <summary>One clearance a draft needs; <c>party</c> is the officer's name or the partner's DID.</summary>
internal sealed record ClearanceStepView(ClearerKind Kind, string? Party, ClearanceState State, string? By, DateTimeOffset? At, string? Reason, Guid? RequestId)
{
    public static ClearanceStepView From(ClearanceStep s) => new(s.Kind, s.Party, s.State, s.By, s.At, s.Reason, s.RequestId);
}

/// <summary>One recorded step: who did what, when.</summary>
internal sealed record ClearanceLogView(DateTimeOffset At, string Actor, string Action, string? Detail);

/// <summary>A draft on its way to release, with its clearances and (in full) its recorded steps.</summary>
internal sealed record DraftView(
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
    IReadOnlyList<ClearanceLogView>? Log)
{
    public static DraftView From(DraftRecord d, IReadOnlyList<ClearanceLogEntry>? log = null) => new(d.Id, d.Number, d.Status, d.Draft.To, d.Draft.Subject,
        d.Draft.Body, d.Draft.Precedence, d.Draft.IssueId, d.Drafter, d.CreatedAt, d.UpdatedAt, d.ReturnReason, d.TelegramId, d.ReleasedBy,
        d.ReleasedAt, d.Steps.Select(ClearanceStepView.From).ToArray(), log?.Select(l => new ClearanceLogView(l.At, l.Actor, l.Action, l.Detail)).ToArray());
}

/// <summary>A partner agency's request to clear a telegram, and the answer given here.</summary>
internal sealed record CoordinationView(
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
    string? Reason)
{
    public static CoordinationView Of(CoordinationRequest r, string fromName, string? recipientName) => new(r.Id, r.From, fromName, r.DraftId, r.Recipient,
        recipientName, r.Subject, r.Body,
        r.Precedence, r.IssueId, r.Drafter, r.ReceivedAt, r.State, r.AnsweredBy, r.AnsweredAt, r.Reason);
}

/// <summary><c>POST /api/drafts/{id}/resubmit</c>: a revised subject or text; what is left out stays as it was.</summary>
internal sealed record ResubmitRequest(string? Subject, string? Body);
