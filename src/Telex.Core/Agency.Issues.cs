using System.Text.Json.Nodes;

using Telex.Core.Inbound;
using Telex.Core.Model;
using Telex.Core.Protocol;
using Telex.Core.Storage;
using Telex.DidComm.Messages;

namespace Telex.Core;

/// <summary>One item of an issue's history: a change of the issue or a telegram on it.</summary>
/// <param name="At">When (the originating agency's clock).</param>
/// <param name="Event">The change, or null.</param>
/// <param name="Telegram">The telegram, or null.</param>
public sealed record IssueHistoryEntry(DateTimeOffset At, IssueEvent? Event, TelegramRecord? Telegram);

/// <summary>An issue with its changes in clock order and its full history (changes and telegrams) in one order.</summary>
/// <param name="Issue">The issue as it stands.</param>
/// <param name="Events">Its changes, by (clock, agency, id).</param>
/// <param name="Entries">Changes and telegrams: the changes in clock order, each telegram placed before the first change made after its release.</param>
/// <param name="Participants">The agencies taking part besides the counterpart (brought in by referrals).</param>
public sealed record IssueHistory(Issue Issue, IReadOnlyList<IssueEvent> Events, IReadOnlyList<IssueHistoryEntry> Entries,
    IReadOnlyList<IssueParticipant> Participants);

public sealed partial class Agency
{
    /// <summary>Longest issue title.</summary>
    public const int MaxIssueTitleLength = 500;

    /// <summary>Longest outcome text of an issue change.</summary>
    public const int MaxOutcomeLength = 4000;

    /// <summary>Longest name of an agency an issue is referred to.</summary>
    public const int MaxReferredToLength = 500;

    /// <summary>Most events a referral hands over: the opening and the latest others.</summary>
    private const int MaxSharedEvents = 500;

    /// <summary>Most other agencies a referral names as taking part.</summary>
    private const int MaxSharedParticipants = 50;

    /// <summary>
    /// Most agencies an issue is shared with besides this one (its counterpart and those referrals brought in): each takes
    /// part in every change, and a referral's share names them all.
    /// </summary>
    private const int MaxIssueParties = 50;

    /// <summary>Longest issue id accepted from a peer (a UUID is 36).</summary>
    internal const int MaxIssueIdLength = 200;

    /// <summary>
    /// What a peer's issue id may contain: enough for UUIDs and readable ids, and safe in a URL path segment (dots alone are
    /// refused besides: <c>.</c> and <c>..</c> are path steps, and a link to such an issue would lead elsewhere).
    /// </summary>
    private static readonly System.Buffers.SearchValues<char> IssueIdChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    /// <summary>The opening event of a new issue opened here: a fresh id, clock 1, open, the title trimmed. Throws when the title is invalid.</summary>
    private IssueEvent NewOpening(string title, string? officer)
    {
        if (string.IsNullOrWhiteSpace(title) || title.Length > MaxIssueTitleLength)
        {
            throw new TelexException(TelexErrorKind.Invalid, $"an issue needs a title of 1 to {MaxIssueTitleLength} characters");
        }

        return new IssueEvent
        {
            Id = Guid.NewGuid(),
            IssueId = Guid.NewGuid().ToString(),
            Clock = 1,
            Agency = Identity.Did,
            Officer = officer,
            At = Now,
            Status = IssueStatus.Open,
            Title = title.Trim(),
        };
    }

