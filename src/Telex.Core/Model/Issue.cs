namespace Telex.Core.Model;

/// <summary>
/// A thread on one question, shared by the two agencies of a tie. Its current status is that of its greatest event
/// in <see cref="IssueEvent"/> order, so both sides agree once they hold the same events.
/// </summary>
public sealed record Issue
{
    /// <summary>The id (a UUID chosen by the agency that opened it), the same at both ends; telegrams name it.</summary>
    public required string Id { get; init; }

    /// <summary>This agency's short number for the issue (1, 2, 3… in the order it came to hold them); 0 until filed.</summary>
    public long Number { get; init; }

    /// <summary>The other agency of the tie.</summary>
    public required string Counterpart { get; init; }

    /// <summary>The title given at opening.</summary>
    public required string Title { get; init; }

    /// <summary>The DID of the agency that opened it.</summary>
    public required string OpenedBy { get; init; }

    /// <summary>When it was opened (the opener's clock).</summary>
    public required DateTimeOffset OpenedAt { get; init; }

    /// <summary>The current status: that of the greatest event.</summary>
    public required IssueStatus Status { get; init; }

    /// <summary>The outcome text of the greatest event.</summary>
    public string? Outcome { get; init; }

    /// <summary>The outcome term of the greatest event (<c>premature</c>, <c>granted</c>…); null when it named none.</summary>
    public string? Term { get; init; }

    /// <summary>The outcome as a person reads it: the term of the greatest event, or its status when it named none.</summary>
    public string Named => Term ?? Status.ToString().ToLowerInvariant();

    /// <summary>The agency referred to, when <see cref="Status"/> is <see cref="IssueStatus.Referred"/>.</summary>
    public string? ReferredTo { get; init; }

    /// <summary>The logical clock of the greatest event.</summary>
    public required long Clock { get; init; }

    /// <summary>When the greatest event was made.</summary>
    public required DateTimeOffset ChangedAt { get; init; }

    /// <summary>The bureau whose members share this issue (its counterpart is <c>bureau:ID</c>); null for an issue of a tie.</summary>
    public Guid? BureauId => BureauIssues.BureauOf(Counterpart);
}

/// <summary>
/// One change to an issue, its opening included. Events are ordered by (<see cref="Clock"/>, <see cref="Agency"/>
/// ordinally, <see cref="Id"/>): a Lamport clock with the deciding agency as tiebreak, so two concurrent changes are
/// ordered the same way at both ends and both converge on the same current status.
/// </summary>
public sealed record IssueEvent
{
    /// <summary>Event id, the same at both ends (idempotent delivery).</summary>
    public required Guid Id { get; init; }

    /// <summary>The issue.</summary>
    public required string IssueId { get; init; }

    /// <summary>Lamport clock: one more than the greatest the deciding agency knew of.</summary>
    public required long Clock { get; init; }

    /// <summary>The DID of the agency that made the change.</summary>
    public required string Agency { get; init; }

    /// <summary>The officer there who made it.</summary>
    public string? Officer { get; init; }

    /// <summary>When it was made (the deciding agency's clock).</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The status set.</summary>
    public required IssueStatus Status { get; init; }

    /// <summary>The title: set on the opening event only.</summary>
    public string? Title { get; init; }

    /// <summary>The outcome text.</summary>
    public string? Outcome { get; init; }

    /// <summary>
    /// The outcome's term from the deciding agency's vocabulary (<see cref="OutcomeVocabulary"/>), e.g. <c>premature</c>;
    /// null on changes made before outcomes had terms, whose status says it.
    /// </summary>
    public string? Term { get; init; }

    /// <summary>The agency referred to (for <see cref="IssueStatus.Referred"/>): its name.</summary>
    public string? ReferredTo { get; init; }

    /// <summary>
    /// The DID of the agency referred to, when the referral brought it into the issue (it then receives the issue and
    /// telegrams on it may go to it); null for a referral that only names someone.
    /// </summary>
    public string? ReferredToDid { get; init; }

    /// <summary>The outcome as a person reads it: the term, or the status when the change named none.</summary>
    public string Named => Term ?? Status.ToString().ToLowerInvariant();

    /// <summary>True for the event that opened the issue.</summary>
    public bool IsOpening => Title is not null;

    /// <summary>
    /// The order of an issue's events: by clock, then deciding agency (ordinal), then event id (its lowercase text,
    /// ordinal). The greatest event decides the issue's current state; the store and the register's verifier use this
    /// same rule.
    /// </summary>
    public static IComparer<IssueEvent> Order { get; } = Comparer<IssueEvent>.Create(static (a, b) =>
    {
        int c = a.Clock.CompareTo(b.Clock);
        if (c == 0)
        {
            c = string.CompareOrdinal(a.Agency, b.Agency);
        }

        return c != 0 ? c : string.CompareOrdinal(a.Id.ToString(), b.Id.ToString());
    });
}

/// <summary>
/// An agency taking part in an issue besides its counterpart: one brought in by a referral (made here or by another
/// participant). Status changes and telegrams on the issue may go to and come from it.
/// </summary>
/// <param name="IssueId">The issue.</param>
/// <param name="Did">The agency's DID.</param>
/// <param name="Name">Its name, as the referral gave it.</param>
public sealed record IssueParticipant(string IssueId, string Did, string Name);
