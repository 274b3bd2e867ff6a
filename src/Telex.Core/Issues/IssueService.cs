using Telex.Core.Bureaus;
using Telex.Core.Relay;

namespace Telex.Core.Issues;

/// <summary>
/// Issues: threads on one question shared by the agencies taking part, opened and changed here and by peers, each
/// change named by an outcome and sent to every agency taking part; the order of an issue's history; referrals
/// (<see cref="Referrals"/>) that bring a third agency in. A bureau's issues travel as the bureau's traffic
/// (<see cref="BureauTrafficService"/>), named by the bureau's outcomes (<see cref="BureauService"/>).
/// </summary>
public sealed class IssueService : AgencyService
{
    /// <summary>Longest issue title.</summary>
    public const int MaxIssueTitleLength = 500;

    /// <summary>Longest outcome text of an issue change.</summary>
    public const int MaxOutcomeLength = 4000;

    /// <summary>Longest name of an agency an issue is referred to.</summary>
    public const int MaxReferredToLength = 500;

    /// <summary>
    /// Most agencies an issue is shared with besides this one (its counterpart and those referrals brought in): each takes
    /// part in every change, and a referral's share names them all.
    /// </summary>
    internal const int MaxIssueParties = 50;

    private readonly TieService _ties;
    private readonly DirectoryService _directory;
    private readonly RelayService _relays;
    private readonly BureauService _bureaus;
    private readonly BureauTrafficService _traffic;
    private readonly Referrals _referrals;

    internal IssueService(AgencyContext context, TieService ties, DirectoryService directory, RelayService relays, BureauService bureaus, BureauTrafficService traffic)
        : base(context)
    {
        _ties = ties;
        _directory = directory;
        _relays = relays;
        _bureaus = bureaus;
        _traffic = traffic;
        _referrals = new Referrals(context, directory, relays, this);
    }

    /// <summary>
    /// Opens an issue with the counterpart: files it with its opening event and announces it over the tie in one
    /// transaction. Throws when the title is invalid or there is no established tie.
    /// </summary>
    public async Task<Issue> OpenIssueAsync(string counterpart, string title, string? officer, CancellationToken ct = default)
    {
        var opening = IssueWire.NewOpening(title, officer, Identity.Did, Now);
        var tie = await Store.Ties.GetTieAsync(counterpart, ct).ConfigureAwait(false);
        if (tie is not { Status: TieStatus.Established })
        {
            throw new TelexException(TelexErrorKind.Conflict, "no established tie with that agency");
        }

        string id = opening.IssueId;
        var issue = IssueWire.IssueFrom(opening, tie.PeerDid);
        var outbox = _ties.ControlOutbox(tie, MessageTypes.IssueOpen, IssueWire.EventJson(opening, Identity.Did), thid: id);
        await Store.Issues.OpenIssueAsync(issue, opening, outbox, ct).ConfigureAwait(false);
        Context.Wake();
        Log.IssueChanged(Logger, opening.Title!, tie.PeerName, opening);
        Publish("issue.opened", tie.PeerDid);
        return await Store.Issues.GetIssueAsync(id, ct).ConfigureAwait(false) ?? issue;
    }

    /// <summary>
    /// The issue a person names: by this agency's short number for it (<c>3</c>) or by its id (never digits only: a
    /// peer's issue id of digits only is refused, so a number always means this agency's numbering).
    /// </summary>
    public async Task<Issue?> FindIssueAsync(string reference, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return IsNumber(reference, out long number)
            ? await Store.Issues.GetIssueByNumberAsync(number, ct).ConfigureAwait(false)
            : await Store.Issues.GetIssueAsync(reference, ct).ConfigureAwait(false);
    }

    /// <summary>Whether a reference a person gives is a short number (digits only).</summary>
    internal static bool IsNumber(string reference, out long number) =>
        long.TryParse(reference, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out number);

    /// <summary>The outcomes this agency names issue changes by (<see cref="OutcomeVocabulary.Default"/> until its admins change them).</summary>
    public async Task<IReadOnlyList<OutcomeTerm>> OutcomesAsync(CancellationToken ct = default) =>
        OutcomeVocabulary.Parse(await Store.Settings.GetSettingAsync(OutcomeVocabulary.SettingKey, ct).ConfigureAwait(false));