    /// <summary>
    /// Opens an issue with the counterpart: files it with its opening event and announces it over the tie in one
    /// transaction. Throws when the title is invalid or there is no established tie.
    /// </summary>
    public async Task<Issue> OpenIssueAsync(string counterpart, string title, string? officer, CancellationToken ct = default)
    {
        var opening = NewOpening(title, officer);
        var tie = await Store.GetTieAsync(counterpart, ct).ConfigureAwait(false);
        if (tie is not { Status: TieStatus.Established })
        {
            throw new TelexException(TelexErrorKind.Conflict, "no established tie with that agency");
        }

        string id = opening.IssueId;
        var issue = IssueFrom(opening, tie.PeerDid);
        var outbox = ControlOutbox(tie, MessageTypes.IssueOpen, EventJson(opening), thid: id);
        await Store.OpenIssueAsync(issue, opening, outbox, ct).ConfigureAwait(false);
        Wake();
        Log.IssueChanged(_logger, opening.Title!, tie.PeerName, opening);
        Publish("issue.opened", tie.PeerDid);
        return await Store.GetIssueAsync(id, ct).ConfigureAwait(false) ?? issue;
    }

    /// <summary>
    /// The issue a person names: by this agency's short number for it (<c>3</c>) or by its id (never digits only: a
    /// peer's issue id of digits only is refused, so a number always means this agency's numbering).
    /// </summary>
    public async Task<Issue?> FindIssueAsync(string reference, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return IsNumber(reference, out long number)
            ? await Store.GetIssueByNumberAsync(number, ct).ConfigureAwait(false)
            : await Store.GetIssueAsync(reference, ct).ConfigureAwait(false);
    }

    /// <summary>Whether a reference a person gives is a short number (digits only).</summary>
    internal static bool IsNumber(string reference, out long number) =>
        long.TryParse(reference, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out number);

    /// <summary>The outcomes this agency names issue changes by (<see cref="OutcomeVocabulary.Default"/> until its admins change them).</summary>
    public async Task<IReadOnlyList<OutcomeTerm>> OutcomesAsync(CancellationToken ct = default) =>
        OutcomeVocabulary.Parse(await Store.GetSettingAsync(OutcomeVocabulary.SettingKey, ct).ConfigureAwait(false));

