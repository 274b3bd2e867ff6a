using Telex.Core.Bureaus;
using Telex.Core.Model;

namespace Telex.Server.Api.Contracts;

/// <summary>
/// <c>POST /api/bureaus</c>: name, purpose, the prospective members' DIDs, the readiness rule (<c>all</c>, the default, or
/// <c>quorum:N</c>) and the secretariat's DID (default this agency).
/// </summary>
internal sealed record ProposeBureauRequest(string? Name, string? Purpose, IReadOnlyList<string>? Members, string? Rule, string? Secretariat);

/// <summary><c>POST /api/bureaus/{id}/bulletins</c>: a telegram to every other member of the bureau's current epoch.</summary>
internal sealed record BulletinRequest(string? Subject, string? Body, Precedence? Precedence, string? IssueId, string? OnBehalfOf, IReadOnlyList<string>? Attendees);

/// <summary><c>POST /api/bureaus/{id}/issues</c>: the title of an issue shared by the bureau's members.</summary>
internal sealed record OpenBureauIssueRequest(string? Title);

/// <summary><c>POST /api/bureaus/{id}/members</c>: a prospective member named by its name (a tie's or the directory's) or DID.</summary>
internal sealed record BureauMemberRequest(string? Member);

/// <summary>An agency known of by name only, named for a proposed bureau: known of, no tie.</summary>
/// <param name="Name">Its name in the directory.</param>
/// <param name="Tie">Always <c>known of, no tie</c>.</param>
/// <param name="Next">What to do about it: establish a tie.</param>
/// <param name="AddedAt">When it was named.</param>
internal sealed record BureauProspectView(string Name, string Tie, string Next, DateTimeOffset AddedAt)
{
    public const string KnownOfNoTie = "known of, no tie";

    public static BureauProspectView From(BureauProspect p) => new(p.Name, KnownOfNoTie,
        $"establish a tie with it (telex tie invite, or telex tie accept CODE): once its directory entry holds the tied agency's DID it is a prospective member; telex directory show \"{p.Name}\" shows what is known of it",
        p.AddedAt);
}

/// <summary>Who keeps a bureau from being ready: a prospective member without an established tie (<c>did</c> set) or a prospect known of by name only (no <c>did</c>).</summary>
/// <param name="Did">The member's DID; null for a prospect.</param>
/// <param name="Name">Its name.</param>
/// <param name="Endpoint">Its endpoint, when known.</param>
/// <param name="Tie"><c>none</c>, the tie's status, or <c>known of, no tie</c>.</param>
/// <param name="Next">What to do about it.</param>
internal sealed record BureauMissingView(string? Did, string Name, string? Endpoint, string Tie, string Next);

/// <summary>A member of a bureau as this agency knows it.</summary>
internal sealed record BureauMemberView(string Did, string Name, MemberState State, bool InCurrentEpoch);

/// <summary>One epoch: its number, when it was opened and its exact members.</summary>
internal sealed record BureauEpochView(long Number, DateTimeOffset OpenedAt, IReadOnlyList<BureauEpochMemberView> Members);

/// <summary>A member of an epoch, as the secretariat announced it.</summary>
internal sealed record BureauEpochMemberView(string Did, string Name, string? Endpoint);

/// <summary>A bureau as it stands here.</summary>
internal sealed record BureauView
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

    public static BureauView From(Bureau b, BureauEpoch? current) => new()
    {
        Id = b.Id,
        Name = b.Name,
        Purpose = b.Purpose,
        Founder = b.Founder,
        Secretariat = b.Secretariat,
        Rule = b.Rule.ToString(),
        Status = b.Status,
        Epoch = b.Epoch,
        CreatedAt = b.CreatedAt,
        ChangedAt = b.ChangedAt,
        Members = b.Members.Select(m => new BureauMemberView(m.Did, m.Name, m.State, current?.Includes(m.Did) ?? false)).ToArray(),
        Prospects = b.Prospects.Select(BureauProspectView.From).ToArray(),
    };

    public static BureauEpochView EpochFrom(BureauEpoch e) =>
        new(e.Number, e.OpenedAt, e.Members.Select(m => new BureauEpochMemberView(m.Did, m.Name, m.Endpoint)).ToArray());
}

/// <summary>
/// Whether a bureau may be chartered: e.g. <c>premature: ties with 5 of 12</c>, and who is missing — the prospective
/// members without an established tie, then the prospects known of by name only (no tie, no DID).
/// </summary>
internal sealed record BureauReadinessView(bool Ready, string Summary, int Covered, int Total, int Required, IReadOnlyList<BureauMissingView> Missing)
{
    private const string EstablishTie = "establish a tie with it (telex tie invite, or telex tie accept CODE)";

    public static BureauReadinessView From(BureauReadiness r) =>
        new(r.Ready, r.Summary, r.Covered, r.Total, r.Required,
        [
            .. r.Missing.Select(m => new BureauMissingView(m.Did, m.Name, m.Endpoint, "no established tie", EstablishTie)),
            .. r.Prospects.Select(p => BureauProspectView.From(p)).Select(p => new BureauMissingView(null, p.Name, null, p.Tie, p.Next)),
        ]);
}
