using Telex.Core.Clearance;
using Telex.Core.Issues;
using Telex.Core.Telegrams;

namespace Telex.Core.Bureaus;

/// <summary>
/// A bureau's traffic: bulletins to every member of the current epoch, and the bureau's issues, opened and changed by any
/// member in the bureau's own outcomes and filed by every member alike.
/// </summary>
public sealed class BureauTrafficService : AgencyService
{
    private readonly TieService _ties;
    private readonly TelegramRelease _release;
    private readonly ClearanceService _clearance;
    private readonly BureauEpochs _epochs;

    internal BureauTrafficService(AgencyContext context, TieService ties, TelegramRelease release, ClearanceService clearance, BureauService bureaus)
        : base(context)
    {
        _ties = ties;
        _release = release;
        _clearance = clearance;
        _epochs = bureaus.Epochs;
    }

    /// <summary>Registers the handlers of a bureau's issues with the gate.</summary>
    internal void RegisterHandlers(InboundHandlers handlers)
    {
        handlers.Direct.Add(MessageTypes.BureauIssueOpen, (m, ct) => HandleBureauIssueAsync(m.SenderTie, m.Bureau!, m.Message, opening: true, ct));
        handlers.Direct.Add(MessageTypes.BureauIssueStatus, (m, ct) => HandleBureauIssueAsync(m.SenderTie, m.Bureau!, m.Message, opening: false, ct));
    }

    /// <summary>
    /// Sends a bulletin to a bureau: one telegram to each other member of this agency's current epoch of the bureau,
    /// each with its own tie serial and receipt, released in one transaction (all or none). Throws when this agency is
    /// not a member of the current epoch, a member cannot be reached, or a telegram breaks a tie's terms or the
    /// agency's clearance policy.
    /// </summary>
    public Task<IReadOnlyList<TelegramRecord>> SendBulletinAsync(Guid bureauId, TelegramDraft draft, string releasingOfficer, CancellationToken ct = default) =>
        SendBulletinAsync(bureauId, draft, releasingOfficer, claim: null, ct);

    /// <summary>
    /// Sends a bulletin as <see cref="SendBulletinAsync(Guid, TelegramDraft, string, CancellationToken)"/> does, keeping the
    /// client's request id <paramref name="claim"/> in the same transaction; throws <see cref="IdempotencyKeyTakenException"/>,
    /// and releases nothing, when another release holds it.
    /// </summary>
    public async Task<IReadOnlyList<TelegramRecord>> SendBulletinAsync(Guid bureauId, TelegramDraft draft, string releasingOfficer, IdempotencyClaim? claim,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        draft = await _release.WithIssueIdAsync(draft, ct).ConfigureAwait(false);
        var (bureau, epoch) = await _epochs.CurrentEpochAsync(bureauId, ct).ConfigureAwait(false);
        if (draft.IssueId is { } issueId
            && (await Store.Issues.GetIssueAsync(issueId, ct).ConfigureAwait(false))?.BureauId != bureauId)
        {
            throw new TelexException(TelexErrorKind.Invalid, $"issue {issueId} is not an issue of the bureau");
        }

        var routes = await _epochs.RoutesToMembersAsync(bureau, epoch, ct).ConfigureAwait(false);
        foreach (var (member, tie) in routes)
        {
            TelegramRelease.Validate(draft with { To = member }, tie.Terms);
            var required = await _clearance.RequiredClearancesAsync(member, draft.Precedence, ct).ConfigureAwait(false);
            if (required.Count > 0)
            {
                throw new TelexException(TelexErrorKind.Conflict,
                    $"the agency's policy requires clearance for {tie.PeerName} ({string.Join(", ", required.Select(ClearanceService.Describe))}); bulletins are released without drafts");
            }
        }

        var bulletin = draft with { BureauId = bureauId, BureauEpoch = epoch.Number };
        var records = await Store.Telegrams.ReleaseFanOutAsync(routes.Select(r => r.Member).ToList(),
            (member, serial) => _release.BuildRelease(Guid.NewGuid(), bulletin with { To = member }, routes.First(r => r.Member == member).Tie, serial, releasingOfficer),
            claim, ct).ConfigureAwait(false);
        Context.Wake();
        foreach (var r in records)
        {
            Publish("telegram.queued", r.Counterpart, r.Id);
        }

        return records;
    }

