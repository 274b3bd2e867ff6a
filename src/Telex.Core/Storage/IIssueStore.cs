namespace Telex.Core.Storage;

/// <summary>Query over issues.</summary>
public sealed record IssueQuery
{
    /// <summary>Full-text query over titles, outcomes and agencies referred to; null for none.</summary>
    public string? Text { get; init; }

    /// <summary>Only issues with this counterpart.</summary>
    public string? Counterpart { get; init; }

    /// <summary>Only issues in this status.</summary>
    public IssueStatus? Status { get; init; }

    /// <summary>Only issues whose current outcome is this term.</summary>
    public string? Term { get; init; }

    /// <summary>Most rows returned. Default 100, at most 1,000.</summary>
    public int Limit { get; init; } = 100;
}

/// <summary>A change decided here, as <see cref="IIssueStore.AppendIssueEventAsync"/> files it.</summary>
/// <param name="Event">The change.</param>
/// <param name="Outbox">One outbox item per agency it goes to.</param>
/// <param name="Joins">The agency a referral brings into the issue, or null.</param>
/// <param name="Share">
/// For a referral, builds the outbox item that hands the issue to the agency it brings in, from the issue's events as
/// filed in the same transaction (this change included), so nothing filed meanwhile is left out; null otherwise.
/// </param>
public sealed record IssueChange(IssueEvent Event, IReadOnlyList<OutboxItem> Outbox, IssueParticipant? Joins = null,
    Func<IReadOnlyList<IssueEvent>, OutboxItem>? Share = null);

/// <summary>
/// Issues shared with counterparts. Every write that belongs in the register (an issue event) is
/// one method running in one transaction, together with its entry in the register's chain (kind
/// <see cref="Register.RegisterKinds.IssueStatus"/>) and the outbox
/// item that carries it to the counterpart.
/// </summary>
public interface IIssueStore
{
    /// <summary>
    /// Files a new issue with its opening event (and, when this agency opened it, the outbox item announcing it) in
    /// one transaction. False, and nothing written, if an issue with that id, or an event with the opening's id, exists
    /// already (a peer chooses both).
    /// </summary>
    Task<bool> OpenIssueAsync(Issue issue, IssueEvent opening, OutboxItem? outbox, CancellationToken ct = default);

    /// <summary>
    /// Appends a change decided here: in one transaction reads the issue, calls <paramref name="build"/> with it and
    /// the next clock (one more than the greatest event's), files the event, recomputes the current status, adds the
    /// outbox items (one per agency the change goes to, and the share of a referral) and the agency the change brings
    /// into the issue. Null if the issue is unknown; nothing is written if <paramref name="build"/> throws.
    /// </summary>
    Task<IssueEvent?> AppendIssueEventAsync(string issueId, Func<Issue, long, IssueChange> build, CancellationToken ct = default);

    /// <summary>
    /// Files a change received from another agency taking part, idempotent by event id, and recomputes the current
    /// status as that of the greatest event by (clock, agency, id); in the same transaction adds the outbox items that
    /// pass it on to the other agencies taking part (<paramref name="forward"/>) and the agency it brings into the issue
    /// (<paramref name="joins"/>). False, and nothing written, if the event was filed before or the issue is unknown.
    /// </summary>
    Task<bool> RecordIssueEventAsync(IssueEvent issueEvent, IReadOnlyList<OutboxItem>? forward = null, IssueParticipant? joins = null,
        CancellationToken ct = default);

    /// <summary>
    /// Files an issue another agency referred to this one, with the history it chose to share and the agencies taking
    /// part, in one transaction: the issue (when new), each event not filed yet, each participant not known yet. True
    /// when the issue was new here.
    /// </summary>
    Task<bool> ShareIssueAsync(Issue issue, IReadOnlyList<IssueEvent> events, IReadOnlyList<IssueParticipant> participants, CancellationToken ct = default);

    /// <summary>The agencies taking part in an issue besides its counterpart, in the order they joined.</summary>
    Task<IReadOnlyList<IssueParticipant>> ListIssueParticipantsAsync(string issueId, CancellationToken ct = default);

    /// <summary>Finds an issue by this agency's short number for it.</summary>
    Task<Issue?> GetIssueByNumberAsync(long number, CancellationToken ct = default);

    /// <summary>Finds an issue.</summary>
    Task<Issue?> GetIssueAsync(string id, CancellationToken ct = default);

    /// <summary>Lists or searches issues, most recently changed first.</summary>
    Task<IReadOnlyList<Issue>> ListIssuesAsync(IssueQuery query, CancellationToken ct = default);

    /// <summary>An issue's events in order: by clock, then agency (ordinal), then id.</summary>
    Task<IReadOnlyList<IssueEvent>> ListIssueEventsAsync(string issueId, CancellationToken ct = default);
}