    /// <summary>
    /// The outcomes an issue's changes are named by: a bureau's issue by the bureau's (the same at every member), any
    /// other by this agency's. Throws when the issue is unknown.
    /// </summary>
    public async Task<IReadOnlyList<OutcomeTerm>> OutcomesForAsync(Issue issue, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(issue);
        return issue.BureauId is { } bureau ? await BureauOutcomesAsync(bureau, ct).ConfigureAwait(false) : await OutcomesAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Replaces the outcomes this agency names issue changes by. Throws when the vocabulary is not well formed.</summary>
    public async Task SetOutcomesAsync(IReadOnlyList<OutcomeTerm> terms, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(terms);
        if (OutcomeVocabulary.Problem(terms) is { } problem)
        {
            throw new TelexException(TelexErrorKind.Invalid, problem);
        }

        await Store.SetSettingAsync(OutcomeVocabulary.SettingKey, OutcomeVocabulary.Write(terms), ct).ConfigureAwait(false);
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
            return await ChangeBureauIssueStatusAsync(bureauId, issue, outcome, text.Trim(), referredTo?.Trim(), officer, ct).ConfigureAwait(false);
        }

        var tie = await IssueRouteAsync(issue.Counterpart, ct).ConfigureAwait(false)
            ?? throw new TelexException(TelexErrorKind.Conflict,
                "the issue's counterpart cannot be reached: the tie with it is not established, and no relay it is known to be tied with can carry it");

        var participants = await Store.ListIssueParticipantsAsync(issueId, ct).ConfigureAwait(false);
        if (referral && participants.Count + 2 > MaxIssueParties)
        {
            throw new TelexException(TelexErrorKind.Conflict, $"issue {issue.Title} is shared with {MaxIssueParties} agencies already; it cannot be referred to more");
        }

        var referredTie = referral ? await ReferralTargetAsync(issue, tie, participants, referredTo!.Trim(), ct).ConfigureAwait(false) : null;
        var routes = await IssueRoutesAsync(tie, participants, except: referredTie?.PeerDid, ct).ConfigureAwait(false);
        var now = Now;
        var change = await Store.AppendIssueEventAsync(issueId, (current, clock) =>
        {
            var e = new IssueEvent
            {
                Id = Guid.NewGuid(),
                IssueId = issueId,
                Clock = clock,
                Agency = Identity.Did,
                Officer = officer,
                At = now,
                Status = outcome.Means,
                Term = outcome.Term,
                Outcome = text.Trim(),
                ReferredTo = referredTie?.PeerName,
                ReferredToDid = referredTie?.PeerDid,
            };
            var outbox = routes.Select(r => ControlOutbox(r, MessageTypes.IssueStatus, EventJson(e), thid: issueId)).ToList();
            if (referredTie is null)
            {
                return new IssueChange(e, outbox);
            }

            var others = participants.Where(p => p.Did != referredTie.PeerDid).Prepend(new IssueParticipant(issueId, tie.PeerDid, tie.PeerName)).ToList();
            return new IssueChange(e, outbox, new IssueParticipant(issueId, referredTie.PeerDid, referredTie.PeerName),
                events => ControlOutbox(referredTie, MessageTypes.IssueShare, ShareJson(current, events, e, others, shareHistory), thid: issueId));
        }, ct).ConfigureAwait(false) ?? throw new TelexException(TelexErrorKind.NotFound, $"no issue {issueId}");
        Wake();
        Log.IssueChanged(_logger, issue.Title, tie.PeerName, change);
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
        var tie = await Store.GetTieAsync(did, ct).ConfigureAwait(false);
        if (tie is { Status: TieStatus.Established })
        {
            return tie;
        }

        if (tie is not (null or { Status: TieStatus.None }) || await RelayForAsync(did, ct).ConfigureAwait(false) is null)
        {
            return null;
        }

        string name = (await Store.FindDirectoryEntryAsync(did, ct).ConfigureAwait(false))?.Name ?? did;
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
        var events = await Store.ListIssueEventsAsync(issueId, ct).ConfigureAwait(false);
        var filedParticipants = issue.BureauId is null ? await Store.ListIssueParticipantsAsync(issueId, ct).ConfigureAwait(false) : [];
        var tie = issue.BureauId is null ? await Store.GetTieAsync(issue.Counterpart, ct).ConfigureAwait(false) : null;
        var counterpartDids = tie is null ? new HashSet<string>(StringComparer.Ordinal) { issue.Counterpart } : await TieDidsAsync(tie, ct).ConfigureAwait(false);
        var participants = new List<IssueParticipant>();
        foreach (var p in filedParticipants)
        {
            // The name a referral gave is the referring peer's word: an agency tied with this one goes by its tie's name, so
            // no peer can make the issue seem to include an agency it does not.
            var t = await Store.GetTieAsync(p.Did, ct).ConfigureAwait(false);
            counterpartDids.UnionWith(t is not null ? await TieDidsAsync(t, ct).ConfigureAwait(false) : [p.Did]);
            participants.Add(t is null ? p : p with { Name = t.PeerName });
        }

        var telegrams = (await Store.QueryAsync(new RegisterQuery { IssueId = issueId, Limit = 1000 }, ct).ConfigureAwait(false))
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

    private static Issue IssueFrom(IssueEvent opening, string counterpart) => new()
    {
        Id = opening.IssueId,
        Counterpart = counterpart,
        Title = opening.Title!,
        OpenedBy = opening.Agency,
        OpenedAt = opening.At,
        Status = IssueStatus.Open,
        Clock = opening.Clock,
        ChangedAt = opening.At,
    };

    /// <summary>
    /// An issue event as it travels. An event another agency made (passed on to the agencies taking part) names that
    /// agency as <c>agency</c>; the sender's signature vouches for it.
    /// </summary>
    private JsonObject EventJson(IssueEvent e)
    {
        var body = new JsonObject
        {
            ["issue"] = e.IssueId,
            ["event"] = e.Id.ToString(),
            ["clock"] = e.Clock,
            ["status"] = e.Status.ToString().ToLowerInvariant(),
            ["time"] = e.At.ToUnixTimeMilliseconds(),
        };
        foreach (var (name, value) in new[]
        {
            ("title", e.Title), ("outcome", e.Outcome), ("term", e.Term), ("referred_to", e.ReferredTo), ("referred_to_did", e.ReferredToDid),
            ("officer", e.Officer), ("agency", e.Agency == Identity.Did ? null : e.Agency),
        })
        {
            if (value is not null)
            {
                body[name] = value;
            }
        }

        return body;
    }

    /// <summary>Reads an issue event from a peer's message; refuses anything out of bounds.</summary>
    private static IssueEvent ParseEvent(Message message, bool opening) =>
        ParseEvent(message.Body, message.From!, message.Thid, opening, passedOn: false);

    /// <summary>
    /// Reads an issue event; refuses anything out of bounds. The event is the sender's own unless
    /// <paramref name="passedOn"/> allows it to name another agency (<c>agency</c>) that made it.
    /// </summary>
    private static IssueEvent ParseEvent(System.Text.Json.JsonElement b, string sender, string? thid, bool opening, bool passedOn)
    {
        string? issueId = b.StringMember("issue");
        if (issueId is null || issueId.Length is 0 or > MaxIssueIdLength || issueId.AsSpan().ContainsAnyExcept(IssueIdChars) || issueId.All(char.IsAsciiDigit)
            || issueId.All(c => c == '.')
            || (thid is not null && thid != issueId)
            || !Guid.TryParse(b.StringMember("event"), out var eventId)
            || !b.TryIntegerMember("clock", out long clock) || clock < 1 || clock > long.MaxValue / 2
            || !b.TryIntegerMember("time", out long ms))
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "an issue event needs the issue, an event id, a clock and a time");
        }

