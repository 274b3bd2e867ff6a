namespace Telex.Cli.Commands;

/// <summary>Lets a person name a counterpart by its display name where the API wants its DID.</summary>
internal static class Counterparts
{
    /// <summary>The DID for <paramref name="didOrName"/>: a DID as given, else the one counterpart with that name.</summary>
    public static async Task<string> ResolveAsync(ApiClient api, string didOrName, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentException.ThrowIfNullOrWhiteSpace(didOrName);
        if (didOrName.StartsWith("did:", StringComparison.Ordinal))
        {
            return didOrName;
        }

        var ties = await api.CallAsync((c, t) => c.ListTiesAsync(t), ct).ConfigureAwait(false);
        var matches = ties.Where(t => string.Equals(t.PeerName, didOrName, StringComparison.OrdinalIgnoreCase)).ToList();
        if (matches.Count == 0)
        {
            // A counterpart without a tie (reached through a relay) is found by its name in the directory.
            try
            {
                var entry = await api.CallAsync((c, t) => c.GetCounterpartAsync(didOrName, t), ct).ConfigureAwait(false);
                if (entry.Did is { } did)
                {
                    return did;
                }

                throw new CliException(ExitCodes.Conflict,
                    $"{entry.Name} is in the directory without a DID (known of, no tie), so nothing can be addressed to it yet: "
                    + $"establish a tie with it first (telex tie invite, or telex tie accept CODE); telex directory show \"{entry.Name}\" shows what is known of it");
            }
            catch (CliException e) when (e.ExitCode == ExitCodes.NotFound)
            {
            }
        }

        return matches.Count switch
        {
            1 => matches[0].PeerDid,
            0 => throw new CliException(ExitCodes.NotFound,
                $"no counterpart named '{didOrName}', tied or in the directory; telex directory list shows every counterpart known"),
            _ => throw new CliException(ExitCodes.Usage, $"{matches.Count} counterparts are named '{didOrName}'; give the DID"),
        };
    }
}
