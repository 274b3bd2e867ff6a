using Telex.Core.Issues;
using Telex.Core.Model;

namespace Telex.Server.Api.Contracts;

/// <summary><c>POST /api/issues</c>: the counterpart (DID) and a title.</summary>
internal sealed record OpenIssueRequest(string? Counterpart, string? Title);

/// <summary>
/// <c>POST /api/issues/{id}/status</c>: <c>status</c> is an outcome of the agency's vocabulary (<c>premature</c>,
/// <c>granted</c>, <c>referred</c>…), <c>outcome</c> its text; a referral names the agency referred to
/// (<c>referredTo</c>, a tied agency's name or DID) and whether it receives the history so far (<c>shareHistory</c>,
/// default true) or only the opening and the referral.
/// </summary>
internal sealed record IssueStatusRequest(string? Status, string? Outcome, string? ReferredTo, bool? ShareHistory);

/// <summary><c>PUT /api/issues/outcomes</c>: the agency's outcomes, each a term and the status it means.</summary>
internal sealed record OutcomesRequest(IReadOnlyList<OutcomeTerm>? Outcomes);

/// <summary>An agency taking part in an issue besides its counterpart.</summary>
internal sealed record IssueParticipantView(string Did, string Name);

/// <summary>An issue as it stands.</summary>
internal record IssueSummary
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

    public static IssueSummary From(Issue i, string counterpartName) => new()
    {
        Id = i.Id,
        Number = i.Number,
        Term = i.Named,
        Counterpart = i.Counterpart,
        CounterpartName = counterpartName,
        Title = i.Title,
        OpenedBy = i.OpenedBy,
        OpenedAt = i.OpenedAt,
        Status = i.Status,
        Outcome = i.Outcome,
        ReferredTo = i.ReferredTo,
        Clock = i.Clock,
        ChangedAt = i.ChangedAt,
    };
}

/// <summary>One change of an issue; <c>agency</c> is the DID of the agency that made it.</summary>
internal sealed record IssueEventView(Guid Id, long Clock, string Agency, string AgencyName, string? Officer, DateTimeOffset At, IssueStatus Status,
    string Term, string? Title, string? Outcome, string? ReferredTo, string? ReferredToDid)
{
    public static IssueEventView From(IssueEvent e, string agencyName) =>
        new(e.Id, e.Clock, e.Agency, agencyName, e.Officer, e.At, e.Status, e.IsOpening ? "opened" : e.Named, e.Title, e.Outcome, e.ReferredTo, e.ReferredToDid);
}

/// <summary>One item of an issue's history: <c>kind</c> is <c>event</c> or <c>telegram</c>.</summary>
internal sealed record IssueHistoryView(string Kind, DateTimeOffset At, IssueEventView? Event, TelegramSummary? Telegram);

/// <summary>An issue with its changes in clock order and its full history.</summary>
internal sealed record IssueView : IssueSummary
{
    public required IReadOnlyList<IssueEventView> Events { get; init; }

    public required IReadOnlyList<IssueHistoryView> History { get; init; }

    /// <summary>The agencies taking part besides the counterpart, brought in by referrals.</summary>
    public required IReadOnlyList<IssueParticipantView> Participants { get; init; }

    public static IssueView From(IssueHistory h, string ownDid, string ownName, string counterpartName,
        IReadOnlyDictionary<string, string>? names = null)
    {
        // A bureau issue's changes come from its members, a referred issue's from the agencies taking part: each is named by
        // its own tie, or by the name its referral gave.
        string NameOf(string did) => did == ownDid ? ownName
            : names?.GetValueOrDefault(did) ?? h.Participants.FirstOrDefault(p => p.Did == did)?.Name ?? counterpartName;
        return new IssueView
        {
            Id = h.Issue.Id,
            Number = h.Issue.Number,
            Term = h.Issue.Named,
            Participants = h.Participants.Select(p => new IssueParticipantView(p.Did, p.Name)).ToArray(),
            Counterpart = h.Issue.Counterpart,
            CounterpartName = counterpartName,
            Title = h.Issue.Title,
            OpenedBy = h.Issue.OpenedBy,
            OpenedAt = h.Issue.OpenedAt,
            Status = h.Issue.Status,
            Outcome = h.Issue.Outcome,
            ReferredTo = h.Issue.ReferredTo,
            Clock = h.Issue.Clock,
            ChangedAt = h.Issue.ChangedAt,
            Events = h.Events.Select(e => IssueEventView.From(e, NameOf(e.Agency))).ToArray(),
            History = h.Entries.Select(e => e.Event is { } ev
                ? new IssueHistoryView("event", e.At, IssueEventView.From(ev, NameOf(ev.Agency)), null)
                : new IssueHistoryView("telegram", e.At, null, TelegramSummary.From(e.Telegram!, NameOf(e.Telegram!.Counterpart)))).ToArray(),
        };
    }
}
