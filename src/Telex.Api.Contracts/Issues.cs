using System.Diagnostics.CodeAnalysis;

namespace Telex.Api.Contracts;

/// <summary><c>POST /api/issues</c>: the counterpart (DID) and a title.</summary>
public sealed record OpenIssueRequest(string? Counterpart, string? Title);

/// <summary>
/// <c>POST /api/issues/{id}/status</c>: <c>status</c> is an outcome of the agency's vocabulary (<c>premature</c>,
/// <c>granted</c>, <c>referred</c>…), <c>outcome</c> its text; a referral names the agency referred to
/// (<c>referredTo</c>, a tied agency's name or DID) and whether it receives the history so far (<c>shareHistory</c>,
/// default true) or only the opening and the referral.
/// </summary>
public sealed record IssueStatusRequest(string? Status, string? Outcome, string? ReferredTo, bool? ShareHistory);

/// <summary><c>PUT /api/issues/outcomes</c>: the agency's outcomes, each a term and the status it means.</summary>
public sealed record OutcomesRequest(IReadOnlyList<OutcomeTerm>? Outcomes);

/// <summary>An agency taking part in an issue besides its counterpart.</summary>
public sealed record IssueParticipantView(string Did, string Name);

/// <summary>An issue as it stands.</summary>
public record IssueSummary
{
    public required string Id { get; init; }

    /// <summary>This agency's short number for the issue.</summary>
    public required long Number { get; init; }

    public required string Counterpart { get; init; }

    public required string CounterpartName { get; init; }

    public required string Title { get; init; }

    public required string OpenedBy { get; init; }

    public required DateTimeOffset OpenedAt { get; init; }

    public required IssueStatus Status { get; init; }

    /// <summary>The outcome of the latest change as its maker named it (<c>premature</c>, <c>granted</c>…; the status when it named none).</summary>
    public required string Term { get; init; }

    public string? Outcome { get; init; }

    public string? ReferredTo { get; init; }

    public required long Clock { get; init; }

    public required DateTimeOffset ChangedAt { get; init; }
}

/// <summary>One change of an issue; <c>agency</c> is the DID of the agency that made it.</summary>
public sealed record IssueEventView(Guid Id, long Clock, string Agency, string AgencyName, string? Officer, DateTimeOffset At, IssueStatus Status,
    string Term, string? Title, string? Outcome, string? ReferredTo, string? ReferredToDid);

/// <summary>One item of an issue's history: <c>kind</c> is <c>event</c> or <c>telegram</c>.</summary>
public sealed record IssueHistoryView(string Kind, DateTimeOffset At, IssueEventView? Event, TelegramSummary? Telegram);

/// <summary>An issue with its changes in clock order and its full history.</summary>
public sealed record IssueView : IssueSummary
{
    public required IReadOnlyList<IssueEventView> Events { get; init; }

    public required IReadOnlyList<IssueHistoryView> History { get; init; }

    /// <summary>The agencies taking part besides the counterpart, brought in by referrals.</summary>
    public required IReadOnlyList<IssueParticipantView> Participants { get; init; }

    /// <summary>A full issue from its summary; the caller sets the rest.</summary>
    [SetsRequiredMembers]
    public IssueView(IssueSummary summary)
        : base(summary)
    {
        Events = [];
        History = [];
        Participants = [];
    }

    /// <summary>An empty issue, for deserialization: its required members are set from the JSON.</summary>
    public IssueView()
    {
    }
}
