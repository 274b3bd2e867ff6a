using Telex.Core.Relay;

namespace Telex.Core.Issues;

/// <summary>
/// Referral: an issue brought to a third agency, tied or reached through a relay, with the history the referring side
/// shares (<c>issue/1.0/share</c>); and the receiving side, which files a share only as far as the changes passed on one
/// by one could have filed it.
/// </summary>
internal sealed class Referrals(AgencyContext context, DirectoryService directory, RelayService relays, IssueService issues) : AgencyService(context)
{
    /// <summary>Most events a referral hands over: the opening and the latest others.</summary>
    private const int MaxSharedEvents = 500;

    /// <summary>Most other agencies a referral names as taking part.</summary>
    private const int MaxSharedParticipants = 50;

    /// <summary>
    /// The agency a referral names: an established tie (by DID, or by name, ignoring case, once its fingerprint is
    /// confirmed), else an agency of the directory without a tie that a relay it is known to be tied with reaches (by DID,
    /// or by the name an officer entered it under); another agency than the issue's counterpart and
    /// those already taking part. Throws naming where to look when there is none.
    /// </summary>
    internal async Task<Tie> ReferralTargetAsync(Issue issue, Tie counterpart, IReadOnlyList<IssueParticipant> participants, string referredTo,
        CancellationToken ct)
    {
        // A tie's name is its agency's own claim, and two ties may go by one: the issue goes to neither until the officer
        // names the one meant by its DID.
        var named = (await Store.Ties.ListTiesAsync(ct).ConfigureAwait(false)).Where(t => t.Status == TieStatus.Established
            && (string.Equals(t.PeerName, referredTo, StringComparison.OrdinalIgnoreCase) || t.PeerDid == referredTo)).ToList();
        if (named.Count > 1)
        {
            throw new TelexException(TelexErrorKind.Invalid,
                $"{named.Count} tied agencies go by the name \"{referredTo}\": refer the issue to the one meant by its DID (telex tie list shows them, telex tie list --json their DIDs)");
        }

        // By name, as a telegram's recipient: only a tie whose fingerprint its officers confirmed.
        if (named is [{ Verified: false } unconfirmed] && unconfirmed.PeerDid != referredTo)
        {
            throw new TelexException(TelexErrorKind.Conflict,
                $"the fingerprint of the tie with \"{unconfirmed.PeerName}\" has not been confirmed: confirm it (telex tie verify) or refer the issue to the agency by its DID");
        }

        var target = named.SingleOrDefault()
            ?? await RelayedReferralTargetAsync(referredTo, ct).ConfigureAwait(false)
            ?? throw new TelexException(TelexErrorKind.Conflict,
                $"no agency named \"{referredTo}\" to refer the issue to: an issue is referred to a tied agency (telex tie list shows them), "
                + "or to one in the directory that a relay it is known to be tied with reaches (telex directory shows them)");
        if (target.PeerDid == counterpart.PeerDid)
        {
            throw new TelexException(TelexErrorKind.Conflict, $"{target.PeerName} is the issue's counterpart already");
        }

        foreach (var p in participants)
        {
            if (await directory.IsOfTieAsync(target, p.Did, ct).ConfigureAwait(false))
            {
                throw new TelexException(TelexErrorKind.Conflict, $"{target.PeerName} takes part in issue {issue.Title} already");
            }
        }

        return target;
    }

    /// <summary>
    /// An agency of the directory, named by its DID or by the name of an entry an officer entered with its DID (another
    /// entry's name is refused: it may be a stranger's claim), that has no tie here (or one of status none) and that a
    /// relay reaches: its tie of status none as the referral's target (saved, so its name stays known). Null when
    /// there is no such agency.
    /// </summary>
    private async Task<Tie?> RelayedReferralTargetAsync(string referredTo, CancellationToken ct)
    {
        if (await Store.Directory.FindDirectoryEntryAsync(referredTo, ct).ConfigureAwait(false) is not { Did: { } did } entry || did == Identity.Did
            || await relays.RelayForAsync(did, ct).ConfigureAwait(false) is null)
        {
            return null;
        }

        // An entry's name may be the one a sender heard of through a relay gave itself: such an agency is named by its DID,
        // unless an officer entered the name with the DID.
        if (did != referredTo && !entry.EnteredByOfficer)
        {
            throw new TelexException(TelexErrorKind.Conflict,
                $"\"{referredTo}\" is in the directory but is no tie whose fingerprint was confirmed, so the name may be one a stranger gave itself: refer the issue to the agency by its DID");
        }

        var tie = await Store.Ties.GetTieAsync(did, ct).ConfigureAwait(false);
        if (tie is not null)
        {
            return tie.Status == TieStatus.None ? tie : null;
        }

        string endpoint = entry.Endpoint ?? (Dids.TryResolve(did, out var doc) && doc.Services.Count > 0 ? doc.Services[0].Uri : "");
        tie = new Tie { PeerDid = did, PeerName = entry.Name, PeerEndpoint = endpoint, Status = TieStatus.None };
        await Store.Ties.SaveTieAsync(tie, ct).ConfigureAwait(false);
        return tie;
    }