        string? statusName = b.StringMember("status");
        if (statusName is null || !statusName.All(char.IsAsciiLetterLower) || !Enum.TryParse<IssueStatus>(statusName, ignoreCase: true, out var status))
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "unknown issue status");
        }

        string? title = b.StringMember("title"), outcome = b.StringMember("outcome"), referredTo = b.StringMember("referred_to"), officer = b.StringMember("officer");
        string? term = b.StringMember("term"), referredToDid = b.StringMember("referred_to_did"), agency = b.StringMember("agency");
        bool valid = opening
            ? clock == 1 && status == IssueStatus.Open && title is { Length: > 0 and <= MaxIssueTitleLength } && term is null && referredToDid is null
            : clock > 1 && title is null && outcome is { Length: > 0 and <= MaxOutcomeLength }
              && (status == IssueStatus.Referred ? referredTo is { Length: > 0 and <= MaxReferredToLength } : referredTo is null && referredToDid is null);
        if (!valid || !PeerText.IsOptionalName(officer) || !PeerText.IsOptionalName(referredTo, MaxReferredToLength)
            || (term is not null && !OutcomeVocabulary.IsTerm(term)) || (referredToDid is not null && !IsPeerDid(referredToDid, 8192)))
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", opening
                ? "an opening carries clock 1, status open and a title of at most 500 characters"
                : "a status change carries a clock above 1, an outcome, and an agency referred to exactly when referred");
        }

        if (agency is not null && agency != sender && (!passedOn || !IsPeerDid(agency, 8192)))
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "an issue event names another agency as its maker only where events are passed on");
        }

        return new IssueEvent
        {
            Id = eventId,
            IssueId = issueId,
            Clock = clock,
            Agency = agency ?? sender,
            Officer = officer,
            At = DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(ms, 0, 253_402_300_799_000)),
            Status = status,
            Term = term,
            Title = title,
            Outcome = outcome,
            ReferredTo = referredTo,
            ReferredToDid = referredToDid,
        };
    }

    private async Task HandleIssueOpenAsync(Tie tie, Message message, CancellationToken ct)
    {
        var opening = ParseEvent(message, opening: true);
        if (!await Store.OpenIssueAsync(IssueFrom(opening, tie.PeerDid), opening, null, ct).ConfigureAwait(false))
        {
            var existing = await Store.GetIssueAsync(opening.IssueId, ct).ConfigureAwait(false);
            if (existing is null || !await IsOfTieAsync(tie, existing.Counterpart, ct).ConfigureAwait(false)
                || !await IsOfTieAsync(tie, existing.OpenedBy, ct).ConfigureAwait(false))
            {
                throw new InboundRefusal(RefusalKind.Conflict, "e.p.issue.conflict", "another issue has this id, or another event has this opening's id");
            }

            return;
        }

        Log.IssueChanged(_logger, opening.Title ?? "", tie.PeerName, opening);
        Publish("issue.opened", tie.PeerDid);
    }

    /// <summary>
    /// A change of an issue from an agency taking part in it: its counterpart, or one a referral brought in. The change is
    /// the sender's own, or one it passes on from another agency taking part. A change new here is passed on, in the
    /// transaction that files it, to the other agencies taking part that this agency is tied with.
    /// </summary>
    private async Task HandleIssueStatusAsync(Tie tie, Message message, CancellationToken ct)
    {
        var change = ParseEvent(message.Body, message.From!, message.Thid, opening: false, passedOn: true);
        var issue = await Store.GetIssueAsync(change.IssueId, ct).ConfigureAwait(false);
        if (issue is null)
        {
            // The opening (or the referral bringing this agency in) may still be on its way: the sender's outbox tries again later.
            throw new InboundRefusal(RefusalKind.Conflict, "e.p.issue.unknown", "no such issue here yet");
        }

        var participants = await Store.ListIssueParticipantsAsync(issue.Id, ct).ConfigureAwait(false);
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
            ? new IssueParticipant(issue.Id, referred, await PeerGivenNameAsync(referred, change.ReferredTo, ct).ConfigureAwait(false))
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
        if (await Store.RecordIssueEventAsync(change, onward.Select(t => ControlOutbox(t, MessageTypes.IssueStatus, EventJson(change), thid: issue.Id)).ToList(),
            joins, ct).ConfigureAwait(false))
        {
            if (onward.Count > 0)
            {
                Wake();
            }

            Log.IssueChanged(_logger, issue.Title, tie.PeerName, change);
            Publish("issue.changed", tie.PeerDid);
        }
    }

    /// <summary>Whether the tie's agency takes part in the issue: its counterpart (under any DID it held), or one brought in by a referral.</summary>
    private async Task<bool> TakesPartAsync(Tie tie, Issue issue, IReadOnlyList<IssueParticipant> participants, CancellationToken ct)
    {
        if (await IsOfTieAsync(tie, issue.Counterpart, ct).ConfigureAwait(false))
        {
            return true;
        }

        foreach (var p in participants)
        {
            if (await IsOfTieAsync(tie, p.Did, ct).ConfigureAwait(false))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="did"/> is known here to take part in the issue: its opener, its counterpart or one brought in.</summary>
    private async Task<bool> IsKnownPartyAsync(string did, Issue issue, IReadOnlyList<IssueParticipant> participants, CancellationToken ct)
    {
        if (did == issue.OpenedBy || did == issue.Counterpart || participants.Any(p => p.Did == did))
        {
            return true;
        }

        return await Store.GetTieAsync(did, ct).ConfigureAwait(false) is { } tie && await TakesPartAsync(tie, issue, participants, ct).ConfigureAwait(false);
    }

    private async Task HandleReadAsync(Tie tie, Message message, CancellationToken ct)
    {
        if (!Guid.TryParse(message.Body.StringMember("telegram"), out var id))
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "a read receipt names the telegram");
        }

        var at = message.Body.TryIntegerMember("read_time", out long ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(ms, 0, 253_402_300_799_000))
            : Now;
        if (await Store.MarkReadByCounterpartAsync(id, tie.PeerDid, at, ct).ConfigureAwait(false))
        {
            Publish("telegram.read", tie.PeerDid, id);
        }
    }
}
