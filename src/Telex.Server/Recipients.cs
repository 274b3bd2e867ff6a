namespace Telex.Server;

/// <summary>
/// A telegram's recipient as an officer names it, for the client API and the console alike: a DID stands as given (Core
/// decides whether a tie or a relay reaches it), anything else is a counterpart's name — its directory entry's, else its
/// tie's (ignoring case), as a relay named by <c>via</c> is found.
/// </summary>
internal static class Recipients
{
    /// <summary>
    /// The DID <paramref name="to"/> names (a counterpart known of by name only, without a DID, stays as named), or why it
    /// names none: no counterpart of that name, or several ties of that name (the DID tells them apart). Reads only.
    /// </summary>
    public static async Task<(string? Did, string? Refusal)> ResolveAsync(Agency agency, string to, CancellationToken ct)
    {
        if (to.StartsWith("did:", StringComparison.Ordinal))
        {
            return (to, null);
        }

        Counterpart counterpart;
        try
        {
            counterpart = await agency.Directory.GetCounterpartAsync(to, ct).ConfigureAwait(false);
        }
        catch (TelexException e) when (e.Kind is TelexErrorKind.NotFound or TelexErrorKind.Invalid)
        {
            return (null, e.Message);
        }

        // A counterpart known of by name only stays named: the release refuses it (409) with what to do first.
        return (counterpart.Did ?? to, null);
    }
}