    /// <summary>
    /// What hands an issue to the agency a referral brings in: the issue, its events (all, or only the opening and the
    /// referral), each naming the agency that made it, and the other agencies taking part with their names.
    /// </summary>
    internal JsonObject ShareJson(Issue issue, IReadOnlyList<IssueEvent> events, IssueEvent referral, IReadOnlyList<IssueParticipant> others, bool all)
    {
        var shared = events.Where(e => all || e.IsOpening || e.Id == referral.Id).ToList();
        if (shared.Count > MaxSharedEvents)
        {
            shared = [.. shared.Where(e => e.IsOpening), .. shared.Where(e => !e.IsOpening).TakeLast(MaxSharedEvents - 1)];
        }

        var list = new JsonArray();
        foreach (var e in shared)
        {
            var json = IssueWire.EventJson(e, Identity.Did);
            json["agency"] = e.Agency;
            list.Add(json);
        }

        var participants = new JsonArray();
        foreach (var p in others)
        {
            participants.Add(new JsonObject { ["did"] = p.Did, ["name"] = p.Name });
        }

        return new JsonObject { ["issue"] = issue.Id, ["events"] = list, ["participants"] = participants, ["sender_name"] = Identity.Name };
    }

    /// <summary>
    /// An issue handed to this agency by a referral: filed with the history the referrer chose to send and the
    /// agencies taking part. The referrer is the sender, the last shared event is its referral naming this agency, and
    /// the issue (when held here already) must be one the sender takes part in.
    /// </summary>
    internal async Task HandleIssueShareAsync(Tie tie, Message message, CancellationToken ct)
    {
        var b = message.Body;
        string? issueId = b.StringMember("issue");
        if (issueId is null || message.Thid != issueId || !b.TryGetProperty("events", out var list) || list.ValueKind != JsonValueKind.Array
            || list.GetArrayLength() is 0 or > MaxSharedEvents
            || !b.TryGetProperty("participants", out var others) || others.ValueKind != JsonValueKind.Array
            || others.GetArrayLength() > MaxSharedParticipants)
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", $"a referral hands over the issue, 1 to {MaxSharedEvents} events and at most {MaxSharedParticipants} agencies taking part");
        }

