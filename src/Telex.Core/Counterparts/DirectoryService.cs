using System.Security.Cryptography;
using System.Text;

namespace Telex.Core.Counterparts;

/// <summary>
/// The directory: every counterpart this agency knows of, tied or known of by name only, with its dossier; and who a DID
/// is. A counterpart is its tie, not a DID string: after a key rotation it has held several DIDs, and a policy written
/// under any of them (a clearance rule, a relay pair, a directory entry) keeps naming it. Every comparison of
/// counterparts goes through the tie's current DID, so neither the old DID nor the new one slips past a rule written
/// under the other.
/// </summary>
public sealed class DirectoryService : AgencyService
{
    /// <summary>Longest counterpart name accepted. Default 200 characters, as for a tie's name.</summary>
    public const int MaxCounterpartNameLength = 200;

    /// <summary>Longest dossier note accepted, in characters: notes, not documents.</summary>
    public const int MaxDossierNoteLength = 10_000;

    /// <summary>Most agencies a counterpart is recorded as tied with.</summary>
    public const int MaxKnownTies = 64;

    private readonly Func<DirectoryEntry, CancellationToken, Task> _linked;
    private readonly IBureauStore _bureaus;
    private readonly IDirectoryStore _directory;
    private readonly IKeyStore _keys;
    private readonly ITieStore _ties;

    /// <summary>
    /// Creates the directory of the agency <paramref name="context"/> serves; <paramref name="linked"/> is told when an
    /// entry known of by name only is linked to a tie (the bureau prospects it names become prospective members).
    /// </summary>
    internal DirectoryService(AgencyContext context, Func<DirectoryEntry, CancellationToken, Task> linked)
        : base(context)
    {
        _linked = linked;
        _bureaus = context.Store.Bureaus;
        _directory = context.Store.Directory;
        _keys = context.Store.Keys;
        _ties = context.Store.Ties;
    }

    /// <summary>
    /// Every counterpart this agency knows of: each directory entry, merged by DID with its tie, and every tie without an
    /// entry. Ties with status none (kept only to count the serials of relayed telegrams) appear through their entry.
    /// </summary>
    public async Task<IReadOnlyList<Counterpart>> ListDirectoryAsync(CancellationToken ct = default)
    {
        var entries = await _directory.ListDirectoryAsync(ct).ConfigureAwait(false);
        var ties = (await _ties.ListTiesAsync(ct).ConfigureAwait(false)).ToDictionary(t => t.PeerDid, StringComparer.Ordinal);
        var list = new List<Counterpart>();
        foreach (var entry in entries)
        {
            // An entry written before the counterpart rotated its keys names its old DID: the tie is found under it too.
            var tie = entry.Did is { } did ? ties.GetValueOrDefault(did) ?? await _ties.GetTieAsync(did, ct).ConfigureAwait(false) : null;
            if (tie is not null)
            {
                ties.Remove(tie.PeerDid);
            }

            list.Add(Merge(entry, tie));
        }

        list.AddRange(ties.Values.Where(t => t.Status != TieStatus.None).Select(t => Merge(null, t)));
        return list.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>A counterpart by DID or name (its directory entry's, else its tie's). Throws NotFound when unknown.</summary>
    public async Task<Counterpart> GetCounterpartAsync(string didOrName, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(didOrName))
        {
            throw new TelexException(TelexErrorKind.Invalid, "name a counterpart by DID or name");
        }

        var entry = await _directory.FindDirectoryEntryAsync(didOrName, ct).ConfigureAwait(false);
        var tie = entry?.Did is { } did ? await _ties.GetTieAsync(did, ct).ConfigureAwait(false) : null;
        if (entry is null)
        {
            tie = await FindTieAsync(didOrName, ct).ConfigureAwait(false);
            if (tie is { Status: TieStatus.None })
            {
                tie = null;
            }
        }

        return entry is null && tie is null
            ? throw new TelexException(TelexErrorKind.NotFound, $"no counterpart '{didOrName}' in the directory (telex directory list shows them)")
            : Merge(entry, tie);
    }