    /// <summary>
    /// Opens an issue of a bureau: files it (its counterpart is the bureau) with its opening event and announces it to
    /// every other member of the current epoch, in one transaction.
    /// </summary>
    public async Task<Issue> OpenBureauIssueAsync(Guid bureauId, string title, string? officer, CancellationToken ct = default)
    {
        var opening = IssueWire.NewOpening(title, officer, Identity.Did, Now);
        var (bureau, epoch) = await _epochs.CurrentEpochAsync(bureauId, ct).ConfigureAwait(false);
        var routes = await _epochs.RoutesToMembersAsync(bureau, epoch, ct).ConfigureAwait(false);
        string id = opening.IssueId;
        var body = IssueWire.EventJson(opening, Identity.Did);
        body["bureau"] = bureauId.ToString();
        var outbox = routes.Select(r => _ties.ControlOutbox(r.Tie, MessageTypes.BureauIssueOpen, body, thid: id)).ToList();
        await Store.Bureaus.OpenBureauIssueAsync(IssueWire.IssueFrom(opening, bureau.IssueCounterpart), opening, outbox, ct).ConfigureAwait(false);
        Context.Wake();
        Log.IssueChanged(Logger, opening.Title!, "bureau " + bureau.Name, opening);
        Publish("issue.opened", bureau.IssueCounterpart);
        return await Store.Issues.GetIssueAsync(id, ct).ConfigureAwait(false) ?? IssueWire.IssueFrom(opening, bureau.IssueCounterpart);
    }

    /// <summary>A status change of a bureau issue: filed with the next clock and sent to every other member of the current epoch.</summary>
    internal async Task<IssueEvent> ChangeBureauIssueStatusAsync(Guid bureauId, Issue issue, OutcomeTerm outcome, string text, string? referredTo,
        string? officer, CancellationToken ct)
    {
        var (bureau, epoch) = await _epochs.CurrentEpochAsync(bureauId, ct).ConfigureAwait(false);
        var routes = await _epochs.RoutesToMembersAsync(bureau, epoch, ct).ConfigureAwait(false);
        var now = Now;
        var change = await Store.Issues.AppendIssueEventAsync(issue.Id, (_, clock) =>
        {
            var e = IssueWire.NewChange(issue.Id, clock, Identity.Did, officer, now, outcome, text, referredTo);
            var body = IssueWire.EventJson(e, Identity.Did);
            body["bureau"] = bureauId.ToString();
            return new IssueChange(e, routes.Select(r => _ties.ControlOutbox(r.Tie, MessageTypes.BureauIssueStatus, body, thid: issue.Id)).ToList());
        }, ct).ConfigureAwait(false) ?? throw new TelexException(TelexErrorKind.NotFound, $"no issue {issue.Id}");
        Context.Wake();
        Log.IssueChanged(Logger, issue.Title, "bureau " + bureau.Name, change);
        Publish("issue.changed", bureau.IssueCounterpart);
        return change;
    }

    /// <summary>
    /// An arriving bulletin must name an epoch held here of which both this agency and the sender are members. An
    /// epoch not yet held is refused as a conflict, so the sender tries again once the secretariat's announcement has
    /// arrived.
    /// </summary>
    internal async Task CheckBulletinAsync(Tie tie, Guid bureauId, long number, CancellationToken ct)
    {
        var bureau = await Store.Bureaus.GetBureauAsync(bureauId, ct).ConfigureAwait(false)
            ?? throw new InboundRefusal(RefusalKind.Conflict, "e.p.bureau.unknown", "no such bureau here yet");
        var epoch = await Store.Bureaus.GetBureauEpochAsync(bureauId, number, ct).ConfigureAwait(false);
        if (epoch is null)
        {
            if (bureau.Member(Identity.Did) is { State: MemberState.Left } || number <= bureau.Epoch)
            {
                throw new InboundRefusal(RefusalKind.Forbidden, "e.p.bureau.not-member", "this agency is not a member of that epoch");
            }

            throw new InboundRefusal(RefusalKind.Conflict, "e.p.bureau.epoch-unknown", "that epoch has not been announced here yet");
        }

        if (!epoch.Includes(Identity.Did))
        {
            throw new InboundRefusal(RefusalKind.Forbidden, "e.p.bureau.not-member", "this agency is not a member of that epoch");
        }

        if (!epoch.Includes(tie.PeerDid))
        {
            throw new InboundRefusal(RefusalKind.Forbidden, "e.p.bureau.sender", "the sender is not a member of that epoch");
        }
    }

