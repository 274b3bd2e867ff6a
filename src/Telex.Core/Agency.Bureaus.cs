using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

using Telex.Core.Model;
using Telex.Core.Protocol;

namespace Telex.Core;

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

public sealed partial class Agency
{
    /// <summary>Longest bureau name.</summary>
    public const int MaxBureauNameLength = 200;

    /// <summary>Longest bureau purpose.</summary>
    public const int MaxBureauPurposeLength = 4000;

    /// <summary>Most prospective members of one bureau besides its founder: bounds every charter and epoch a peer may send.</summary>
    public const int MaxBureauMembers = 256;

    /// <summary>Longest member name accepted from a peer.</summary>
    private const int MaxMemberNameLength = 200;

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
        var (named, prospects) = await SortProspectiveAsync(members, ct).ConfigureAwait(false);
        var prospective = named.Where(m => m != Identity.Did).Distinct(StringComparer.Ordinal).ToList();
        if (prospective.Count + prospects.Count is 0 or > MaxBureauMembers)
        {
            throw new TelexException(TelexErrorKind.Invalid, $"a bureau needs 1 to {MaxBureauMembers} prospective members besides its founder");
        }

        var ties = await TiesByDidAsync(ct).ConfigureAwait(false);
        var list = new List<BureauMember> { Self(MemberState.Accepted) };
        foreach (string did in prospective)
        {
            if (!IsPeerDid(did) || !Dids.TryResolve(did, out _))
            {
                throw new TelexException(TelexErrorKind.Invalid, $"prospective member {Shorten(did)} is not an agency DID (did:peer:2)");
            }

            var tie = ties.GetValueOrDefault(did);
            // A prospective member not tied yet is named as the directory knows it.
            var known = tie is null ? await Store.FindDirectoryEntryAsync(did, ct).ConfigureAwait(false) : null;
            list.Add(new BureauMember { Did = did, Name = tie?.PeerName ?? known?.Name ?? did, Endpoint = tie?.PeerEndpoint ?? known?.Endpoint });
        }

        if (rule.Quorum is { } quorum && quorum > prospective.Count + prospects.Count)
        {
            throw new TelexException(TelexErrorKind.Invalid, $"the quorum ({quorum}) exceeds the {prospective.Count + prospects.Count} prospective members");
        }

        if (secretariat is not null && !secretariat.StartsWith("did:", StringComparison.Ordinal))
        {
            secretariat = (await SortProspectiveAsync([secretariat], ct).ConfigureAwait(false)).Dids.FirstOrDefault()
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
        await Store.CreateBureauAsync(new BureauChange
        {
            Bureau = bureau,
            Log = [new BureauLogEntry("proposed", Identity.Did, null, list.Select(m => m.Did).ToList(), now)],
        }, ct).ConfigureAwait(false);
        Publish("bureau.proposed");
        return bureau;
    }

    /// <summary>Finds a bureau; throws when unknown.</summary>
    public async Task<Bureau> GetBureauAsync(Guid id, CancellationToken ct = default) =>
        await Store.GetBureauAsync(id, ct).ConfigureAwait(false) ?? throw new TelexException(TelexErrorKind.NotFound, $"no bureau {id}");

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