    /// <summary>
    /// Adds a counterpart to the directory: a name, and what is known of it — DID, endpoint (taken from the DID when not
    /// given), the agencies it is known to be tied with (DIDs or names of known counterparts). Throws for bad input or
    /// a name or DID the directory holds already; nothing is written then.
    /// </summary>
    public async Task<Counterpart> AddToDirectoryAsync(string name, string? did, string? endpoint, IReadOnlyList<string>? knownTies,
        CancellationToken ct = default)
    {
        name = (name ?? "").Trim();
        if (name.Length == 0 || name.Length > MaxCounterpartNameLength || PeerText.HasHiddenCharacters(name))
        {
            throw new TelexException(TelexErrorKind.Invalid,
                $"a counterpart needs a name of 1 to {MaxCounterpartNameLength} characters without control, line-separator or bidirectional-override characters");
        }

        if (PeerText.ReadsAsDid(name))
        {
            throw new TelexException(TelexErrorKind.Invalid, "a counterpart's name must not begin with \"did:\": it would read as a DID (give the DID with --did)");
        }

        if (did is not null)
        {
            if (!PeerDids.Is(did) || !Dids.TryResolve(did, out var doc))
            {
                throw new TelexException(TelexErrorKind.Invalid, "the DID must be a valid did:peer:2 DID");
            }

            if (did == Identity.Did)
            {
                throw new TelexException(TelexErrorKind.Invalid, "this agency is not its own counterpart");
            }

            endpoint ??= doc.Services.Count > 0 ? doc.Services[0].Uri : null;
        }

        if (endpoint is not null && (endpoint.Length > 2048 || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
        {
            throw new TelexException(TelexErrorKind.Invalid, "the endpoint must be an absolute http or https URL");
        }

        var known = new List<string>();
        foreach (string k in knownTies ?? [])
        {
            if (known.Count >= MaxKnownTies)
            {
                throw new TelexException(TelexErrorKind.Invalid, $"at most {MaxKnownTies} known ties");
            }

            string resolved = k == Identity.Did || string.Equals(k, Identity.Name, StringComparison.OrdinalIgnoreCase)
                ? Identity.Did
                : await ResolveCounterpartDidAsync(k, ct).ConfigureAwait(false);
            if (resolved == did)
            {
                throw new TelexException(TelexErrorKind.Invalid, "a counterpart is not tied with itself");
            }

            if (!known.Contains(resolved))
            {
                known.Add(resolved);
            }
        }

        // Name and DID entered together: the name is the officer's word for the DID (it addresses it, see Recipients).
        var entry = new DirectoryEntry
        {
            Id = Guid.NewGuid(),
            Name = name,
            Did = did,
            Endpoint = endpoint,
            KnownTies = known,
            AddedAt = Now,
            EnteredByOfficer = did is not null,
        };
        if (!await _directory.AddDirectoryEntryAsync(entry, ct).ConfigureAwait(false))
        {
            throw new TelexException(TelexErrorKind.Conflict, "the directory holds a counterpart with this name or DID already");
        }

        Publish("directory.changed", did);
        return await GetCounterpartAsync(did ?? name, ct).ConfigureAwait(false);
    }

    /// <summary>Adds a note, by <paramref name="officer"/>, to a counterpart's dossier.</summary>
    public async Task<Counterpart> AddDossierNoteAsync(string didOrName, string officer, string text, CancellationToken ct = default)
    {
        text = (text ?? "").Trim();
        if (text.Length == 0 || text.Length > MaxDossierNoteLength)
        {
            throw new TelexException(TelexErrorKind.Invalid, $"a note needs 1 to {MaxDossierNoteLength} characters");
        }

        var entry = await EntryForAsync(didOrName, ct).ConfigureAwait(false);
        if (!await _directory.AddDossierNoteAsync(entry.Id, new DossierNote(Now, officer, text), ct).ConfigureAwait(false))
        {
            throw new TelexException(TelexErrorKind.NotFound, $"no counterpart '{didOrName}' in the directory");
        }

        return await GetCounterpartAsync(entry.Did ?? entry.Name, ct).ConfigureAwait(false);
    }

    /// <summary>Records that an officer reviewed a counterpart's dossier now.</summary>
    public async Task<Counterpart> ReviewDossierAsync(string didOrName, CancellationToken ct = default)
    {
        var entry = await EntryForAsync(didOrName, ct).ConfigureAwait(false);
        if (!await _directory.MarkReviewedAsync(entry.Id, Now, ct).ConfigureAwait(false))
        {
            throw new TelexException(TelexErrorKind.NotFound, $"no counterpart '{didOrName}' in the directory");
        }

        return await GetCounterpartAsync(entry.Did ?? entry.Name, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes an untied counterpart and its dossier from the directory. A tied counterpart stays (its tie is part of the
    /// directory): throws Conflict.
    /// </summary>
    public async Task RemoveFromDirectoryAsync(string didOrName, CancellationToken ct = default)
    {
        var counterpart = await GetCounterpartAsync(didOrName, ct).ConfigureAwait(false);
        if (counterpart.TieStatus != TieStatus.None)
        {
            throw new TelexException(TelexErrorKind.Conflict,
                $"{counterpart.Name} has a tie ({counterpart.TieStatus.ToString().ToLowerInvariant()}); the directory keeps every tied counterpart");
        }

        // A prospect names its bureau's directory entry: removed, it could never be linked to the agency once tied.
        if (counterpart.Entry is { } named
            && (await _bureaus.ListBureausAsync(ct).ConfigureAwait(false)).FirstOrDefault(b => b.Prospects.Any(p => p.EntryId == named.Id)) is { } bureau)
        {
            throw new TelexException(TelexErrorKind.Conflict,
                $"{counterpart.Name} is a prospect of bureau {bureau.Name}: drop it there first (telex bureau remove \"{bureau.Name}\" \"{counterpart.Name}\")");
        }

        if (counterpart.Entry is null || !await _directory.RemoveDirectoryEntryAsync(counterpart.Entry.Id, ct).ConfigureAwait(false))
        {
            throw new TelexException(TelexErrorKind.NotFound, $"no counterpart '{didOrName}' in the directory");
        }

        Publish("directory.changed", counterpart.Did);
    }

    /// <summary>
    /// Links a counterpart known of by name only (a directory entry without a DID) to the agency of a tie: the entry takes
    /// the tie's DID (and its endpoint when it had none), and every bureau prospect named by it becomes a prospective
    /// member. For when the tie's name is not the entry's, or its fingerprint is not compared yet; a tie whose name is the
    /// entry's is linked as its fingerprint is confirmed. A tie named by its name (the agency's own claim) must be verified;
    /// named by its DID, it need not be.
    /// Throws when the entry is unknown or holds a DID already, there is no tie with that agency, or another entry
    /// holds its DID; nothing is written then.
    /// </summary>
    public async Task<Counterpart> LinkCounterpartAsync(string name, string tieDidOrName, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(tieDidOrName))
        {
            throw new TelexException(TelexErrorKind.Invalid, "name the directory entry and the tie to link it to");
        }

        var entry = await _directory.FindDirectoryEntryAsync(name.Trim(), ct).ConfigureAwait(false)
            ?? throw new TelexException(TelexErrorKind.NotFound, $"no counterpart '{name}' in the directory (telex directory list shows them)");
        if (entry.Did is not null)
        {
            throw new TelexException(TelexErrorKind.Conflict, $"{entry.Name} holds a DID already (telex directory show \"{entry.Name}\")");
        }

        var tie = await FindTieAsync(tieDidOrName.Trim(), ct).ConfigureAwait(false);
        if (tie is null or { Status: TieStatus.None })
        {
            throw new TelexException(TelexErrorKind.NotFound,
                $"no tie with '{tieDidOrName}': establish one first (telex tie invite, or telex tie accept CODE); telex tie list shows the ties held");
        }

        // A tie's name is its agency's own claim until its fingerprint is compared: named by it, only a verified tie is linked.
        if (!tie.Verified && tie.PeerDid != tieDidOrName.Trim())
        {
            throw new TelexException(TelexErrorKind.Conflict,
                $"the tie named {tie.PeerName} is not verified: compare its fingerprint first (telex tie verify), or name the tie by its DID");
        }

        if (await _directory.FindDirectoryEntryAsync(tie.PeerDid, ct).ConfigureAwait(false) is { Did: not null } other)
        {
            throw new TelexException(TelexErrorKind.Conflict,
                $"the directory holds {other.Name} with that agency's DID already: remove the entry not wanted (telex directory remove)");
        }

        // The officer named the tie the entry is: the name is theirs for its DID from now on.
        var linked = entry with
        {
            Did = tie.PeerDid,
            Endpoint = entry.Endpoint ?? (string.IsNullOrEmpty(tie.PeerEndpoint) ? null : tie.PeerEndpoint),
            EnteredByOfficer = true,
        };
        if (!await _directory.UpdateDirectoryEntryAsync(linked, ct).ConfigureAwait(false))
        {
            throw new TelexException(TelexErrorKind.Conflict, $"the directory holds another counterpart with that agency's DID, or {entry.Name} is gone");
        }

        Publish("directory.changed", tie.PeerDid);
        await _linked(linked, ct).ConfigureAwait(false);
        return await GetCounterpartAsync(tie.PeerDid, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Once a tie is both established and verified (its officers compared the fingerprint, in whichever order): a
    /// directory entry without a DID named as the tie's agency names itself (ignoring case) takes its DID, so the
    /// counterpart known of by name only and the tied agency are one, and the bureau prospects named by it become
    /// prospective members. Not before the fingerprint is compared: the name is the peer's own claim, and whoever holds an
    /// invitation code may establish a tie under any name. Nothing happens when no such entry exists or the DID is held by
    /// another entry.
    /// </summary>
    internal async Task LinkOnVerifiedAsync(Tie tie, CancellationToken ct)
    {
        if (tie is not { Status: TieStatus.Established, Verified: true }
            || await _directory.FindDirectoryEntryAsync(tie.PeerDid, ct).ConfigureAwait(false) is { Did: not null }
            || await _directory.FindDirectoryEntryAsync(tie.PeerName, ct).ConfigureAwait(false) is not { Did: null } entry
            || !string.Equals(entry.Name, tie.PeerName, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var linked = entry with { Did = tie.PeerDid, Endpoint = entry.Endpoint ?? (string.IsNullOrEmpty(tie.PeerEndpoint) ? null : tie.PeerEndpoint) };
        if (await _directory.UpdateDirectoryEntryAsync(linked, ct).ConfigureAwait(false))
        {
            Publish("directory.changed", tie.PeerDid);
            await _linked(linked, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The refusal for a recipient named by something that is not an agency's DID: a counterpart known of by name only
    /// cannot be written to before a tie; a name the directory does not know is pointed to the directory.
    /// </summary>
    internal async Task<TelexException> UnaddressableAsync(string recipient, CancellationToken ct)
    {
        var entry = string.IsNullOrWhiteSpace(recipient) || recipient.StartsWith("did:", StringComparison.Ordinal)
            ? null
            : await _directory.FindDirectoryEntryAsync(recipient.Trim(), ct).ConfigureAwait(false);
        return entry switch
        {
            { Did: null } => new TelexException(TelexErrorKind.Conflict,
                $"{entry.Name} is known of by name only (no tie, no DID): nothing can be sent to it until a tie is established "
                + $"(telex tie invite, or telex tie accept CODE); telex directory show \"{entry.Name}\" shows what is known of it"),
            { Did: not null } => new TelexException(TelexErrorKind.Invalid,
                $"name the recipient {entry.Name} by its DID, as the API takes it (telex directory show \"{entry.Name}\" gives it)"),
            _ => new TelexException(TelexErrorKind.Invalid,
                "the recipient must be another agency's did:peer:2 DID; telex directory list shows every counterpart known"),
        };
    }

    /// <summary>The directory entry of a counterpart, created from its tie for a tied counterpart without one.</summary>
    private async Task<DirectoryEntry> EntryForAsync(string didOrName, CancellationToken ct)
    {
        var counterpart = await GetCounterpartAsync(didOrName, ct).ConfigureAwait(false);
        if (counterpart.Entry is { } entry)
        {
            return entry;
        }

        var tie = counterpart.Tie!;
        var created = new DirectoryEntry { Id = Guid.NewGuid(), Name = tie.PeerName, Did = tie.PeerDid, Endpoint = tie.PeerEndpoint, AddedAt = Now };
        if (!await _directory.AddDirectoryEntryAsync(created, ct).ConfigureAwait(false)
            && !await _directory.AddDirectoryEntryAsync(created with { Name = DisambiguatedName(tie.PeerName, tie.PeerDid) }, ct).ConfigureAwait(false))
        {
            throw new TelexException(TelexErrorKind.Conflict, $"the directory holds another counterpart named {tie.PeerName}");
        }

        return await _directory.FindDirectoryEntryAsync(tie.PeerDid, ct).ConfigureAwait(false)
            ?? throw new TelexException(TelexErrorKind.NotFound, $"no counterpart '{didOrName}' in the directory");
    }

    /// <summary>
    /// Enters a sender first heard of through a relay, recording the relay as an agency it is tied with. It is entered by
    /// the name it gave (see <see cref="PeerGivenNameAsync"/>: never as an agency known here is named).
    /// </summary>
    internal async Task RecordFirstContactAsync(string did, string name, string relayDid, CancellationToken ct)
    {
        var entry = await _directory.FindDirectoryEntryAsync(did, ct).ConfigureAwait(false);
        if (entry is not null && entry.Did == did)
        {
            if (!entry.KnownTies.Contains(relayDid))
            {
                await _directory.UpdateDirectoryEntryAsync(entry with { KnownTies = [.. entry.KnownTies, relayDid] }, ct).ConfigureAwait(false);
            }

            return;
        }

        string? endpoint = Dids.TryResolve(did, out var doc) && doc.Services.Count > 0 ? doc.Services[0].Uri : null;
        string filed = await PeerGivenNameAsync(did, name, ct).ConfigureAwait(false);
        var created = new DirectoryEntry
        {
            Id = Guid.NewGuid(),
            Name = filed,
            Did = did,
            Endpoint = endpoint,
            KnownTies = [relayDid],
            AddedAt = Now,
        };
        if (await _directory.AddDirectoryEntryAsync(created, ct).ConfigureAwait(false)
            || (filed == name && await _directory.AddDirectoryEntryAsync(created with { Name = DisambiguatedName(name, did) }, ct).ConfigureAwait(false)))
        {
            Publish("directory.changed", did);
        }
    }

    /// <summary>
    /// The name this agency files for an agency a peer names — a sender first heard of through a relay, an agency a
    /// referral brings into an issue or lists as taking part: the name known here for its DID (its tie's, its directory
    /// entry's), else the name the peer gave. That name is only the peer's claim: when this agency, a tie or a directory
    /// entry of another agency (or one known of by name only) goes by what reads as it already (<see cref="PeerText.SameName"/>:
    /// whatever the case, invisible characters or full-width letters), it is marked with a short
    /// fingerprint of the DID, so a stranger never reads as an agency known here. A name that is no name (blank, a DID)
    /// becomes "unnamed agency", marked the same way.
    /// </summary>
    internal async Task<string> PeerGivenNameAsync(string did, string? claimed, CancellationToken ct)
    {
        if (did == Identity.Did)
        {
            return Identity.Name;
        }

        var tie = await _ties.GetTieAsync(did, ct).ConfigureAwait(false);
        if (tie is { Status: not TieStatus.None })
        {
            return tie.PeerName;
        }

        if (await _directory.FindDirectoryEntryAsync(did, ct).ConfigureAwait(false) is { } entry && entry.Did == did)
        {
            return entry.Name;
        }

        if (claimed is null || PeerText.AgencyNameProblem(claimed) is not null)
        {
            return DisambiguatedName("unnamed agency", did);
        }

        // Compared here rather than in SQL, so that both backends read names alike (SQLite's NOCASE folds ASCII only).
        bool Same(string name) => PeerText.SameName(name, claimed);
        bool taken = Same(Identity.Name)
            || (await _ties.ListTiesAsync(ct).ConfigureAwait(false)).Any(t => t.PeerDid != did && Same(t.PeerName))
            || (await _directory.ListDirectoryAsync(ct).ConfigureAwait(false)).Any(e => e.Did != did && Same(e.Name));
        return taken ? DisambiguatedName(claimed, did) : claimed;
    }

    /// <summary>A name marked with a short fingerprint of the DID (the first 8 hex digits of its SHA-256), to tell apart agencies of one name.</summary>
    internal static string DisambiguatedName(string name, string did) =>
        $"{name} ({Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(did)))[..8]})";

    private static Counterpart Merge(DirectoryEntry? entry, Tie? tie) => new()
    {
        Name = entry?.Name ?? tie!.PeerName,
        Did = entry?.Did ?? tie?.PeerDid,
        Endpoint = entry?.Endpoint ?? (string.IsNullOrEmpty(tie?.PeerEndpoint) ? null : tie.PeerEndpoint),
        TieStatus = tie?.Status ?? TieStatus.None,
        Tie = tie,
        Entry = entry,
    };
    /// <summary>
    /// The current DID of the tie <paramref name="did"/> names (its current DID or one it held before a rotation);
    /// <paramref name="did"/> itself when no tie is held under it.
    /// </summary>
    internal async Task<string> CounterpartDidAsync(string did, CancellationToken ct) =>
        (await _ties.GetTieAsync(did, ct).ConfigureAwait(false))?.PeerDid ?? did;

    /// <summary>
    /// The name this agency knows an agency by: its own, the tie's (under any DID the counterpart has held), or its
    /// directory entry's; else null.
    /// </summary>
    public async Task<string?> KnownNameAsync(string did, CancellationToken ct = default) =>
        string.Equals(did, Identity.Did, StringComparison.Ordinal) ? Identity.Name
        : (await _ties.GetTieAsync(did, ct).ConfigureAwait(false))?.PeerName
        ?? (await _directory.FindDirectoryEntryAsync(did, ct).ConfigureAwait(false))?.Name;

    /// <summary>The name a log line gives the agency <paramref name="did"/>: its tie's name, else its directory entry's.</summary>
    internal async Task<string> CounterpartNameAsync(string did, CancellationToken ct)
    {
        if (await _ties.GetTieAsync(did, ct).ConfigureAwait(false) is { } tie)
        {
            return tie.PeerName;
        }

        var known = await ListDirectoryAsync(ct).ConfigureAwait(false);
        return known.FirstOrDefault(c => c.Did == did)?.Name ?? "an agency neither tied nor in the directory";
    }

    /// <summary>True when <paramref name="did"/> is the tie's current DID or one it held before a rotation.</summary>
    internal async Task<bool> IsOfTieAsync(Tie tie, string did, CancellationToken ct) =>
        did == tie.PeerDid || (await _ties.GetTieAsync(did, ct).ConfigureAwait(false))?.PeerDid == tie.PeerDid;

    /// <summary>True when both DIDs are the same counterpart's, before or after a key rotation.</summary>
    internal async Task<bool> IsSameCounterpartAsync(string a, string b, CancellationToken ct) =>
        a == b || (await _ties.GetTieAsync(a, ct).ConfigureAwait(false))?.PeerDid is { } tie && tie == (await _ties.GetTieAsync(b, ct).ConfigureAwait(false))?.PeerDid;

    /// <summary>Every DID the tie's counterpart has held: its current one and those its rotations replaced.</summary>
    internal async Task<HashSet<string>> TieDidsAsync(Tie tie, CancellationToken ct)
    {
        var dids = new HashSet<string>(StringComparer.Ordinal) { tie.PeerDid };
        var rotations = (await _keys.ListKeyRotationsAsync(ct).ConfigureAwait(false)).Where(r => !r.Own).ToList();
        for (bool grew = true; grew;)
        {
            grew = false;
            foreach (var r in rotations.Where(r => dids.Contains(r.NewDid) && !dids.Contains(r.OldDid)))
            {
                dids.Add(r.OldDid);
                grew = true;
            }
        }

        return dids;
    }

    /// <summary>A tie by its counterpart's DID, else by its counterpart's name (ignoring case; never by a name that reads as a DID).</summary>
    internal async Task<Tie?> FindTieAsync(string didOrName, CancellationToken ct)
    {
        if (await _ties.GetTieAsync(didOrName, ct).ConfigureAwait(false) is { } tie)
        {
            return tie;
        }

        if (PeerText.ReadsAsDid(didOrName))
        {
            return null;
        }

        var named = (await _ties.ListTiesAsync(ct).ConfigureAwait(false))
            .Where(t => t.Status != TieStatus.None && string.Equals(t.PeerName, didOrName, StringComparison.OrdinalIgnoreCase)).ToList();
        return named.Count switch
        {
            0 => null,
            1 => named[0],
            _ => throw new TelexException(TelexErrorKind.Invalid, $"several ties are named '{didOrName}': use the DID"),
        };
    }

    /// <summary>The DID of a counterpart named by DID or by the name of a tie or directory entry.</summary>
    internal async Task<string> ResolveCounterpartDidAsync(string didOrName, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(didOrName))
        {
            throw new TelexException(TelexErrorKind.Invalid, "name a counterpart by DID or name");
        }

        if (didOrName == Identity.Did)
        {
            throw new TelexException(TelexErrorKind.Invalid, "this agency is not its own counterpart");
        }

        if (await FindTieAsync(didOrName, ct).ConfigureAwait(false) is { } tie)
        {
            return tie.PeerDid;
        }

        if (await _directory.FindDirectoryEntryAsync(didOrName, ct).ConfigureAwait(false) is { Did: { } did })
        {
            return did;
        }

        if (PeerDids.Is(didOrName) && Dids.TryResolve(didOrName, out _))
        {
            return didOrName;
        }

        throw await _directory.FindDirectoryEntryAsync(didOrName, ct).ConfigureAwait(false) is { } known
            ? await UnaddressableAsync(known.Name, ct).ConfigureAwait(false)
            : new TelexException(TelexErrorKind.NotFound, $"no counterpart '{didOrName}' (not a tie, not in the directory); telex directory list shows every counterpart known");
    }
}