    private async Task HandleBureauIssueAsync(Tie tie, Bureau bureau, Message message, bool opening, CancellationToken ct)
    {
        var e = IssueWire.ParseEvent(message, opening);
        var bureauId = bureau.Id;
        var epoch = bureau.Epoch > 0 ? await Store.Bureaus.GetBureauEpochAsync(bureauId, bureau.Epoch, ct).ConfigureAwait(false) : null;
        if (bureau.Member(Identity.Did) is { State: MemberState.Left })
        {
            throw new InboundRefusal(RefusalKind.Forbidden, "e.p.bureau.not-member", "this agency has left the bureau");
        }

        if (epoch is null || !epoch.Includes(tie.PeerDid) || !epoch.Includes(Identity.Did))
        {
            // The epoch that makes both members may not have been announced here yet: the sender tries again later.
            throw new InboundRefusal(RefusalKind.Conflict, "e.p.bureau.epoch-unknown", "the sender and this agency are not both members of the epoch held here");
        }

        string title = e.Title ?? "";
        if (opening)
        {
            if (!await Store.Issues.OpenIssueAsync(IssueWire.IssueFrom(e, bureau.IssueCounterpart), e, null, ct).ConfigureAwait(false))
            {
                var existing = await Store.Issues.GetIssueAsync(e.IssueId, ct).ConfigureAwait(false);
                if (existing is null || existing.Counterpart != bureau.IssueCounterpart || existing.OpenedBy != tie.PeerDid)
                {
                    throw new InboundRefusal(RefusalKind.Conflict, "e.p.issue.conflict", "another issue has this id, or another event has this opening's id");
                }

                return;
            }
        }
        else
        {
            var issue = await Store.Issues.GetIssueAsync(e.IssueId, ct).ConfigureAwait(false)
                ?? throw new InboundRefusal(RefusalKind.Conflict, "e.p.issue.unknown", "no such issue here yet");
            if (issue.BureauId != bureauId)
            {
                throw new InboundRefusal(RefusalKind.Forbidden, "e.p.issue.other-tie", "the issue belongs to another tie or bureau");
            }

            // A change filed here already, delivered again because its answer was lost, is acknowledged as it is: its
            // outcome was the bureau's when it was filed, and refusing it now would only keep the sender retrying.
            if ((await Store.Issues.ListIssueEventsAsync(e.IssueId, ct).ConfigureAwait(false)).Any(x => x.Id == e.Id))
            {
                return;
            }

            await CheckBureauTermAsync(bureauId, e, ct).ConfigureAwait(false);

            if (!await Store.Issues.RecordIssueEventAsync(e, ct: ct).ConfigureAwait(false))
            {
                return;
            }

            title = issue.Title;
        }

        Log.IssueChanged(Logger, title, "bureau " + bureau.Name, e);
        Publish(opening ? "issue.opened" : "issue.changed", bureau.IssueCounterpart);
    }

    /// <summary>
    /// A change of a bureau's issue from another member must name an outcome of the bureau's vocabulary held here, with
    /// the status it means there; a retired outcome is one (terms only grow, so a change by an outcome retired while it
    /// was on its way is filed at every member, whichever version of the vocabulary each holds). One naming none is malformed (every member names its changes by the bureau's
    /// outcomes; without one a member could put the issue in a status no outcome of the bureau means).
    /// One naming another outcome is refused as a conflict: a change of the vocabulary may still be on its way from the
    /// secretariat, so the sender's outbox tries again (until the item expires) and nothing is filed meanwhile.
    /// </summary>
    private async Task CheckBureauTermAsync(Guid bureauId, IssueEvent change, CancellationToken ct)
    {
        if (change.Term is not { } term)
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "a change of a bureau's issue names one of the bureau's outcomes");
        }

        var vocabulary = (await Store.Bureaus.GetBureauOutcomesAsync(bureauId, ct).ConfigureAwait(false))?.Terms ?? OutcomeVocabulary.Default;
        if (!vocabulary.Any(t => t.Term == term && t.Means == change.Status))
        {
            throw new InboundRefusal(RefusalKind.Conflict, "e.p.bureau.outcome", "the change names an outcome that is not the bureau's (or means another status in it)");
        }
    }
}
