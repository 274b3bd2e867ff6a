using System.Text.RegularExpressions;

namespace Telex.Server.Console;

/// <summary>
/// The names officers read for the agencies this one knows, by DID: itself, its ties, its directory, its bureaus (a
/// bureau's issues name the bureau as their counterpart) and the bureaus' members. Console pages show these names; a
/// DID is shown only in an explicit detail (<c>_Did</c>), never as the label of an agency.
/// </summary>
internal sealed partial class AgencyNames
{
    /// <summary>What a page says of an agency it knows no name for (the DID stays in the detail views).</summary>
    public const string Unknown = "an agency not in the directory";

    private readonly Dictionary<string, string> _names;

    private AgencyNames(Dictionary<string, string> names) => _names = names;

    /// <summary>Every known name, by DID.</summary>
    public IReadOnlyDictionary<string, string> All => _names;

    /// <summary>Reads the names: a tie's name wins over the directory's, which wins over a bureau member's.</summary>
    public static async Task<AgencyNames> LoadAsync(Agency agency, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(agency);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var bureaus = await agency.Bureaus.ListBureausAsync(ct).ConfigureAwait(false);
        // A prospective member proposed by DID alone carries its DID as its name: that is no name to show.
        foreach (var member in bureaus.SelectMany(b => b.Members).Where(m => !m.Name.StartsWith("did:", StringComparison.Ordinal)))
        {
            names[member.Did] = member.Name;
        }

        foreach (var c in await agency.Directory.ListDirectoryAsync(ct).ConfigureAwait(false))
        {
            if (c.Did is { } did)
            {
                names[did] = c.Name;
            }
        }

        foreach (var tie in await agency.Ties.ListTiesAsync(ct).ConfigureAwait(false))
        {
            names[tie.PeerDid] = tie.PeerName;
        }

        foreach (var bureau in bureaus)
        {
            names[bureau.IssueCounterpart] = "bureau " + bureau.Name;
        }

        names[agency.Identity.Did] = agency.Identity.Name;
        return new AgencyNames(names);
    }

    /// <summary>The name of the agency (or bureau) with this DID.</summary>
    public string Of(string? did) => did is not null && _names.TryGetValue(did, out var name) ? name : Unknown;

    /// <summary>A telegram's counterpart: its known name, else the name it signed with.</summary>
    public string Of(TelegramRecord t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return _names.TryGetValue(t.Counterpart, out var name) ? name : t.SenderName ?? Unknown;
    }

    /// <summary>Whether a name is known for this DID.</summary>
    public bool Knows(string did) => _names.ContainsKey(did);

    /// <summary>
    /// Text recorded with DIDs in it (a clearance log's "awaiting partner did:…"): each DID replaced by the agency's
    /// name. A sentence's closing stop or colon after a DID is kept.
    /// </summary>
    public string InText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return DidPattern().Replace(text, m =>
        {
            string did = m.Value.TrimEnd('.', ':', ',');
            return Of(did) + m.Value[did.Length..];
        });
    }

    [GeneratedRegex(@"did:[a-z0-9]+:[A-Za-z0-9._%:=\-]+", RegexOptions.CultureInvariant)]
    private static partial Regex DidPattern();

    /// <summary>Text that may be a DID (an agency referred to is recorded by name, or by DID when tied): the DID's name, else the text.</summary>
    public string OfText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.StartsWith("did:", StringComparison.Ordinal) ? Of(text) : text;
    }
}
