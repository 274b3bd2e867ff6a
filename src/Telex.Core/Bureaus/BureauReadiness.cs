namespace Telex.Core.Bureaus;

/// <summary>Whether a bureau's readiness rule holds: how many prospective members the founder is tied with, and who is missing.</summary>
/// <param name="BureauId">The bureau.</param>
/// <param name="Ready">
/// True when the rule holds and no prospect is left known of by name only: the bureau may be chartered (a charter names
/// its members by DID).
/// </param>
/// <param name="Covered">Prospective members (the founder aside) with an established tie with the founder.</param>
/// <param name="Total">Prospective members and prospects, the founder aside.</param>
/// <param name="Required">How many must be covered: all of them, or the quorum.</param>
/// <param name="Missing">The prospective members without an established tie with the founder.</param>
/// <param name="Prospects">The agencies known of by name only, with no tie and no DID yet: missing too.</param>
public sealed record BureauReadiness(Guid BureauId, bool Ready, int Covered, int Total, int Required, IReadOnlyList<BureauMember> Missing,
    IReadOnlyList<BureauProspect> Prospects)
{
    /// <summary>E.g. <c>premature: ties with 5 of 12</c>, <c>ready: ties with 12 of 12</c> or <c>premature: ties with 2 of 3; 1 known of, no tie</c>.</summary>
    public string Summary => string.Create(CultureInfo.InvariantCulture, $"{(Ready ? "ready" : "premature")}: ties with {Covered} of {Total}")
        + (Required < Total ? string.Create(CultureInfo.InvariantCulture, $" (quorum {Required})") : "")
        + (Prospects.Count > 0 ? string.Create(CultureInfo.InvariantCulture, $"; {Prospects.Count} known of, no tie") : "");

    /// <summary>Who is missing, by name; a prospect with what to do about it.</summary>
    public string MissingText => string.Join(", ", Missing.Select(m => m.Name)
        .Concat(Prospects.Select(p => $"{p.Name} (known of, no tie: establish a tie with it; telex directory show \"{p.Name}\")")));
}
