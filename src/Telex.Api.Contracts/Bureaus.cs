namespace Telex.Api.Contracts;

/// <summary>
/// <c>POST /api/bureaus</c>: name, purpose, the prospective members' DIDs, the readiness rule (<c>all</c>, the default, or
/// <c>quorum:N</c>) and the secretariat's DID (default this agency).
/// </summary>
public sealed record ProposeBureauRequest(string? Name, string? Purpose, IReadOnlyList<string>? Members, string? Rule, string? Secretariat);

/// <summary><c>POST /api/bureaus/{id}/bulletins</c>: a telegram to every other member of the bureau's current epoch.</summary>
public sealed record BulletinRequest(string? Subject, string? Body, Precedence? Precedence, string? IssueId, string? OnBehalfOf, IReadOnlyList<string>? Attendees);

/// <summary><c>POST /api/bureaus/{id}/issues</c>: the title of an issue shared by the bureau's members.</summary>
public sealed record OpenBureauIssueRequest(string? Title);

/// <summary><c>POST /api/bureaus/{id}/members</c>: a prospective member named by its name (a tie's or the directory's) or DID.</summary>
public sealed record BureauMemberRequest(string? Member);

/// <summary>An agency known of by name only, named for a proposed bureau: known of, no tie.</summary>
/// <param name="Name">Its name in the directory.</param>
/// <param name="Tie">Always <c>known of, no tie</c>.</param>
/// <param name="Next">What to do about it: establish a tie.</param>
/// <param name="AddedAt">When it was named.</param>
public sealed record BureauProspectView(string Name, string Tie, string Next, DateTimeOffset AddedAt)
{
    public const string KnownOfNoTie = "known of, no tie";
}

/// <summary>Who keeps a bureau from being ready: a prospective member without an established tie (<c>did</c> set) or a prospect known of by name only (no <c>did</c>).</summary>
/// <param name="Did">The member's DID; null for a prospect.</param>
/// <param name="Name">Its name.</param>
/// <param name="Endpoint">Its endpoint, when known.</param>
/// <param name="Tie"><c>none</c>, the tie's status, or <c>known of, no tie</c>.</param>
/// <param name="Next">What to do about it.</param>
public sealed record BureauMissingView(string? Did, string Name, string? Endpoint, string Tie, string Next);

/// <summary>A member of a bureau as this agency knows it.</summary>
public sealed record BureauMemberView(string Did, string Name, MemberState State, bool InCurrentEpoch);

/// <summary>One epoch: its number, when it was opened and its exact members.</summary>
public sealed record BureauEpochView(long Number, DateTimeOffset OpenedAt, IReadOnlyList<BureauEpochMemberView> Members);

/// <summary>A member of an epoch, as the secretariat announced it.</summary>
public sealed record BureauEpochMemberView(string Did, string Name, string? Endpoint);

/// <summary>A bureau as it stands here.</summary>
public sealed record BureauView
{
    public required Guid Id { get; init; }

    public required string Name { get; init; }

    public required string Purpose { get; init; }

    public required string Founder { get; init; }

    public required string Secretariat { get; init; }

    public required string Rule { get; init; }

    public required BureauStatus Status { get; init; }

    /// <summary>The current epoch's number as this agency knows it (0 before the first).</summary>
    public required long Epoch { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset ChangedAt { get; init; }

    public required IReadOnlyList<BureauMemberView> Members { get; init; }

    /// <summary>Agencies known of by name only named for the bureau (at its founder, before the charter): known of, no tie.</summary>
    public required IReadOnlyList<BureauProspectView> Prospects { get; init; }

    /// <summary>Every epoch held here (only on <c>GET /api/bureaus/{id}</c>).</summary>
    public IReadOnlyList<BureauEpochView>? Epochs { get; init; }

    /// <summary>The bureau's issues (only on <c>GET /api/bureaus/{id}</c>).</summary>
    public IReadOnlyList<IssueSummary>? Issues { get; init; }
}

/// <summary>
/// Whether a bureau may be chartered: e.g. <c>premature: ties with 5 of 12</c>, and who is missing — the prospective
/// members without an established tie, then the prospects known of by name only (no tie, no DID).
/// </summary>
public sealed record BureauReadinessView(bool Ready, string Summary, int Covered, int Total, int Required, IReadOnlyList<BureauMissingView> Missing);