        bureau = await SettleProspectsAsync(bureau, ct).ConfigureAwait(false);
        return ReadinessOf(bureau, await TiesByDidAsync(ct).ConfigureAwait(false));
    }

    private static BureauReadiness ReadinessOf(Bureau bureau, IReadOnlyDictionary<string, Tie> ties)
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
        if (await Store.GetBureauAsync(id, ct).ConfigureAwait(false) is { } held && held.Founder == Identity.Did)
        {
            await SettleProspectsAsync(held, ct).ConfigureAwait(false);
        }

        var ties = await TiesByDidAsync(ct).ConfigureAwait(false);
        var now = Now;
        BureauReadiness? premature = null;
        var chartered = await Store.ChangeBureauAsync(id, (bureau, _) =>
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

            var body = CharterJson(bureau, now);
            var outbox = bureau.Members.Where(m => m.Did != Identity.Did && ties.GetValueOrDefault(m.Did) is { Status: TieStatus.Established })
                .Select(m => ControlOutbox(ties[m.Did], MessageTypes.BureauCharter, body, thid: bureau.Id.ToString()))
                .ToList();
            var log = new List<BureauLogEntry> { new("chartered", Identity.Did, null, bureau.Members.Select(m => m.Did).ToList(), now) };
            var next = bureau with { Status = BureauStatus.Chartered, ChangedAt = now };
            BureauEpoch? epoch = null;
            if (bureau.Secretariat == Identity.Did)
            {
                next = next with { Epoch = 1, Members = bureau.Members.Select(m => m.Did == Identity.Did ? m with { State = MemberState.Joined } : m).ToList() };
                epoch = new BureauEpoch { BureauId = bureau.Id, Number = 1, Members = [Self(MemberState.Joined)], OpenedAt = now };
                log.Add(new BureauLogEntry("epoch", Identity.Did, 1, [Identity.Did], now));
            }

            return new BureauChange { Bureau = next, NewEpoch = epoch, Log = log, Outbox = outbox };
        }, ct).ConfigureAwait(false) ?? throw new TelexException(TelexErrorKind.NotFound, $"no bureau {id}");
        if (premature is { } p)
        {
            throw new TelexException(TelexErrorKind.Conflict,
                $"{p.Summary}; missing: {p.MissingText}");
        }

        Wake();
        Publish("bureau.chartered");
        return chartered;
    }

    /// <summary>
    /// Accepts a bureau's charter received here: the acceptance goes to the secretariat, which opens an epoch with this
    /// agency; at the secretariat itself the epoch is opened at once. Throws when the bureau is unknown, not chartered,
    /// this agency is a member already or the secretariat is not tied with it.
    /// </summary>
    public async Task<Bureau> AcceptBureauAsync(Guid id, CancellationToken ct = default)
    {
        var ties = await TiesByDidAsync(ct).ConfigureAwait(false);
        var now = Now;
        var accepted = await Store.ChangeBureauAsync(id, (bureau, _, outcomes) =>
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

            var next = WithState(bureau, Identity.Did, MemberState.Accepted, now);
            var log = new BureauLogEntry("accepted", Identity.Did, null, [], now);
            if (bureau.Secretariat == Identity.Did)
            {
                return OpenEpoch(next, ties, now, [log], leaver: null, outcomes);
            }

            var secretariat = ties.GetValueOrDefault(bureau.Secretariat);
            if (secretariat is not { Status: TieStatus.Established })
            {
                throw new TelexException(TelexErrorKind.Conflict, "no established tie with the bureau's secretariat");
            }

            var join = ControlOutbox(secretariat, MessageTypes.BureauJoin, new JsonObject { ["bureau"] = bureau.Id.ToString() }, thid: bureau.Id.ToString());
            return new BureauChange { Bureau = next, Log = [log], Outbox = [join] };
        }, ct).ConfigureAwait(false) ?? throw new TelexException(TelexErrorKind.NotFound, $"no bureau {id}");
        Wake();
        Publish("bureau.accepted");
        return accepted;
    }

    /// <summary>
    /// Leaves a bureau: the secretariat is told and opens an epoch without this agency; nothing of that epoch on reaches
    /// it. Throws when the bureau is unknown, this agency is not a member, or it is the secretariat.
    /// </summary>
    public async Task<Bureau> LeaveBureauAsync(Guid id, CancellationToken ct = default)
    {
        var ties = await TiesByDidAsync(ct).ConfigureAwait(false);
        var now = Now;
        var left = await Store.ChangeBureauAsync(id, (bureau, _) =>
        {
            if (bureau.Member(Identity.Did) is not { State: MemberState.Accepted or MemberState.Joined })
            {
                throw new TelexException(TelexErrorKind.Conflict, "this agency is not a member of the bureau");
            }

            if (bureau.Secretariat == Identity.Did)
            {
                throw new TelexException(TelexErrorKind.Conflict, "the secretariat cannot leave its bureau");
            }

            var secretariat = ties.GetValueOrDefault(bureau.Secretariat);
            if (secretariat is not { Status: TieStatus.Established })
            {
                throw new TelexException(TelexErrorKind.Conflict, "no established tie with the bureau's secretariat");
            }

            var leave = ControlOutbox(secretariat, MessageTypes.BureauLeave, new JsonObject { ["bureau"] = bureau.Id.ToString() }, thid: bureau.Id.ToString());
            return new BureauChange
            {
                Bureau = WithState(bureau, Identity.Did, MemberState.Left, now),
                Log = [new BureauLogEntry("left", Identity.Did, null, [], now)],
                Outbox = [leave],
            };
        }, ct).ConfigureAwait(false) ?? throw new TelexException(TelexErrorKind.NotFound, $"no bureau {id}");
        Wake();
        Publish("bureau.left");
        return left;
    }

    /// <summary>
    /// At the secretariat: opens the next epoch with every member that has joined or accepted (and not left), and
    /// announces it to each of them and to <paramref name="leaver"/>; sends each of them the bureau's
    /// <paramref name="outcomes"/> when it has set its own.
    /// </summary>
    private BureauChange OpenEpoch(Bureau bureau, IReadOnlyDictionary<string, Tie> ties, DateTimeOffset now, List<BureauLogEntry> log, string? leaver,
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
        var body = EpochJson(bureau, epoch);
        var outbox = new List<OutboxItem>();
        foreach (string did in inEpoch.Select(m => m.Did).Append(leaver).OfType<string>().Where(d => d != Identity.Did))
        {
            if (ties.GetValueOrDefault(did) is not { Status: TieStatus.Established } tie)
            {
                throw new TelexException(TelexErrorKind.Conflict, $"the secretariat has no established tie with member {NameIn(bureau, did)}");
            }

            outbox.Add(ControlOutbox(tie, MessageTypes.BureauEpoch, body, thid: bureau.Id.ToString()));
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
    private async Task<(Bureau Bureau, BureauEpoch Epoch)> CurrentEpochAsync(Guid bureauId, CancellationToken ct)
    {
        var bureau = await GetBureauAsync(bureauId, ct).ConfigureAwait(false);
        var epoch = bureau.Status == BureauStatus.Chartered && bureau.Epoch > 0
            ? await Store.GetBureauEpochAsync(bureauId, bureau.Epoch, ct).ConfigureAwait(false)
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
    private async Task<IReadOnlyList<(string Member, Tie Tie)>> RoutesToMembersAsync(Bureau bureau, BureauEpoch epoch, CancellationToken ct) =>
        RoutesToMembers(await TiesByDidAsync(ct).ConfigureAwait(false), epoch);

    /// <summary>The direct established tie to each other member of <paramref name="epoch"/> among <paramref name="ties"/>; throws when one has none.</summary>
    private List<(string Member, Tie Tie)> RoutesToMembers(IReadOnlyDictionary<string, Tie> ties, BureauEpoch epoch)
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
                unreachable.Add($"{member.Name} ({Shorten(member.Did)})");
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

    /// <summary>Reads a charter's or epoch's member list: at most <see cref="MaxBureauMembers"/> + 1 agency DIDs with names.</summary>
    private static List<BureauMember>? ParseMembers(JsonElement body)
    {
        if (!body.TryGetProperty("members", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() is 0 or > MaxBureauMembers + 1)
        {
            return null;
        }

        var members = new List<BureauMember>();
        foreach (var m in list.EnumerateArray())
        {
            string? did = m.StringMember("did"), name = m.StringMember("name"), endpoint = m.StringMember("endpoint");
            if (did is null || did.Length > 8192 || !IsPeerDid(did) || !PeerText.IsName(name, MaxMemberNameLength)
                || endpoint is { Length: > 2048 } || members.Any(x => x.Did == did))
            {
                return null;
            }

            members.Add(new BureauMember { Did = did, Name = name, Endpoint = endpoint });
        }

        return members;
    }

    private static JsonObject CharterJson(Bureau bureau, DateTimeOffset at) => new()
    {
        ["bureau"] = bureau.Id.ToString(),
        ["name"] = bureau.Name,
        ["purpose"] = bureau.Purpose,
        ["founder"] = bureau.Founder,
        ["secretariat"] = bureau.Secretariat,
        ["rule"] = bureau.Rule.ToString(),
        ["members"] = MembersJson(bureau.Members),
        ["time"] = at.ToUnixTimeMilliseconds(),
    };

    private static JsonObject EpochJson(Bureau bureau, BureauEpoch epoch) => new()
    {
        ["bureau"] = bureau.Id.ToString(),
        ["name"] = bureau.Name,
        ["epoch"] = epoch.Number,
        ["members"] = MembersJson(epoch.Members),
        ["time"] = epoch.OpenedAt.ToUnixTimeMilliseconds(),
    };

    private static JsonArray MembersJson(IEnumerable<BureauMember> members) =>
        new(members.Select(m =>
        {
            var o = new JsonObject { ["did"] = m.Did, ["name"] = m.Name.Length > MaxMemberNameLength ? m.Name[..MaxMemberNameLength] : m.Name };
            if (m.Endpoint is not null)
            {
                o["endpoint"] = m.Endpoint;
            }

            return (JsonNode?)o;
        }).ToArray());

    private BureauMember Self(MemberState state) => new() { Did = Identity.Did, Name = Identity.Name, Endpoint = Identity.Endpoint, State = state };

    private static Bureau WithState(Bureau bureau, string did, MemberState state, DateTimeOffset now) => bureau with
    {
        ChangedAt = now,
        Members = bureau.Members.Select(m => m.Did == did ? m with { State = state } : m).ToList(),
    };

    private async Task<Dictionary<string, Tie>> TiesByDidAsync(CancellationToken ct) =>
        (await Store.ListTiesAsync(ct).ConfigureAwait(false)).ToDictionary(t => t.PeerDid, StringComparer.Ordinal);

    private static string NameIn(Bureau bureau, string did) => bureau.Member(did)?.Name ?? Shorten(did);

    private static string Shorten(string did) => did.Length > 40 ? did[..40] + "…" : did;
}
