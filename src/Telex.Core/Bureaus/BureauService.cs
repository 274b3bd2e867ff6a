namespace Telex.Core.Bureaus;

/// <summary>
/// Bureaus: multilateral bodies a founder proposes with prospective members and a readiness rule, charters once the
/// rule holds, and members accept or leave, each change of membership opening a new epoch at the secretariat; the
/// outcomes a bureau's issues are named by. A bureau's traffic (bulletins and its issues) is
/// <see cref="BureauTrafficService"/>.
/// </summary>
public sealed class BureauService : AgencyService
{
    /// <summary>Longest bureau name.</summary>
    public const int MaxBureauNameLength = 200;

    /// <summary>Longest bureau purpose.</summary>
    public const int MaxBureauPurposeLength = 4000;

    /// <summary>Most prospective members of one bureau besides its founder: bounds every charter and epoch a peer may send.</summary>
    public const int MaxBureauMembers = 256;

    private readonly TieService _ties;
    private readonly BureauEpochs _epochs;
    private readonly BureauProspects _prospects;
    private readonly BureauInbound _inbound;

    internal BureauService(AgencyContext context, TieService ties, DirectoryService directory)
        : base(context)
    {
        _ties = ties;
        _epochs = new BureauEpochs(context, ties);
        _prospects = new BureauProspects(context, directory, _epochs);
        _inbound = new BureauInbound(context, _epochs, directory);
    }

    /// <summary>
    /// Proposes a bureau founded by this agency: files its charter (name, purpose, prospective members, readiness rule,
    /// secretariat — by default this agency). Nothing is sent until it is chartered. Throws on invalid input.
    /// </summary>
    public async Task<Bureau> ProposeBureauAsync(string name, string purpose, IReadOnlyList<string> members, ReadinessRule? rule = null,
        string? secretariat = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(members);
        rule ??= ReadinessRule.All;
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxBureauNameLength)
        {
            throw new TelexException(TelexErrorKind.Invalid, $"a bureau needs a name of 1 to {MaxBureauNameLength} characters");
        }

        if (string.IsNullOrWhiteSpace(purpose) || purpose.Length > MaxBureauPurposeLength)
        {
            throw new TelexException(TelexErrorKind.Invalid, $"a bureau needs a purpose of 1 to {MaxBureauPurposeLength} characters");
        }

        if (members.Count > MaxBureauMembers + 1)
        {
            throw new TelexException(TelexErrorKind.Invalid, $"a bureau needs 1 to {MaxBureauMembers} prospective members besides its founder");
        }

        // A member named by name is found among the ties and the directory; one known of by name only is a prospect.
        var (named, prospects) = await _prospects.SortProspectiveAsync(members, ct).ConfigureAwait(false);
        var prospective = named.Where(m => m != Identity.Did).Distinct(StringComparer.Ordinal).ToList();
        if (prospective.Count + prospects.Count is 0 or > MaxBureauMembers)
        {
            throw new TelexException(TelexErrorKind.Invalid, $"a bureau needs 1 to {MaxBureauMembers} prospective members besides its founder");
        }

        var ties = await _epochs.TiesByDidAsync(ct).ConfigureAwait(false);
        var list = new List<BureauMember> { _epochs.Self(MemberState.Accepted) };
        foreach (string did in prospective)
        {
            if (!BureauWire.IsPeerDid(did) || !Dids.TryResolve(did, out _))
            {
                throw new TelexException(TelexErrorKind.Invalid, $"prospective member {BureauWire.Shorten(did)} is not an agency DID (did:peer:2)");
            }

            var tie = ties.GetValueOrDefault(did);
            // A prospective member not tied yet is named as the directory knows it.
            var known = tie is null ? await Store.Directory.FindDirectoryEntryAsync(did, ct).ConfigureAwait(false) : null;
            list.Add(new BureauMember { Did = did, Name = tie?.PeerName ?? known?.Name ?? did, Endpoint = tie?.PeerEndpoint ?? known?.Endpoint });
        }

        if (rule.Quorum is { } quorum && quorum > prospective.Count + prospects.Count)
        {
            throw new TelexException(TelexErrorKind.Invalid, $"the quorum ({quorum}) exceeds the {prospective.Count + prospects.Count} prospective members");
        }

