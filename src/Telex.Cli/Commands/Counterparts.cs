namespace Telex.Cli.Commands;

/// <summary>Lets a person name a counterpart by its display name where the API wants its DID.</summary>
internal static class Counterparts
{
    /// <summary>
    /// The DID for <paramref name="didOrName"/> as a counterpart to address: a DID as given, else the DID the agency
    /// resolves the name to (<c>GET /api/recipients/{name}</c>), by the one rule it applies to every recipient, so that
    /// no command reaches by a name anyone the agency would refuse to address by it.
    /// </summary>
    public static async Task<string> ResolveAsync(ApiClient api, string didOrName, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentException.ThrowIfNullOrWhiteSpace(didOrName);
        return didOrName.StartsWith("did:", StringComparison.Ordinal)
            ? didOrName
            : (await api.CallAsync((c, t) => c.ResolveRecipientAsync(didOrName, t), ct).ConfigureAwait(false)).Did;
    }

    /// <summary>
    /// The DID of the tie <paramref name="didOrName"/> names, whatever its state: a DID as given, else the one tie with
    /// that name. For commands on a tie itself (verify, suspend, resume, sever, terms), where the name picks the tie an
    /// officer is looking at in telex tie list, not a counterpart to trust.
    /// </summary>
    public static async Task<string> TieAsync(ApiClient api, string didOrName, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentException.ThrowIfNullOrWhiteSpace(didOrName);
        if (didOrName.StartsWith("did:", StringComparison.Ordinal))
        {
            return didOrName;
        }

        var ties = await api.CallAsync((c, t) => c.ListTiesAsync(t), ct).ConfigureAwait(false);
        var matches = ties.Where(t => string.Equals(t.PeerName, didOrName, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count switch
        {
            1 => matches[0].PeerDid,
            0 => throw new CliException(ExitCodes.NotFound, $"no tie is named '{didOrName}'; telex tie list shows them"),
            _ => throw new CliException(ExitCodes.Usage, $"{matches.Count} ties are named '{didOrName}'; give the DID"),
        };
    }
}