        var events = new List<IssueEvent>();
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "a shared event is an object");
            }

            bool opening = item.StringMember("title") is not null;
            var e = IssueWire.ParseEvent(item, tie.PeerDid, issueId, opening, passedOn: true);
            if (events.Any(x => x.Id == e.Id))
            {
                throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "a shared event appears twice");
            }

            events.Add(e);
        }

        var openings = events.Where(e => e.IsOpening).ToList();
        var referral = events.Where(e => !e.IsOpening).Max(IssueEvent.Order);
        if (openings.Count != 1 || referral is not { Status: IssueStatus.Referred } || referral.ReferredToDid != Identity.Did || referral.Agency != tie.PeerDid)
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "a referral hands over one opening and ends with the sender's referral naming this agency");
        }

        // This agency's own events may come back in a history only as they are filed here: none may be made up for it.
        var filed = await Store.Issues.ListIssueEventsAsync(issueId, ct).ConfigureAwait(false);
        var ownFiled = filed.Where(e => e.Agency == Identity.Did).Select(e => e.Id).ToHashSet();
        if (events.Any(e => e.Agency == Identity.Did && !ownFiled.Contains(e.Id)))
        {
            throw new InboundRefusal(RefusalKind.Forbidden, "e.p.issue.forged", "a referral passes on a change or an opening as this agency's own that it did not make");
        }

        var participants = new List<IssueParticipant>();
        foreach (var p in others.EnumerateArray())
        {
            string? did = p.ValueKind == JsonValueKind.Object ? p.StringMember("did") : null;
            string? name = p.ValueKind == JsonValueKind.Object ? p.StringMember("name") : null;
            if (did is null || !IssueWire.IsPeerDid(did) || !PeerText.IsName(name, IssueService.MaxReferredToLength) || participants.Any(x => x.Did == did))
            {
                throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "an agency taking part is named by its DID and a name");
            }

            if (did != Identity.Did && did != tie.PeerDid)
            {
                participants.Add(new IssueParticipant(issueId, did, await directory.PeerGivenNameAsync(did, name, ct).ConfigureAwait(false)));
            }
        }

        var existing = await Store.Issues.GetIssueAsync(issueId, ct).ConfigureAwait(false);
        if (existing is not null && (existing.BureauId is not null
            || !await issues.TakesPartAsync(tie, existing, await Store.Issues.ListIssueParticipantsAsync(issueId, ct).ConfigureAwait(false), ct).ConfigureAwait(false)))
        {
            throw new InboundRefusal(RefusalKind.Conflict, "e.p.issue.conflict", "another issue has this id here");
        }

        var opened = openings[0];
        if (existing is not null && (existing.Title != opened.Title || existing.OpenedBy != opened.Agency))
        {
            throw new InboundRefusal(RefusalKind.Conflict, "e.p.issue.conflict", "the issue held here under this id was opened otherwise");
        }

        if (existing is not null)
        {
            participants = await HeldIssueShareAsync(tie, existing, events, filed, ct).ConfigureAwait(false);
        }

        if (await Store.Issues.ShareIssueAsync(IssueWire.IssueFrom(opened, tie.PeerDid), events.OrderBy(e => e, IssueEvent.Order).ToList(), participants, ct).ConfigureAwait(false))
        {
            Log.IssueChanged(Logger, opened.Title ?? "", tie.PeerName, referral);
            Publish("issue.opened", tie.PeerDid);
        }
    }

    /// <summary>
    /// A share of an issue held here already (a referral delivered again, or two referrals to this agency crossing) files
    /// what it brings as the same changes passed on one by one would be: no second opening, each new change made by the
    /// sender or an agency known to take part, and only a referral among them bringing an agency in. The list of agencies
    /// taking part is for an issue new here; for one held here it would bring agencies in that no referral named.
    /// Returns the agencies the new changes bring in.
    /// </summary>
    private async Task<List<IssueParticipant>> HeldIssueShareAsync(Tie tie, Issue issue, IReadOnlyList<IssueEvent> events, IReadOnlyList<IssueEvent> filed,
        CancellationToken ct)
    {
        var held = await Store.Issues.ListIssueParticipantsAsync(issue.Id, ct).ConfigureAwait(false);
        var joins = new List<IssueParticipant>();
        foreach (var e in events.Where(e => filed.All(f => f.Id != e.Id)))
        {
            if (e.IsOpening)
            {
                throw new InboundRefusal(RefusalKind.Conflict, "e.p.issue.conflict", "the issue held here under this id has its opening already");
            }

            if (e.Agency != tie.PeerDid && !await issues.IsKnownPartyAsync(e.Agency, issue, held, ct).ConfigureAwait(false))
            {
                throw new InboundRefusal(RefusalKind.Conflict, "e.p.issue.unknown-party", "the referral passes on a change from an agency not known here to take part in the issue");
            }

            if (e.ReferredToDid is { } referred && referred != Identity.Did && joins.All(j => j.Did != referred)
                && !await issues.IsKnownPartyAsync(referred, issue, held, ct).ConfigureAwait(false))
            {
                joins.Add(new IssueParticipant(issue.Id, referred, await directory.PeerGivenNameAsync(referred, e.ReferredTo, ct).ConfigureAwait(false)));
            }
        }

        if (joins.Count > 0 && held.Count + joins.Count + 1 > IssueService.MaxIssueParties)
        {
            throw new InboundRefusal(RefusalKind.Conflict, "e.p.issue.full", $"the issue is shared with {IssueService.MaxIssueParties} agencies here already; a referral cannot bring in more");
        }

        return joins;
    }
}
