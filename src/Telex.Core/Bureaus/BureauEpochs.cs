namespace Telex.Core.Bureaus;

/// <summary>
/// A bureau's epochs and the ways to its members: the secretariat opens an epoch when membership changes, and every
/// message to the members of an epoch goes over the ties this finds.
/// </summary>
internal sealed class BureauEpochs : AgencyService
{
    private readonly TieService _ties;

    public BureauEpochs(AgencyContext context, TieService ties)
        : base(context)
    {
        _ties = ties;
    }

    /// <summary>
    /// At the secretariat: opens the next epoch with every member that has joined or accepted (and not left), and
    /// announces it to each of them and to <paramref name="leaver"/>; sends each of them the bureau's
    /// <paramref name="outcomes"/> when it has set its own.
    /// </summary>
    public BureauChange OpenEpoch(Bureau bureau, IReadOnlyDictionary<string, Tie> ties, DateTimeOffset now, List<BureauLogEntry> log, string? leaver,
        BureauOutcomes? outcomes)
    {
        var members = bureau.Members
            .Select(m => m.State == MemberState.Accepted ? m with { State = MemberState.Joined } : m)
            .Select(m => ties.GetValueOrDefault(m.Did) is { } t ? m with { Name = t.PeerName, Endpoint = t.PeerEndpoint } : m)
            .ToList();
        long number = bureau.Epoch + 1;
        var inEpoch = members.Where(m => m.State == MemberState.Joined)
            .Select(m => m.Did == Identity.Did ? Self(MemberState.Joined) : m).ToList();
        var epoch = new BureauEpoch { BureauId = bureau.Id, Number = number, Members = inEpoch, OpenedAt = now };
        var body = BureauWire.EpochJson(bureau, epoch);
        var outbox = new List<OutboxItem>();
        foreach (string did in inEpoch.Select(m => m.Did).Append(leaver).OfType<string>().Where(d => d != Identity.Did))
        {
            if (ties.GetValueOrDefault(did) is not { Status: TieStatus.Established } tie)
            {
                throw new TelexException(TelexErrorKind.Conflict, $"the secretariat has no established tie with member {BureauWire.NameIn(bureau, did)}");
            }

            outbox.Add(_ties.ControlOutbox(tie, MessageTypes.BureauEpoch, body, thid: bureau.Id.ToString()));
            if (outcomes is not null && did != leaver)
            {
                outbox.Add(BureauOutcomesOutbox(tie, outcomes));
            }
        }

        log.Add(new BureauLogEntry("epoch", Identity.Did, number, inEpoch.Select(m => m.Did).ToList(), now));
        return new BureauChange
        {
            Bureau = bureau with { Epoch = number, Members = members, ChangedAt = now },
            NewEpoch = epoch,
            Log = log,
            Outbox = outbox,
        };
    }

    /// <summary>The bureau and its current epoch; throws unless this agency is a member of that epoch.</summary>
    public async Task<(Bureau Bureau, BureauEpoch Epoch)> CurrentEpochAsync(Guid bureauId, CancellationToken ct)
    {
        var bureau = await Store.Bureaus.GetBureauAsync(bureauId, ct).ConfigureAwait(false) ?? throw new TelexException(TelexErrorKind.NotFound, $"no bureau {bureauId}");
        var epoch = bureau.Status == BureauStatus.Chartered && bureau.Epoch > 0
            ? await Store.Bureaus.GetBureauEpochAsync(bureauId, bureau.Epoch, ct).ConfigureAwait(false)
            : null;
        if (epoch is null || !epoch.Includes(Identity.Did))
        {
            throw new TelexException(TelexErrorKind.Conflict, "this agency is not a member of the bureau's current epoch");
        }

        return (bureau, epoch);
    }

    /// <summary>
    /// How each other member of <paramref name="epoch"/> is reached: today over a direct established tie. Every message to
    /// a bureau's members goes through here, so a relayed route can be chosen in one place. Throws naming every member
    /// that cannot be reached.
    /// </summary>
    public async Task<IReadOnlyList<(string Member, Tie Tie)>> RoutesToMembersAsync(Bureau bureau, BureauEpoch epoch, CancellationToken ct) =>
        RoutesToMembers(await TiesByDidAsync(ct).ConfigureAwait(false), epoch);

    /// <summary>The direct established tie to each other member of <paramref name="epoch"/> among <paramref name="ties"/>; throws when one has none.</summary>
    public List<(string Member, Tie Tie)> RoutesToMembers(IReadOnlyDictionary<string, Tie> ties, BureauEpoch epoch)
    {
        var routes = new List<(string, Tie)>();
        var unreachable = new List<string>();
        foreach (var member in epoch.Members.Where(m => m.Did != Identity.Did))
        {
            if (ties.GetValueOrDefault(member.Did) is { Status: TieStatus.Established } tie)
            {
                routes.Add((member.Did, tie));
            }
            else
            {
                unreachable.Add($"{member.Name} ({BureauWire.Shorten(member.Did)})");
            }
        }

        if (unreachable.Count > 0)
        {
            throw new TelexException(TelexErrorKind.Conflict,
                $"no direct established tie with {unreachable.Count} member(s) of epoch {epoch.Number}: {string.Join(", ", unreachable)}");
        }

        if (routes.Count == 0)
        {
            throw new TelexException(TelexErrorKind.Conflict, string.Create(CultureInfo.InvariantCulture, $"epoch {epoch.Number} has no other member"));
        }

        return routes;
    }

    /// <summary>
    /// The outbox item carrying a bureau's outcomes to one member. A retired term carries <c>"retired": true</c>; a
    /// member that does not read it takes the term as offered, and files changes by it as every member does.
    /// </summary>
    public OutboxItem BureauOutcomesOutbox(Tie member, BureauOutcomes outcomes) =>
        _ties.ControlOutbox(member, MessageTypes.BureauOutcomes, new JsonObject
        {
            ["bureau"] = outcomes.BureauId.ToString(),
            ["version"] = outcomes.Version,
            ["outcomes"] = new JsonArray([.. outcomes.Terms.Select(t =>
            {
                var term = new JsonObject { ["term"] = t.Term, ["means"] = t.Means.ToString().ToLowerInvariant() };
                if (t.Retired)
                {
                    term["retired"] = true;
                }

                return (JsonNode)term;
            })]),
        }, thid: outcomes.BureauId.ToString());

    public BureauMember Self(MemberState state) => new() { Did = Identity.Did, Name = Identity.Name, Endpoint = Identity.Endpoint, State = state };

    public async Task<Dictionary<string, Tie>> TiesByDidAsync(CancellationToken ct) =>
        (await Store.Ties.ListTiesAsync(ct).ConfigureAwait(false)).ToDictionary(t => t.PeerDid, StringComparer.Ordinal);
}
