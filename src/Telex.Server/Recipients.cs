using Telex.Core.Counterparts;

namespace Telex.Server;

/// <summary>
/// A telegram's recipient as an officer names it, for the client API and the console alike: a DID stands as given (Core
/// decides whether a tie or a relay reaches it); anything else names a tie by its counterpart's name, ignoring case. A
/// name is what a peer called itself, so it is trusted only where an officer vouched for it: a tie whose fingerprint was
/// confirmed, or a directory entry an officer entered with its DID (or linked to a tie). An agency known only through a
/// relay or a referral, by the name it gave itself, is addressed by its DID.
/// </summary>
internal static class Recipients
{
    /// <summary>
    /// The DID <paramref name="to"/> names (a counterpart filed by name only, without a DID, stays as named: the release
    /// refuses it with what to do first), or why it names none: <see cref="TelexErrorKind.NotFound"/> when nothing bears
    /// the name, <see cref="TelexErrorKind.Conflict"/> when what bears it cannot be trusted to be the one meant. Reads only.
    /// </summary>
    public static async Task<(string? Did, TelexException? Refusal)> ResolveAsync(Agency agency, string to, CancellationToken ct)
    {
        if (to.StartsWith("did:", StringComparison.Ordinal))
        {
            return (to, null);
        }

        var named = (await agency.Ties.ListTiesAsync(ct).ConfigureAwait(false))
            .Where(t => t.Status != TieStatus.None && string.Equals(t.PeerName, to, StringComparison.OrdinalIgnoreCase)).ToList();
        if (named.Count > 1)
        {
            return (null, Conflict($"several ties are named '{to}': address the telegram by the counterpart's DID"));
        }

        Counterpart? entry;
        try
        {
            entry = await agency.Directory.GetCounterpartAsync(to, ct).ConfigureAwait(false);
        }
        catch (TelexException e) when (e.Kind is TelexErrorKind.NotFound)
        {
            entry = null;
        }

        if (named.Count == 1)
        {
            var tie = named[0];
            if (entry?.Did is { } other && !string.Equals(other, tie.PeerDid, StringComparison.Ordinal))
            {
                return (null, Conflict($"'{to}' names a tie and another counterpart in the directory: address the telegram by the counterpart's DID"));
            }

            return tie.Verified || OfficersName(entry, to)
                ? (tie.PeerDid, null)
                : (null, Conflict($"the fingerprint of the tie with '{tie.PeerName}' has not been confirmed: confirm it (telex tie verify) or address the telegram by its DID"));
        }

        return entry switch
        {
            null => (null, new TelexException(TelexErrorKind.NotFound, $"no counterpart is named '{to}' (telex directory list shows every counterpart known)")),
            { Did: null } => (to, null),
            _ when OfficersName(entry, to) => (entry.Did, null),
            _ => (null, Conflict($"'{to}' is in the directory but is no tie whose fingerprint was confirmed, so the name may be one a stranger gave itself: address the telegram by its DID")),
        };
    }

    /// <summary>Whether <paramref name="to"/> is the name of a directory entry an officer entered (or linked) with its DID.</summary>
    private static bool OfficersName(Counterpart? counterpart, string to) =>
        counterpart?.Entry is { EnteredByOfficer: true, Did: not null } entry && string.Equals(entry.Name, to, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The DIDs of the agencies a directory entry is known to be tied with (which relay choice follows), each named by
    /// <see cref="ResolveAsync"/>, this agency by its own name or DID too. Throws the refusal of the first that names none
    /// (<see cref="TelexErrorKind.NotFound"/>, or <see cref="TelexErrorKind.Conflict"/> for a name that cannot be trusted).
    /// </summary>
    public static async Task<List<string>> ResolveKnownTiesAsync(Agency agency, IReadOnlyList<string?>? named, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(agency);
        if (named?.Count > DirectoryService.MaxKnownTies)
        {
            throw new TelexException(TelexErrorKind.Invalid, $"at most {DirectoryService.MaxKnownTies} known ties");
        }

        var dids = new List<string>();
        foreach (string? name in named ?? [])
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new TelexException(TelexErrorKind.Invalid, "name each agency it is tied with by DID or name");
            }

            if (name == agency.Identity.Did || string.Equals(name, agency.Identity.Name, StringComparison.OrdinalIgnoreCase))
            {
                dids.Add(agency.Identity.Did);
                continue;
            }

            var (did, refusal) = await ResolveAsync(agency, name.Trim(), ct).ConfigureAwait(false);
            dids.Add(did ?? throw refusal!);
        }

        return dids;
    }

    /// <summary>
    /// The DIDs two fields of a request name by <see cref="ResolveAsync"/> (a clearance rule's counterpart and partner, a
    /// relay pair), or the problem with the first that names none.
    /// </summary>
    public static async Task<(string? First, string? Second, ProblemHttpResult? Problem)> ResolveFieldsAsync(Agency agency,
        (string? Name, string Field) first, (string? Name, string Field) second, CancellationToken ct)
    {
        var (a, problem) = await ResolveFieldAsync(agency, first.Name, first.Field, ct).ConfigureAwait(false);
        if (problem is not null)
        {
            return (null, null, problem);
        }

        var (b, other) = await ResolveFieldAsync(agency, second.Name, second.Field, ct).ConfigureAwait(false);
        return (a, b, other);
    }

    /// <summary>
    /// The DID a request's field <paramref name="field"/> names, or the problem: not found when nothing bears the name,
    /// else a validation problem naming the field. A blank name is no DID and no problem (the field is optional).
    /// </summary>
    private static async Task<(string? Did, ProblemHttpResult? Problem)> ResolveFieldAsync(Agency agency, string? name, string field, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return (null, null);
        }

        var (did, refusal) = await ResolveAsync(agency, name, ct).ConfigureAwait(false);
        return did is not null ? (did, null)
            : refusal!.Kind is TelexErrorKind.NotFound ? (null, Problems.From(refusal))
            : (null, Problems.Invalid(field, refusal.Message));
    }

    private static TelexException Conflict(string reason) => new(TelexErrorKind.Conflict, reason);
}
