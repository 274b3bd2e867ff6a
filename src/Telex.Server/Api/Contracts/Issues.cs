using Telex.Core;
using Telex.Core.Model;

namespace Telex.Server.Api.Contracts;

/// <summary><c>POST /api/issues</c>: the counterpart (DID) and a title.</summary>
internal sealed record OpenIssueRequest(string? Counterpart, string? Title);

/// <summary><c>POST /api/issues/{id}/status</c>: the new status, its outcome, and for <c>referred</c> the agency referred to.</summary>
internal sealed record IssueStatusRequest(string? Status, string? Outcome, string? ReferredTo);

/// <summary>An issue as it stands.</summary>
internal record IssueSummary
{
    public required string Id { get; init; }

    public required string Counterpart { get; init; }

    public required string CounterpartName { get; init; }

    public required string Title { get; init; }

    public required string OpenedBy { get; init; }

    public required DateTimeOffset OpenedAt { get; init; }

    public required IssueStatus Status { get; init; }

    public string? Outcome { get; init; }

    public string? ReferredTo { get; init; }

    public required long Clock { get; init; }

    public required DateTimeOffset ChangedAt { get; init; }

    public static IssueSummary From(Issue i, string counterpartName) => new()
    {
        Id = i.Id,
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
    string? Title, string? Outcome, string? ReferredTo)
{
    public static IssueEventView From(IssueEvent e, string agencyName) =>
        new(e.Id, e.Clock, e.Agency, agencyName, e.Officer, e.At, e.Status, e.Title, e.Outcome, e.ReferredTo);
}

/// <summary>One item of an issue's history: <c>kind</c> is <c>event</c> or <c>telegram</c>.</summary>
internal sealed record IssueHistoryView(string Kind, DateTimeOffset At, IssueEventView? Event, TelegramSummary? Telegram);

/// <summary>An issue with its changes in clock order and its full history.</summary>
internal sealed record IssueView : IssueSummary
{
    public required IReadOnlyList<IssueEventView> Events { get; init; }

    public required IReadOnlyList<IssueHistoryView> History { get; init; }

    public static IssueView From(IssueHistory h, string ownDid, string ownName, string counterpartName,
        IReadOnlyDictionary<string, string>? names = null)
    {
        // A bureau issue's changes come from its members: each is named by its own tie.
        string NameOf(string did) => did == ownDid ? ownName : names?.GetValueOrDefault(did) ?? counterpartName;
        return new IssueView
        {
            Id = h.Issue.Id,
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