    /// <summary>
    /// The outcomes an issue's changes are named by: a bureau's issue by the bureau's (the same at every member), any
    /// other by this agency's. Throws when the issue is unknown.
    /// </summary>
    public async Task<IReadOnlyList<OutcomeTerm>> OutcomesForAsync(Issue issue, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(issue);
        return issue.BureauId is { } bureau ? await _bureaus.BureauOutcomesAsync(bureau, ct).ConfigureAwait(false) : await OutcomesAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Replaces the outcomes this agency names issue changes by. Throws when the vocabulary is not well formed.</summary>
    public async Task SetOutcomesAsync(IReadOnlyList<OutcomeTerm> terms, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(terms);
        if (OutcomeVocabulary.Problem(terms) is { } problem)
        {
            throw new TelexException(TelexErrorKind.Invalid, problem);
        }

        await Store.Settings.SetSettingAsync(OutcomeVocabulary.SettingKey, OutcomeVocabulary.Write(terms), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Changes an issue's status by the status's own name as an outcome term (<c>open</c>, <c>deferred</c>, <c>agreed</c>,
    /// <c>referred</c>, <c>closed</c>), as <see cref="ChangeIssueAsync"/> does.
    /// </summary>
    public Task<IssueEvent> ChangeIssueStatusAsync(string reference, IssueStatus status, string? outcome, string? referredTo, string? officer,
        CancellationToken ct = default) =>
        Enum.IsDefined(status)
            ? ChangeIssueAsync(reference, status.ToString().ToLowerInvariant(), outcome, referredTo, officer, shareHistory: true, ct)
            : throw new TelexException(TelexErrorKind.Invalid, "status must be open, deferred, agreed, referred or closed");

    /// <summary>
    /// Changes an issue with an outcome of this agency's vocabulary (a bureau's issue: of the bureau's; <paramref name="term"/>,
    /// e.g. <c>premature</c>) and its text: files the change with the next clock and sends it, in one transaction, to every
    /// agency taking part. An outcome meaning <see cref="IssueStatus.Referred"/> names a tied agency, or one of the
    /// directory a relay reaches (<paramref name="referredTo"/>, by name or DID), and brings it into the issue: it receives the issue with its history (all of it, or with
    /// <paramref name="shareHistory"/> false only the opening and the referral), and telegrams on the issue may then go
    /// to it. A bureau's issue already reaches every member: there the agency referred to is only named. Throws when
    /// the input is invalid, the issue unknown or a tie it needs not established.
    /// </summary>
    public async Task<IssueEvent> ChangeIssueAsync(string reference, string term, string? text, string? referredTo, string? officer, bool shareHistory = true,
        CancellationToken ct = default)
    {
        var issue = await FindIssueAsync(reference, ct).ConfigureAwait(false)
            ?? throw new TelexException(TelexErrorKind.NotFound, $"no issue {reference}");

        var vocabulary = await OutcomesForAsync(issue, ct).ConfigureAwait(false);
        string offered = $"{(issue.BureauId is null ? "this agency's" : "the bureau's")} outcomes ({string.Join(", ", vocabulary.Where(t => !t.Retired).Select(t => t.Term))})";
        var outcome = vocabulary.FirstOrDefault(t => t.Term == term?.Trim().ToLowerInvariant())
            ?? throw new TelexException(TelexErrorKind.Invalid, $"\"{term}\" is not one of {offered}");
        if (outcome.Retired)
        {
            throw new TelexException(TelexErrorKind.Invalid, $"\"{outcome.Term}\" is retired: it is no longer one of {offered} for a new change");
        }
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxOutcomeLength)
        {
            throw new TelexException(TelexErrorKind.Invalid, $"a change of an issue needs a text of 1 to {MaxOutcomeLength} characters: what was decided or why");
        }

        bool referral = outcome.Means == IssueStatus.Referred;
        if (referral && (string.IsNullOrWhiteSpace(referredTo) || referredTo.Length > MaxReferredToLength))
        {
            throw new TelexException(TelexErrorKind.Invalid, $"a referral names the agency it is referred to (1 to {MaxReferredToLength} characters)");
        }

        if (!referral && referredTo is not null)
        {
            throw new TelexException(TelexErrorKind.Invalid, "only a referral names an agency referred to");
        }

        string issueId = issue.Id;
        if (issue.BureauId is { } bureauId)
        {
            return await _traffic.ChangeBureauIssueStatusAsync(bureauId, issue, outcome, text.Trim(), referredTo?.Trim(), officer, ct).ConfigureAwait(false);
        }

        var tie = await IssueRouteAsync(issue.Counterpart, ct).ConfigureAwait(false)
            ?? throw new TelexException(TelexErrorKind.Conflict,
                "the issue's counterpart cannot be reached: the tie with it is not established, and no relay it is known to be tied with can carry it");

        var participants = await Store.Issues.ListIssueParticipantsAsync(issueId, ct).ConfigureAwait(false);
        if (referral && participants.Count + 2 > MaxIssueParties)
        {
            throw new TelexException(TelexErrorKind.Conflict, $"issue {issue.Title} is shared with {MaxIssueParties} agencies already; it cannot be referred to more");
        }

        var referredTie = referral ? await _referrals.ReferralTargetAsync(issue, tie, participants, referredTo!.Trim(), ct).ConfigureAwait(false) : null;
        var routes = await IssueRoutesAsync(tie, participants, except: referredTie?.PeerDid, ct).ConfigureAwait(false);
        var now = Now;
        var change = await Store.Issues.AppendIssueEventAsync(issueId, (current, clock) =>
        {
            var e = IssueWire.NewChange(issueId, clock, Identity.Did, officer, now, outcome, text.Trim(), referredTie?.PeerName, referredTie?.PeerDid);
            var outbox = routes.Select(r => _ties.ControlOutbox(r, MessageTypes.IssueStatus, IssueWire.EventJson(e, Identity.Did), thid: issueId)).ToList();
            if (referredTie is null)
            {
                return new IssueChange(e, outbox);
            }

            var others = participants.Where(p => p.Did != referredTie.PeerDid).Prepend(new IssueParticipant(issueId, tie.PeerDid, tie.PeerName)).ToList();
            return new IssueChange(e, outbox, new IssueParticipant(issueId, referredTie.PeerDid, referredTie.PeerName),
                events => _ties.ControlOutbox(referredTie, MessageTypes.IssueShare, _referrals.ShareJson(current, events, e, others, shareHistory), thid: issueId));
        }, ct).ConfigureAwait(false) ?? throw new TelexException(TelexErrorKind.NotFound, $"no issue {issueId}");
        Context.Wake();
        Log.IssueChanged(Logger, issue.Title, tie.PeerName, change);
        Publish("issue.changed", tie.PeerDid);
        return change;
    }

    /// <summary>
    /// How this agency reaches an agency taking part in an issue: over an established tie, or, without a tie (or with one
    /// of status none), through a relay the directory knows it is tied with (the outbox chooses the relay when it sends).
    /// Null when neither.
    /// </summary>
    private async Task<Tie?> IssueRouteAsync(string did, CancellationToken ct)
    {
        var tie = await Store.Ties.GetTieAsync(did, ct).ConfigureAwait(false);
        if (tie is { Status: TieStatus.Established })
        {
            return tie;
        }

        if (tie is not (null or { Status: TieStatus.None }) || await _relays.RelayForAsync(did, ct).ConfigureAwait(false) is null)
        {
            return null;
        }

        string name = (await Store.Directory.FindDirectoryEntryAsync(did, ct).ConfigureAwait(false))?.Name ?? did;
        return tie ?? new Tie { PeerDid = did, PeerName = name, PeerEndpoint = "", Status = TieStatus.None };
    }

    /// <summary>
    /// The ways a change of an issue goes: to its counterpart, and to the agencies taking part that this agency reaches
    /// itself, over an established tie or through a relay (others hear of it from the agency that brought them in).
    /// </summary>
    private async Task<List<Tie>> IssueRoutesAsync(Tie counterpart, IReadOnlyList<IssueParticipant> participants, string? except, CancellationToken ct)
    {
        var routes = new List<Tie> { counterpart };
        foreach (var p in participants.Where(p => p.Did != except))
        {
            if (await IssueRouteAsync(p.Did, ct).ConfigureAwait(false) is { } t && routes.All(r => r.PeerDid != t.PeerDid))
            {
                routes.Add(t);
            }
        }

        return routes;
    }

    /// <summary>
    /// An issue's full history: its changes and the telegrams naming it, in the same order at both ends. Only telegrams
    /// exchanged with the agencies taking part (under any DID each has held), or a bureau issue's bulletins, belong to it:
    /// a telegram from anyone else that names the issue (filed before such telegrams were refused) is left out.
    /// </summary>
    public async Task<IssueHistory> IssueHistoryAsync(string reference, CancellationToken ct = default)
    {
        var issue = await FindIssueAsync(reference, ct).ConfigureAwait(false)
            ?? throw new TelexException(TelexErrorKind.NotFound, $"no issue {reference}");
        string issueId = issue.Id;
        var events = await Store.Issues.ListIssueEventsAsync(issueId, ct).ConfigureAwait(false);
        var filedParticipants = issue.BureauId is null ? await Store.Issues.ListIssueParticipantsAsync(issueId, ct).ConfigureAwait(false) : [];
        var tie = issue.BureauId is null ? await Store.Ties.GetTieAsync(issue.Counterpart, ct).ConfigureAwait(false) : null;
        var counterpartDids = tie is null ? new HashSet<string>(StringComparer.Ordinal) { issue.Counterpart } : await _directory.TieDidsAsync(tie, ct).ConfigureAwait(false);
        var participants = new List<IssueParticipant>();
        foreach (var p in filedParticipants)
        {
            // The name a referral gave is the referring peer's word: an agency tied with this one goes by its tie's name, so
            // no peer can make the issue seem to include an agency it does not.
            var t = await Store.Ties.GetTieAsync(p.Did, ct).ConfigureAwait(false);
            counterpartDids.UnionWith(t is not null ? await _directory.TieDidsAsync(t, ct).ConfigureAwait(false) : [p.Did]);
            participants.Add(t is null ? p : p with { Name = t.PeerName });
        }

        var telegrams = (await Store.Register.QueryAsync(new RegisterQuery { IssueId = issueId, Limit = 1000 }, ct).ConfigureAwait(false))
            .Where(t => issue.BureauId is { } bureau ? t.BureauId == bureau : t.BureauId is null && counterpartDids.Contains(t.Counterpart))
            .OrderBy(t => t.ReleasedAt).ThenBy(t => t.Id).ToList();

        // Both registers hold the same events and the same release times, so this merge gives the same list at both ends.
        var entries = new List<IssueHistoryEntry>();
        int next = 0;
        foreach (var e in events)
        {
            for (; next < telegrams.Count && telegrams[next].ReleasedAt < e.At; next++)
            {
                entries.Add(new IssueHistoryEntry(telegrams[next].ReleasedAt, null, telegrams[next]));
            }

            entries.Add(new IssueHistoryEntry(e.At, e, null));
        }

        entries.AddRange(telegrams.Skip(next).Select(t => new IssueHistoryEntry(t.ReleasedAt, null, t)));
        return new IssueHistory(issue, events, entries, participants);
    }

    private async Task HandleIssueOpenAsync(Tie tie, Message message, CancellationToken ct)
    {
        var opening = IssueWire.ParseEvent(message, opening: true);
        if (!await Store.Issues.OpenIssueAsync(IssueWire.IssueFrom(opening, tie.PeerDid), opening, null, ct).ConfigureAwait(false))
        {
            var existing = await Store.Issues.GetIssueAsync(opening.IssueId, ct).ConfigureAwait(false);
            if (existing is null || !await _directory.IsOfTieAsync(tie, existing.Counterpart, ct).ConfigureAwait(false)
                || !await _directory.IsOfTieAsync(tie, existing.OpenedBy, ct).ConfigureAwait(false))
            {
                throw new InboundRefusal(RefusalKind.Conflict, "e.p.issue.conflict", "another issue has this id, or another event has this opening's id");
            }

            return;
        }

        Log.IssueChanged(Logger, opening.Title ?? "", tie.PeerName, opening);
        Publish("issue.opened", tie.PeerDid);
    }

    /// <summary>
    /// A change of an issue from an agency taking part in it: its counterpart, or one a referral brought in. The change is
    /// the sender's own, or one it passes on from another agency taking part. A change new here is passed on, in the
    /// transaction that files it, to the other agencies taking part that this agency is tied with.
    /// </summary>
    private async Task HandleIssueStatusAsync(Tie tie, Message message, CancellationToken ct)
    {
        var change = IssueWire.ParseEvent(message.Body, message.From!, message.Thid, opening: false, passedOn: true);
        var issue = await Store.Issues.GetIssueAsync(change.IssueId, ct).ConfigureAwait(false);
        if (issue is null)
        {
            // The opening (or the referral bringing this agency in) may still be on its way: the sender's outbox tries again later.
            throw new InboundRefusal(RefusalKind.Conflict, "e.p.issue.unknown", "no such issue here yet");
        }

        var participants = await Store.Issues.ListIssueParticipantsAsync(issue.Id, ct).ConfigureAwait(false);
        if (issue.BureauId is not null || !await TakesPartAsync(tie, issue, participants, ct).ConfigureAwait(false))
        {
            throw new InboundRefusal(RefusalKind.Forbidden, "e.p.issue.other-tie", "the issue belongs to another tie");
        }

        if (change.Agency == Identity.Did)
        {
            throw new InboundRefusal(RefusalKind.Forbidden, "e.p.issue.forged", "a change of an issue passed on as this agency's own");
        }

        if (change.Agency != tie.PeerDid && !await IsKnownPartyAsync(change.Agency, issue, participants, ct).ConfigureAwait(false))
        {
            // The referral that brought the maker in may still be on its way: the sender's outbox tries again later.
            throw new InboundRefusal(RefusalKind.Conflict, "e.p.issue.unknown-party", "the change is passed on from an agency not known here to take part in the issue");
        }

        IssueParticipant? joins = change.ReferredToDid is { } referred && referred != Identity.Did
            && !await IsKnownPartyAsync(referred, issue, participants, ct).ConfigureAwait(false)
            ? new IssueParticipant(issue.Id, referred, await _directory.PeerGivenNameAsync(referred, change.ReferredTo, ct).ConfigureAwait(false))
            : null;
        if (joins is not null && participants.Count + 2 > MaxIssueParties)
        {
            throw new InboundRefusal(RefusalKind.Conflict, "e.p.issue.full", $"the issue is shared with {MaxIssueParties} agencies here already; a referral cannot bring in more");
        }

        var counterpart = await IssueRouteAsync(issue.Counterpart, ct).ConfigureAwait(false);
        var onward = counterpart is not null
            ? (await IssueRoutesAsync(counterpart, participants, except: null, ct).ConfigureAwait(false))
                .Where(t => t.PeerDid != tie.PeerDid && t.PeerDid != change.Agency).ToList()
            : [];
        if (await Store.Issues.RecordIssueEventAsync(change, onward.Select(t => _ties.ControlOutbox(t, MessageTypes.IssueStatus, IssueWire.EventJson(change, Identity.Did), thid: issue.Id)).ToList(),
            joins, ct).ConfigureAwait(false))
        {
            if (onward.Count > 0)
            {
                Context.Wake();
            }

            Log.IssueChanged(Logger, issue.Title, tie.PeerName, change);
            Publish("issue.changed", tie.PeerDid);
        }
    }

    /// <summary>Whether the tie's agency takes part in the issue: its counterpart (under any DID it held), or one brought in by a referral.</summary>
    internal async Task<bool> TakesPartAsync(Tie tie, Issue issue, IReadOnlyList<IssueParticipant> participants, CancellationToken ct)
    {
        if (await _directory.IsOfTieAsync(tie, issue.Counterpart, ct).ConfigureAwait(false))
        {
            return true;
        }

        foreach (var p in participants)
        {
            if (await _directory.IsOfTieAsync(tie, p.Did, ct).ConfigureAwait(false))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the issue is shared with the sender of a telegram on it: a bureau's issue with a bulletin of that bureau
    /// (whose sender is checked to be a member), any other issue with the agencies taking part in it (its counterpart,
    /// under any DID it has held, and those referrals brought in).
    /// </summary>
    internal async Task<bool> IsSharedWithAsync(Issue issue, Tie sender, Guid? bureauId, CancellationToken ct) =>
        issue.BureauId is { } issueBureau
            ? bureauId == issueBureau
            : bureauId is null && await TakesPartAsync(sender, issue, await Store.Issues.ListIssueParticipantsAsync(issue.Id, ct).ConfigureAwait(false), ct)
                .ConfigureAwait(false);

    /// <summary>Whether <paramref name="did"/> is known here to take part in the issue: its opener, its counterpart or one brought in.</summary>
    internal async Task<bool> IsKnownPartyAsync(string did, Issue issue, IReadOnlyList<IssueParticipant> participants, CancellationToken ct)
    {
        if (did == issue.OpenedBy || did == issue.Counterpart || participants.Any(p => p.Did == did))
        {
            return true;
        }

        return await Store.Ties.GetTieAsync(did, ct).ConfigureAwait(false) is { } tie && await TakesPartAsync(tie, issue, participants, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// A referral or a change of an issue from an agency without a tie, delivered by <paramref name="relay"/>. It is
    /// judged as one over a tie would be: a referral must end with the sender's own referral naming this agency (so an
    /// agency the relay's policy lets reach this one can hand it an issue, as it can a telegram), and a change must come
    /// from an agency taking part in an issue held here. A referral enters its sender in the directory as tied with the
    /// relay, so what this agency sends on the issue goes back the way it came.
    /// </summary>
    private async Task HandleRelayedIssueAsync(Tie relay, Tie? originTie, Message message, CancellationToken ct)
    {
        string from = message.From!;
        var known = await Store.Directory.FindDirectoryEntryAsync(from, ct).ConfigureAwait(false);
        string? senderName = message.Body.ValueKind == JsonValueKind.Object ? message.Body.StringMember("sender_name") : null;
        string name = known is { } e && e.Did == from ? e.Name
            : PeerText.IsName(senderName, MaxReferredToLength) ? senderName : from;
        var sender = originTie ?? new Tie { PeerDid = from, PeerName = name, PeerEndpoint = "", Status = TieStatus.None, Terms = relay.Terms };
        if (message.Type == MessageTypes.IssueShare)
        {
            await _referrals.HandleIssueShareAsync(sender, message, ct).ConfigureAwait(false);
            await _directory.RecordFirstContactAsync(from, name, relay.PeerDid, ct).ConfigureAwait(false);
        }
        else
        {
            await HandleIssueStatusAsync(sender, message, ct).ConfigureAwait(false);
        }
    }

    /// <summary>An issue by its id; null when unknown.</summary>
    public Task<Issue?> GetIssueAsync(string id, CancellationToken ct = default) => Store.Issues.GetIssueAsync(id, ct);

    /// <summary>Issues matching <paramref name="query"/>, most recently changed first.</summary>
    public Task<IReadOnlyList<Issue>> ListIssuesAsync(IssueQuery query, CancellationToken ct = default) => Store.Issues.ListIssuesAsync(query, ct);

    /// <summary>Registers the handlers of the issue protocol's messages with the gate, over a tie and through a relay.</summary>
    internal void RegisterHandlers(InboundHandlers handlers)
    {
        handlers.Direct.Add(MessageTypes.IssueOpen, (m, ct) => HandleIssueOpenAsync(m.SenderTie, m.Message, ct));
        handlers.Direct.Add(MessageTypes.IssueStatus, (m, ct) => HandleIssueStatusAsync(m.SenderTie, m.Message, ct));
        handlers.Direct.Add(MessageTypes.IssueShare, (m, ct) => _referrals.HandleIssueShareAsync(m.SenderTie, m.Message, ct));
        handlers.Relayed.Add(MessageTypes.IssueShare, (m, ct) => HandleRelayedIssueAsync(m.Relay!, m.Tie, m.Message, ct));
        handlers.Relayed.Add(MessageTypes.IssueStatus, (m, ct) => HandleRelayedIssueAsync(m.Relay!, m.Tie, m.Message, ct));
    }
}
