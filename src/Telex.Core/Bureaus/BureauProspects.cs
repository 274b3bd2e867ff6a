namespace Telex.Core.Bureaus;

/// <summary>
/// A proposed bureau's membership before its charter: members named by tie, DID or directory name, and prospects —
/// agencies known of by name only (a directory entry without a DID), shown as "known of, no tie". Nothing is ever sent
/// to a prospect. Once a tie is established with it and its directory entry holds the tied agency's DID (linked when the
/// tie's name is the entry's and its fingerprint is confirmed, or by <c>Agency.LinkCounterpartAsync</c>), the prospect
/// becomes a prospective member by DID: counted by readiness, and sent the charter like every other member when the
/// founder charters the bureau.
/// </summary>
internal sealed class BureauProspects(AgencyContext context, DirectoryService directory, BureauEpochs epochs) : AgencyService(context)
{
    /// <summary>
    /// Makes every prospect of the proposed bureaus founded here whose directory entry is <paramref name="entry"/> a
    /// prospective member by the entry's DID. Called when an entry gains its DID; nothing is sent.
    /// </summary>
    public async Task PromoteProspectsAsync(DirectoryEntry entry, CancellationToken ct)
    {
        foreach (var bureau in await Store.Bureaus.ListBureausAsync(ct).ConfigureAwait(false))
        {
            if (bureau.Prospects.Any(p => p.EntryId == entry.Id))
            {
                await SettleProspectsAsync(bureau, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The bureau with every prospect whose directory entry now holds a DID made a prospective member (in one
    /// transaction, with a <c>member-added</c> entry in the chain for each). Unchanged when it has none, or is not a
    /// proposal of this agency.
    /// </summary>
    public async Task<Bureau> SettleProspectsAsync(Bureau bureau, CancellationToken ct)
    {
        if (bureau.Prospects.Count == 0 || bureau.Status != BureauStatus.Proposed || bureau.Founder != Identity.Did)
        {
            return bureau;
        }

        var linked = new Dictionary<Guid, DirectoryEntry>();
        foreach (var p in bureau.Prospects)
        {
            if (await Store.Directory.GetDirectoryEntryAsync(p.EntryId, ct).ConfigureAwait(false) is { Did: not null } e)
            {
                linked[p.EntryId] = e;
            }
        }

        if (linked.Count == 0)
        {
            return bureau;
        }

        var ties = await epochs.TiesByDidAsync(ct).ConfigureAwait(false);
        var now = Now;
        bool promoted = false;
        var settled = await Store.Bureaus.ChangeBureauAsync(bureau.Id, (b, _) =>
        {
            var promote = b.Prospects.Where(p => linked.ContainsKey(p.EntryId)).ToList();
            if (b.Status != BureauStatus.Proposed || promote.Count == 0)
            {
                return null;
            }

            var members = b.Members.ToList();
            var log = new List<BureauLogEntry>();
            foreach (string did in promote.Select(p => linked[p.EntryId].Did!).Where(d => d != Identity.Did && members.All(m => m.Did != d)).Distinct())
            {
                var entry = linked.Values.First(e => e.Did == did);
                var tie = ties.GetValueOrDefault(did);
                members.Add(new BureauMember { Did = did, Name = tie?.PeerName ?? entry.Name, Endpoint = tie?.PeerEndpoint ?? entry.Endpoint });
                log.Add(new BureauLogEntry("member-added", did, null, [did], now));
            }

            promoted = true;
            return new BureauChange
            {
                Bureau = b with { Members = members, Prospects = b.Prospects.Where(p => !linked.ContainsKey(p.EntryId)).ToList(), ChangedAt = now },
                Log = log,
            };
        }, ct).ConfigureAwait(false);
        if (promoted)
        {
            Publish("bureau.members");
        }

        return settled ?? bureau;
    }

    /// <summary>Changes a bureau this agency proposed and has not chartered; throws otherwise.</summary>
    public async Task<Bureau> ChangeProposalAsync(Guid id, Func<Bureau, BureauChange> change, CancellationToken ct) =>
        await Store.Bureaus.ChangeBureauAsync(id, (bureau, _) =>
        {
            if (bureau.Founder != Identity.Did)
            {
                throw new TelexException(TelexErrorKind.Conflict, "only the founder names a bureau's prospective members");
            }

            if (bureau.Status != BureauStatus.Proposed)
            {
                throw new TelexException(TelexErrorKind.Conflict,
                    $"the bureau is {bureau.Status.ToString().ToLowerInvariant()}: its charter has fixed who may join");
            }

            return change(bureau);
        }, ct).ConfigureAwait(false) ?? throw new TelexException(TelexErrorKind.NotFound, $"no bureau {id} (telex bureau list shows them)");

    /// <summary>
    /// Sorts the prospective members a person names: a DID stays as given (checked by the caller); a name is a tie's (its
    /// DID), a directory entry's with a DID (that DID), or a directory entry's without one (a prospect). Throws NotFound,
    /// pointing to the directory, for a name neither knows.
    /// </summary>
    public async Task<(List<string> Dids, List<DirectoryEntry> Prospects)> SortProspectiveAsync(IReadOnlyList<string> members, CancellationToken ct)
    {
        var dids = new List<string>();
        var prospects = new List<DirectoryEntry>();
        foreach (string member in members)
        {
            if (string.IsNullOrWhiteSpace(member))
            {
                throw new TelexException(TelexErrorKind.Invalid, "a prospective member is named by its DID or its name in the directory");
            }

            string m = member.Trim();
            if (m.StartsWith("did:", StringComparison.Ordinal))
            {
                dids.Add(m);
            }
            else if (string.Equals(m, Identity.Name, StringComparison.OrdinalIgnoreCase))
            {
                dids.Add(Identity.Did);
            }
            else if (await directory.FindTieAsync(m, ct).ConfigureAwait(false) is { } tie)
            {
                // A tie's name is its agency's own claim: where the directory knows another counterpart by it (one known of
                // by name only stays apart until the tie's fingerprint is compared), the officer says which one is meant.
                if (await Store.Directory.FindDirectoryEntryAsync(m, ct).ConfigureAwait(false) is { } other
                    && (other.Did is null || !await directory.IsOfTieAsync(tie, other.Did, ct).ConfigureAwait(false)))
                {
                    throw new TelexException(TelexErrorKind.Invalid,
                        $"'{m}' is the name of a tie and of another counterpart in the directory: compare the tie's fingerprint (telex tie show, "
                        + $"telex tie verify) or link them (telex directory link \"{other.Name}\" TIE), or name the tie's agency by its DID");
                }

                dids.Add(tie.PeerDid);
            }
            else if (await Store.Directory.FindDirectoryEntryAsync(m, ct).ConfigureAwait(false) is { } entry)
            {
                if (entry.Did is { } did)
                {
                    dids.Add(did);
                }
                else if (prospects.All(p => p.Id != entry.Id))
                {
                    prospects.Add(entry);
                }
            }
            else
            {
                throw new TelexException(TelexErrorKind.NotFound,
                    $"no counterpart named '{m}': telex directory list shows every counterpart known, and an agency known of by name only is entered with telex directory add \"{m}\"");
            }
        }

        return (dids, prospects);
    }
}