        if (secretariat is not null && !secretariat.StartsWith("did:", StringComparison.Ordinal))
        {
            secretariat = (await _prospects.SortProspectiveAsync([secretariat], ct).ConfigureAwait(false)).Dids.FirstOrDefault()
                ?? throw new TelexException(TelexErrorKind.Invalid, "the secretariat must be the founder or a prospective member with a DID: an agency known of by name only cannot open epochs");
        }

        secretariat ??= Identity.Did;
        if (list.All(m => m.Did != secretariat))
        {
            throw new TelexException(TelexErrorKind.Invalid, "the secretariat must be the founder or one of the prospective members");
        }

        var now = Now;
        var bureau = new Bureau
        {
            Id = Guid.NewGuid(),
            Name = name.Trim(),
            Purpose = purpose.Trim(),
            Founder = Identity.Did,
            Secretariat = secretariat,
            Rule = rule,
            Status = BureauStatus.Proposed,
            CreatedAt = now,
            ChangedAt = now,
            Members = list,
            Prospects = prospects.Select(e => new BureauProspect { EntryId = e.Id, Name = e.Name, AddedAt = now }).ToList(),
        };
        await Store.Bureaus.CreateBureauAsync(new BureauChange
        {
            Bureau = bureau,
            Log = [new BureauLogEntry("proposed", Identity.Did, null, list.Select(m => m.Did).ToList(), now)],
        }, ct).ConfigureAwait(false);
        Publish("bureau.proposed");
        return bureau;
    }

    /// <summary>Finds a bureau; throws when unknown.</summary>
    public async Task<Bureau> GetBureauAsync(Guid id, CancellationToken ct = default) =>
        await Store.Bureaus.GetBureauAsync(id, ct).ConfigureAwait(false) ?? throw new TelexException(TelexErrorKind.NotFound, $"no bureau {id}");

    /// <summary>
    /// The readiness of a bureau this agency founded: which prospective members it has an established tie with, and
    /// whether the bureau's rule holds. Throws when the bureau is unknown or founded elsewhere.
    /// </summary>
    public async Task<BureauReadiness> BureauReadinessAsync(Guid id, CancellationToken ct = default)
    {
        var bureau = await GetBureauAsync(id, ct).ConfigureAwait(false);
        if (bureau.Founder != Identity.Did)
        {
            throw new TelexException(TelexErrorKind.Conflict, "only the founder's ties decide a bureau's readiness");
        }

        bureau = await _prospects.SettleProspectsAsync(bureau, ct).ConfigureAwait(false);
        return ReadinessOf(bureau, await _epochs.TiesByDidAsync(ct).ConfigureAwait(false));
    }

    /// <summary>Whether the bureau's readiness rule holds over the founder's <paramref name="ties"/> (by DID); a prospect known by name only keeps it premature.</summary>
    internal static BureauReadiness ReadinessOf(Bureau bureau, IReadOnlyDictionary<string, Tie> ties)
    {
        var others = bureau.Members.Where(m => m.Did != bureau.Founder).ToList();
        var missing = others.Where(m => ties.GetValueOrDefault(m.Did) is not { Status: TieStatus.Established }).ToList();
        int covered = others.Count - missing.Count;
        int total = others.Count + bureau.Prospects.Count;
        int required = bureau.Rule.Quorum ?? total;
        return new BureauReadiness(bureau.Id, covered >= required && bureau.Prospects.Count == 0, covered, total, required, missing, bureau.Prospects);
    }

    /// <summary>
    /// Charters a bureau this agency proposed: refused while it is premature (the message gives the coverage and who is
    /// missing) and nothing changes. When ready, in one transaction the bureau becomes chartered and its charter goes
    /// to every prospective member tied with the founder; a founder that is the secretariat opens epoch 1 with itself.
    /// </summary>
    public async Task<Bureau> CharterBureauAsync(Guid id, CancellationToken ct = default)
    {
        if (await Store.Bureaus.GetBureauAsync(id, ct).ConfigureAwait(false) is { } held && held.Founder == Identity.Did)
        {
            await _prospects.SettleProspectsAsync(held, ct).ConfigureAwait(false);
        }

        var ties = await _epochs.TiesByDidAsync(ct).ConfigureAwait(false);
        var now = Now;
        BureauReadiness? premature = null;
        var chartered = await Store.Bureaus.ChangeBureauAsync(id, (bureau, _) =>
        {
            if (bureau.Founder != Identity.Did)
            {
                throw new TelexException(TelexErrorKind.Conflict, "only the founder charters a bureau");
            }

            if (bureau.Status != BureauStatus.Proposed)
            {
                throw new TelexException(TelexErrorKind.Conflict, $"the bureau is {bureau.Status.ToString().ToLowerInvariant()} already");
            }

            var readiness = ReadinessOf(bureau, ties);
            if (!readiness.Ready)
            {
                premature = readiness;
                return null;
            }

            var body = BureauWire.CharterJson(bureau, now);
            var outbox = bureau.Members.Where(m => m.Did != Identity.Did && ties.GetValueOrDefault(m.Did) is { Status: TieStatus.Established })
                .Select(m => _ties.ControlOutbox(ties[m.Did], MessageTypes.BureauCharter, body, thid: bureau.Id.ToString()))
                .ToList();
            var log = new List<BureauLogEntry> { new("chartered", Identity.Did, null, bureau.Members.Select(m => m.Did).ToList(), now) };
            var next = bureau with { Status = BureauStatus.Chartered, ChangedAt = now };
            BureauEpoch? epoch = null;
            if (bureau.Secretariat == Identity.Did)
            {
                next = next with { Epoch = 1, Members = bureau.Members.Select(m => m.Did == Identity.Did ? m with { State = MemberState.Joined } : m).ToList() };
                epoch = new BureauEpoch { BureauId = bureau.Id, Number = 1, Members = [_epochs.Self(MemberState.Joined)], OpenedAt = now };
                log.Add(new BureauLogEntry("epoch", Identity.Did, 1, [Identity.Did], now));
            }

            return new BureauChange { Bureau = next, NewEpoch = epoch, Log = log, Outbox = outbox };
        }, ct).ConfigureAwait(false) ?? throw new TelexException(TelexErrorKind.NotFound, $"no bureau {id}");
        if (premature is { } p)
        {
            throw new TelexException(TelexErrorKind.Conflict,
                $"{p.Summary}; missing: {p.MissingText}");
        }

        Context.Wake();
        Publish("bureau.chartered");
        return chartered;
    }

    /// <summary>
    /// Accepts a bureau's charter received here: the acceptance goes to the secretariat, which opens an epoch with this
    /// agency; at the secretariat itself the epoch is opened at once. Throws when the bureau is unknown, not chartered,
    /// this agency is a member already or the secretariat is not tied with it.
    /// </summary>
    public Task<Bureau> AcceptBureauAsync(Guid id, CancellationToken ct = default) =>
        ChangeMembershipAsync(id, "bureau.accepted", (bureau, outcomes, ties, now) =>
        {
            if (bureau.Status != BureauStatus.Chartered)
            {
                throw new TelexException(TelexErrorKind.Conflict, "the bureau is not chartered");
            }

            var me = bureau.Member(Identity.Did) ?? throw new TelexException(TelexErrorKind.Conflict, "this agency is not named in the charter");
            if (me.State is MemberState.Accepted or MemberState.Joined)
            {
                throw new TelexException(TelexErrorKind.Conflict, me.State == MemberState.Joined ? "this agency is a member already" : "accepted already");
            }

            var next = BureauWire.WithState(bureau, Identity.Did, MemberState.Accepted, now);
            var log = new BureauLogEntry("accepted", Identity.Did, null, [], now);
            if (bureau.Secretariat == Identity.Did)
            {
                return _epochs.OpenEpoch(next, ties, now, [log], leaver: null, outcomes);
            }

            return new BureauChange { Bureau = next, Log = [log], Outbox = [ToSecretariat(bureau, ties, MessageTypes.BureauJoin)] };
        }, ct);

    /// <summary>
    /// Leaves a bureau: the secretariat is told and opens an epoch without this agency; nothing of that epoch on reaches
    /// it. Throws when the bureau is unknown, this agency is not a member, or it is the secretariat.
    /// </summary>
    public Task<Bureau> LeaveBureauAsync(Guid id, CancellationToken ct = default) =>
        ChangeMembershipAsync(id, "bureau.left", (bureau, _, ties, now) =>
        {
            if (bureau.Member(Identity.Did) is not { State: MemberState.Accepted or MemberState.Joined })
            {
                throw new TelexException(TelexErrorKind.Conflict, "this agency is not a member of the bureau");
            }

            if (bureau.Secretariat == Identity.Did)
            {
                throw new TelexException(TelexErrorKind.Conflict, "the secretariat cannot leave its bureau");
            }

            return new BureauChange
            {
                Bureau = BureauWire.WithState(bureau, Identity.Did, MemberState.Left, now),
                Log = [new BureauLogEntry("left", Identity.Did, null, [], now)],
                Outbox = [ToSecretariat(bureau, ties, MessageTypes.BureauLeave)],
            };
        }, ct);

    /// <summary>
    /// Changes this agency's membership of bureau <paramref name="id"/>: <paramref name="change"/> decides, given the
    /// bureau's outcomes, the ties by DID and the time, and its messages are filed with it in one transaction; the
    /// dispatcher is woken and <paramref name="announced"/> published. Throws when the bureau is unknown.
    /// </summary>
    private async Task<Bureau> ChangeMembershipAsync(Guid id, string announced,
        Func<Bureau, BureauOutcomes?, IReadOnlyDictionary<string, Tie>, DateTimeOffset, BureauChange?> change, CancellationToken ct)
    {
        var ties = await _epochs.TiesByDidAsync(ct).ConfigureAwait(false);
        var now = Now;
        var changed = await Store.Bureaus.ChangeBureauAsync(id, (bureau, _, outcomes) => change(bureau, outcomes, ties, now), ct).ConfigureAwait(false)
            ?? throw new TelexException(TelexErrorKind.NotFound, $"no bureau {id}");
        Context.Wake();
        Publish(announced);
        return changed;
    }

    /// <summary>A message of <paramref name="type"/> about <paramref name="bureau"/> to its secretariat. Throws when the secretariat is not an established tie.</summary>
    private OutboxItem ToSecretariat(Bureau bureau, IReadOnlyDictionary<string, Tie> ties, string type)
    {
        var secretariat = ties.GetValueOrDefault(bureau.Secretariat);
        if (secretariat is not { Status: TieStatus.Established })
        {
            throw new TelexException(TelexErrorKind.Conflict, "no established tie with the bureau's secretariat");
        }

        return _ties.ControlOutbox(secretariat, type, new JsonObject { ["bureau"] = bureau.Id.ToString() }, thid: bureau.Id.ToString());
    }

    /// <summary>
    /// Names a prospective member for a bureau this agency proposed and has not chartered: a tied agency or a directory
    /// entry with a DID becomes a prospective member, a directory entry without a DID a prospect (known of, no tie).
    /// Nothing is sent. Throws when the bureau is not a proposal of this agency, the name is unknown or named already.
    /// </summary>
    public async Task<Bureau> AddBureauMemberAsync(Guid id, string didOrName, CancellationToken ct = default)
    {
        var (dids, prospects) = await _prospects.SortProspectiveAsync([didOrName], ct).ConfigureAwait(false);
        string? did = dids.SingleOrDefault();
        var entry = prospects.SingleOrDefault();
        if (did is not null && (!BureauWire.IsPeerDid(did) || !Dids.TryResolve(did, out _)))
        {
            throw new TelexException(TelexErrorKind.Invalid, $"prospective member {BureauWire.Shorten(did)} is not an agency DID (did:peer:2)");
        }

        if (did == Identity.Did)
        {
            throw new TelexException(TelexErrorKind.Invalid, "the founder is a member of its bureau already");
        }

        var ties = await _epochs.TiesByDidAsync(ct).ConfigureAwait(false);
        var known = did is not null && !ties.ContainsKey(did) ? await Store.Directory.FindDirectoryEntryAsync(did, ct).ConfigureAwait(false) : null;
        var now = Now;
        var changed = await _prospects.ChangeProposalAsync(id, bureau =>
        {
            if (bureau.Members.Count - 1 + bureau.Prospects.Count >= MaxBureauMembers)
            {
                throw new TelexException(TelexErrorKind.Conflict, $"a bureau has at most {MaxBureauMembers} prospective members besides its founder");
            }

            if (did is not null)
            {
                if (bureau.Member(did) is { } member)
                {
                    throw new TelexException(TelexErrorKind.Conflict, $"{member.Name} is named in the bureau already");
                }

                var tie = ties.GetValueOrDefault(did);
                var added = new BureauMember { Did = did, Name = tie?.PeerName ?? known?.Name ?? BureauWire.Shorten(did), Endpoint = tie?.PeerEndpoint ?? known?.Endpoint };
                return new BureauChange
                {
                    Bureau = bureau with { Members = [.. bureau.Members, added], ChangedAt = now },
                    Log = [new BureauLogEntry("member-added", did, null, [did], now)],
                };
            }

            if (bureau.Prospects.Any(p => p.EntryId == entry!.Id))
            {
                throw new TelexException(TelexErrorKind.Conflict, $"{entry!.Name} is named in the bureau already");
            }

            // A prospect has no DID for the register's chain to name: the chain records it when it becomes a member.
            var prospect = new BureauProspect { EntryId = entry!.Id, Name = entry.Name, AddedAt = now };
            return new BureauChange { Bureau = bureau with { Prospects = [.. bureau.Prospects, prospect], ChangedAt = now } };
        }, ct).ConfigureAwait(false);
        Publish("bureau.members");
        return changed;
    }

    /// <summary>
    /// Drops a prospective member or a prospect from a bureau this agency proposed and has not chartered. Throws when the
    /// bureau is not a proposal of this agency, or the name is not named in it, is the founder or the secretariat.
    /// </summary>
    public async Task<Bureau> RemoveBureauMemberAsync(Guid id, string didOrName, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(didOrName))
        {
            throw new TelexException(TelexErrorKind.Invalid, "name the member by its name or DID");
        }

        string reference = didOrName.Trim();
        var now = Now;
        var changed = await _prospects.ChangeProposalAsync(id, bureau =>
        {
            // The founder aside, at least one member stays, and as many as the quorum needs.
            if (bureau.Members.Count - 2 + bureau.Prospects.Count < Math.Max(1, bureau.Rule.Quorum ?? 1))
            {
                throw new TelexException(TelexErrorKind.Conflict, "the bureau would have fewer prospective members than its rule needs");
            }

            var prospect = bureau.Prospects.FirstOrDefault(p => string.Equals(p.Name, reference, StringComparison.OrdinalIgnoreCase));
            if (prospect is not null)
            {
                return new BureauChange { Bureau = bureau with { Prospects = bureau.Prospects.Where(p => p != prospect).ToList(), ChangedAt = now } };
            }

            var named = bureau.Members.Where(m => m.Did == reference || string.Equals(m.Name, reference, StringComparison.OrdinalIgnoreCase)).ToList();
            var member = named.Count switch
            {
                0 => throw new TelexException(TelexErrorKind.NotFound, $"no member or prospect named \"{reference}\" in bureau {bureau.Name} (telex bureau show lists them)"),
                1 => named[0],
                _ => throw new TelexException(TelexErrorKind.Invalid, $"{named.Count} members are named \"{reference}\": give the DID"),
            };
            if (member.Did == Identity.Did || member.Did == bureau.Secretariat)
            {
                throw new TelexException(TelexErrorKind.Conflict, $"{member.Name} is the bureau's {(member.Did == Identity.Did ? "founder" : "secretariat")}: it stays");
            }

            return new BureauChange
            {
                Bureau = bureau with { Members = bureau.Members.Where(m => m.Did != member.Did).ToList(), ChangedAt = now },
                Log = [new BureauLogEntry("member-removed", member.Did, null, [member.Did], now)],
            };
        }, ct).ConfigureAwait(false);
        Publish("bureau.members");
        return changed;
    }

    /// <summary>
    /// The outcomes the issues of a bureau are named by: the bureau's own vocabulary as its secretariat set it (the same
    /// at every member), <see cref="OutcomeVocabulary.Default"/> until it does. Throws when the bureau is unknown.
    /// </summary>
    public async Task<IReadOnlyList<OutcomeTerm>> BureauOutcomesAsync(Guid bureauId, CancellationToken ct = default)
    {
        await GetBureauAsync(bureauId, ct).ConfigureAwait(false);
        return (await Store.Bureaus.GetBureauOutcomesAsync(bureauId, ct).ConfigureAwait(false))?.Terms ?? OutcomeVocabulary.Default;
    }

    /// <summary>
    /// Sets a bureau's outcomes, at its secretariat only: kept with the next version and sent, in the bureau's
    /// transaction, to every other member of its current epoch (members joining later receive them with their epoch).
    /// The outcomes only grow: a term once in them keeps its meaning for ever, and one <paramref name="terms"/> leaves
    /// out is kept as retired (no longer offered for new changes, still filed from members whose change was on its way).
    /// Throws when this agency is not the secretariat, the vocabulary is not well formed or gives a term another
    /// meaning, or a member cannot be reached.
    /// </summary>
    public async Task<IReadOnlyList<OutcomeTerm>> SetBureauOutcomesAsync(Guid bureauId, IReadOnlyList<OutcomeTerm> terms, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(terms);
        if (OutcomeVocabulary.Problem(terms) is { } problem)
        {
            throw new TelexException(TelexErrorKind.Invalid, problem);
        }

        var ties = await _epochs.TiesByDidAsync(ct).ConfigureAwait(false);
        BureauOutcomes? set = null;
        await Store.Bureaus.ChangeBureauAsync(bureauId, (bureau, epoch, held) =>
        {
            if (bureau.Secretariat != Identity.Did)
            {
                throw new TelexException(TelexErrorKind.Conflict,
                    $"only the bureau's secretariat ({BureauWire.NameIn(bureau, bureau.Secretariat)}) sets the outcomes of {bureau.Name}: every member names its issues by them");
            }

            var (next, wrong) = OutcomeVocabulary.Extend(held?.Terms ?? OutcomeVocabulary.Default, terms);
            if (wrong is not null)
            {
                throw new TelexException(TelexErrorKind.Invalid, wrong);
            }

            // The members of the current epoch as this transaction reads it: one opened meanwhile holds the outcomes
            // these replace, so its members are sent these; one opened after this reads these.
            var others = epoch?.Members.Where(m => m.Did != Identity.Did).ToList() ?? [];
            var routes = others.Count > 0 ? _epochs.RoutesToMembers(ties, epoch!) : [];
            set = new BureauOutcomes(bureauId, (held?.Version ?? 0) + 1, next);
            return new BureauChange { Bureau = bureau, Outcomes = set, Outbox = [.. routes.Select(r => _epochs.BureauOutcomesOutbox(r.Tie, set))] };
        }, ct).ConfigureAwait(false);
        if (set is null)
        {
            throw new TelexException(TelexErrorKind.NotFound, $"no bureau {bureauId}");
        }

        Context.Wake();
        Publish("bureau.outcomes");
        return set.Terms;
    }

    /// <summary>The epochs and routes to members, shared with the bureau's traffic.</summary>
    internal BureauEpochs Epochs => _epochs;

    /// <summary>Every bureau held here: proposed here, or chartered and received.</summary>
    public Task<IReadOnlyList<Bureau>> ListBureausAsync(CancellationToken ct = default) => Store.Bureaus.ListBureausAsync(ct);

    /// <summary>A bureau held here; null when unknown.</summary>
    public Task<Bureau?> FindBureauAsync(Guid id, CancellationToken ct = default) => Store.Bureaus.GetBureauAsync(id, ct);

    /// <summary>The epochs of a bureau held here, oldest first.</summary>
    public Task<IReadOnlyList<BureauEpoch>> ListBureauEpochsAsync(Guid bureauId, CancellationToken ct = default) => Store.Bureaus.ListBureauEpochsAsync(bureauId, ct);

    /// <summary>One epoch of a bureau; null when not held here.</summary>
    public Task<BureauEpoch?> GetBureauEpochAsync(Guid bureauId, long number, CancellationToken ct = default) =>
        Store.Bureaus.GetBureauEpochAsync(bureauId, number, ct);

    /// <summary>
    /// Makes every prospect of the proposed bureaus founded here whose directory entry is <paramref name="entry"/> a
    /// prospective member by the entry's DID. Called when an entry gains its DID; nothing is sent.
    /// </summary>
    internal Task PromoteProspectsAsync(DirectoryEntry entry, CancellationToken ct) => _prospects.PromoteProspectsAsync(entry, ct);

    /// <summary>Registers the handlers of a bureau's charter, membership, epochs and outcomes with the gate.</summary>
    internal void RegisterHandlers(InboundHandlers handlers) => _inbound.RegisterHandlers(handlers);
}
