using Telex.Core.Issues;
using Telex.Core.Telegrams;

namespace Telex.Core.Clearance;

/// <summary>
/// Clearance and coordination: the agency's clearance policy (who must clear which telegrams before release), drafts
/// that wait for those clearances, and the coordination requests a partner agency answers over the tie — both the
/// requests this agency sends and those it is asked to answer. Nothing a policy covers leaves before it is cleared.
/// </summary>
public sealed class ClearanceService : AgencyService
{
    private readonly TieService _ties;
    private readonly DirectoryService _directory;
    private readonly TelegramRelease _release;

    internal ClearanceService(AgencyContext context, TieService ties, DirectoryService directory, TelegramRelease release)
        : base(context)
    {
        _ties = ties;
        _directory = directory;
        _release = release;
    }

    /// <summary>The setting holding the clearance policy (its rules as JSON).</summary>
    private const string ClearanceRulesSetting = "clearance.rules";

    /// <summary>Most rules in a clearance policy; a policy is a handful of lines, not a database.</summary>
    public const int MaxClearanceRules = 100;

    /// <summary>Longest reason given with a refusal or an approval.</summary>
    public const int MaxReasonLength = 2000;

    private static readonly JsonSerializerOptions RulesJson = new() { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    /// <summary>An answer that changes nothing (a repeated or stale coordination answer): the write is abandoned.</summary>
    private sealed class NothingToChange : Exception
    {
        public NothingToChange()
            : base("nothing to change")
        {
        }
    }

    /// <summary>The agency's clearance policy.</summary>
    public async Task<IReadOnlyList<ClearanceRule>> GetClearanceRulesAsync(CancellationToken ct = default) =>
        await Store.Settings.GetSettingAsync(ClearanceRulesSetting, ct).ConfigureAwait(false) is { } json
            ? JsonSerializer.Deserialize<ClearanceRule[]>(json, RulesJson) ?? []
            : [];

    /// <summary>
    /// Adds a rule to the clearance policy. Throws when it names no clearer, an officer who does not exist, or a partner
    /// that is not an established tie.
    /// </summary>
    public async Task<ClearanceRule> AddClearanceRuleAsync(ClearanceRule rule, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var officers = rule.Officers.Select(o => o.Trim()).Distinct(StringComparer.Ordinal).ToArray();
        if (officers.Length == 0 && !rule.AnyReleasingOfficer && rule.Partner is null)
        {
            throw new TelexException(TelexErrorKind.Invalid, "a clearance rule names who clears: officers, any releasing officer, or a partner agency");
        }

        if (officers.Length > 20)
        {
            throw new TelexException(TelexErrorKind.Invalid, "a clearance rule names at most 20 officers");
        }

        foreach (string officer in officers)
        {
            if (await Store.Officers.FindOfficerAsync(officer, ct).ConfigureAwait(false) is not { Role: not Role.Auditor })
            {
                throw new TelexException(TelexErrorKind.Invalid, $"no officer '{officer}' who may clear (auditors cannot)");
            }
        }

        if (rule.Partner is { } partner && await Store.Ties.GetTieAsync(partner, ct).ConfigureAwait(false) is not { Status: TieStatus.Established })
        {
            throw new TelexException(TelexErrorKind.Invalid, "the partner agency must be a counterpart with an established tie");
        }

        if (rule.Counterpart is { Length: > 4096 } || (rule.MinPrecedence is { } p && !Enum.IsDefined(p)))
        {
            throw new TelexException(TelexErrorKind.Invalid, "the rule's counterpart or precedence is invalid");
        }

        // A rule is matched against the recipient's DID: one kept under a name, or under a DID no agency can hold, would
        // match no telegram and hold back none.
        if (rule.Counterpart is { } named && (!PeerDids.Is(named) || !Dids.TryResolve(named, out _)))
        {
            throw new TelexException(TelexErrorKind.Invalid, "a rule names its counterpart by the agency's did:peer:2 DID, a valid one");
        }

        var rules = (await GetClearanceRulesAsync(ct).ConfigureAwait(false)).ToList();
        if (rules.Count >= MaxClearanceRules)
        {
            throw new TelexException(TelexErrorKind.Conflict, $"the policy holds {MaxClearanceRules} rules already");
        }

        rule = rule with { Id = Guid.NewGuid(), Officers = officers };
        rules.Add(rule);
        await Store.Settings.SetSettingAsync(ClearanceRulesSetting, JsonSerializer.Serialize(rules, RulesJson), ct).ConfigureAwait(false);
        return rule;
    }

    /// <summary>Removes a rule from the clearance policy; false if there is no such rule.</summary>
    public async Task<bool> RemoveClearanceRuleAsync(Guid id, CancellationToken ct = default)
    {
        var rules = (await GetClearanceRulesAsync(ct).ConfigureAwait(false)).ToList();
        if (rules.RemoveAll(r => r.Id == id) == 0)
        {
            return false;
        }

        await Store.Settings.SetSettingAsync(ClearanceRulesSetting, JsonSerializer.Serialize(rules, RulesJson), ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// The clearances a telegram to <paramref name="to"/> of <paramref name="precedence"/> needs under the policy, each
    /// once. The recipient, each rule's counterpart and each partner are matched as ties: a rule written under a
    /// counterpart's DID before it rotated its keys applies to telegrams addressed to its new DID, and the other way round.
    /// </summary>
    public async Task<IReadOnlyList<ClearanceStep>> RequiredClearancesAsync(string to, Precedence precedence, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(to);
        string recipient = await _directory.CounterpartDidAsync(to, ct).ConfigureAwait(false);
        var steps = new List<ClearanceStep>();
        foreach (var written in await GetClearanceRulesAsync(ct).ConfigureAwait(false))
        {
            var rule = written with
            {
                Counterpart = written.Counterpart is { } counterpart ? await _directory.CounterpartDidAsync(counterpart, ct).ConfigureAwait(false) : null,
                Partner = written.Partner is { } partnerDid ? await _directory.CounterpartDidAsync(partnerDid, ct).ConfigureAwait(false) : null,
            };
            if (!rule.Matches(recipient, precedence))
            {
                continue;
            }

            var needed = rule.Officers.Select(o => new ClearanceStep { Kind = ClearerKind.Officer, Party = o });
            if (rule.AnyReleasingOfficer)
            {
                needed = needed.Append(new ClearanceStep { Kind = ClearerKind.AnyReleasingOfficer });
            }

            if (rule.Partner is { } partner)
            {
                needed = needed.Append(new ClearanceStep { Kind = ClearerKind.Partner, Party = partner });
            }

            steps.AddRange(needed.Where(n => !steps.Any(s => s.Kind == n.Kind && s.Party == n.Party)));
        }

        return steps;
    }

    /// <summary>A clearance step as a person reads it.</summary>
    internal static string Describe(ClearanceStep s) => s.Kind switch
    {
        ClearerKind.Officer => "officer " + s.Party,
        ClearerKind.AnyReleasingOfficer => "a releasing officer",
        _ => "partner " + s.Party,
    };

    /// <summary>
    /// Submits a telegram for clearance: files the draft with the clearances the policy requires and sends a
    /// coordination request to each partner agency, in one transaction. A draft that needs no clearance is cleared at
    /// once. Throws when there is no established tie or the telegram breaks the tie's terms.
    /// </summary>
    public async Task<DraftRecord> SubmitDraftAsync(TelegramDraft draft, string drafter, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        draft = await _release.WithIssueIdAsync(draft, ct).ConfigureAwait(false);
        var tie = await Store.Ties.GetTieAsync(draft.To, ct).ConfigureAwait(false);
        if (tie is not { Status: TieStatus.Established })
        {
            throw new TelexException(TelexErrorKind.Conflict, "no established tie with the recipient");
        }

        TelegramRelease.Validate(draft, tie.Terms);
        await _release.CheckIssueAsync(draft, ct).ConfigureAwait(false);
        draft = draft with { Drafter = drafter };
        var id = Guid.NewGuid();
        var (steps, outbox) = await PlanClearancesAsync(id, draft, drafter, ct).ConfigureAwait(false);
        var now = Now;
        var record = new DraftRecord
        {
            Id = id,
            Draft = draft,
            Drafter = drafter,
            Status = steps.Count == 0 ? DraftStatus.Cleared : DraftStatus.AwaitingClearance,
            CreatedAt = now,
            UpdatedAt = now,
            Steps = steps,
        };
        string detail = steps.Count == 0 ? "no clearance required" : "awaiting " + string.Join(", ", steps.Select(Describe));
        await Store.Clearance.CreateDraftAsync(record, new ClearanceLogEntry(id, now, drafter, "submitted", detail), outbox, ct).ConfigureAwait(false);
        if (outbox.Count > 0)
        {
            Context.Wake();
        }

        var filed = await Store.Clearance.GetDraftAsync(id, ct).ConfigureAwait(false) ?? record; // as filed, with the number the store gave it
        Log.DraftStep(Logger, filed.Number, "submitted", drafter);
        Publish("draft.submitted", draft.To);
        return filed;
    }

    /// <summary>The clearances a draft needs under the policy now, and the coordination requests to its partners.</summary>
    private async Task<(List<ClearanceStep> Steps, List<OutboxItem> Outbox)> PlanClearancesAsync(Guid id, TelegramDraft draft, string drafter,
        CancellationToken ct)
    {
        var steps = new List<ClearanceStep>();
        var outbox = new List<OutboxItem>();
        foreach (var step in await RequiredClearancesAsync(draft.To, draft.Precedence, ct).ConfigureAwait(false))
        {
            if (step.Kind != ClearerKind.Partner)
            {
                steps.Add(step);
                continue;
            }

            var partner = await Store.Ties.GetTieAsync(step.Party!, ct).ConfigureAwait(false);
            if (partner is not { Status: TieStatus.Established })
            {
                throw new TelexException(TelexErrorKind.Conflict, "the partner agency that must clear this telegram has no established tie");
            }

            var requestId = Guid.NewGuid();
            steps.Add(step with { RequestId = requestId });
            var body = new JsonObject
            {
                ["request"] = requestId.ToString(),
                ["draft"] = id.ToString(),
                ["recipient"] = draft.To,
                ["subject"] = draft.Subject,
                ["text"] = draft.Body,
                ["precedence"] = draft.Precedence.ToString().ToLowerInvariant(),
                ["drafter"] = drafter,
            };
            if (draft.IssueId is not null)
            {
                body["issue"] = draft.IssueId;
            }

            outbox.Add(_ties.ControlOutbox(partner, MessageTypes.ClearanceRequest, body, thid: requestId.ToString()));
        }

        return (steps, outbox);
    }

    /// <summary>
    /// The drafter revises a returned draft (a new subject or text, if given) and submits it again: its clearances are
    /// listed afresh under the policy and partners are asked again, in one transaction. Throws when the draft is unknown,
    /// not returned, or not this officer's.
    /// </summary>
    public async Task<DraftRecord> ResubmitDraftAsync(Guid id, string officer, string? subject, string? body, CancellationToken ct = default)
    {
        var current = await Store.Clearance.GetDraftAsync(id, ct).ConfigureAwait(false) ?? throw new TelexException(TelexErrorKind.NotFound, $"no draft {id}");
        var revised = current.Draft with { Subject = subject ?? current.Draft.Subject, Body = body ?? current.Draft.Body };
        var tie = await Store.Ties.GetTieAsync(revised.To, ct).ConfigureAwait(false);
        if (tie is not { Status: TieStatus.Established })
        {
            throw new TelexException(TelexErrorKind.Conflict, "no established tie with the recipient");
        }

        TelegramRelease.Validate(revised, tie.Terms);
        var (steps, outbox) = await PlanClearancesAsync(id, revised, current.Drafter, ct).ConfigureAwait(false);
        var now = Now;
        var changed = await Store.Clearance.ChangeDraftAsync(id, d =>
        {
            if (d.Status != DraftStatus.Returned)
            {
                throw new TelexException(TelexErrorKind.Conflict, $"draft {d.Number} is {Name(d.Status)}; only a returned draft is submitted again");
            }

            if (d.Drafter != officer)
            {
                throw new TelexException(TelexErrorKind.Forbidden, $"only its drafter, {d.Drafter}, submits draft {d.Number} again");
            }

            var updated = d with
            {
                Draft = revised,
                Steps = steps,
                Status = steps.Count == 0 ? DraftStatus.Cleared : DraftStatus.AwaitingClearance,
                ReturnReason = null,
                UpdatedAt = now,
            };
            string detail = steps.Count == 0 ? "no clearance required" : "awaiting " + string.Join(", ", steps.Select(Describe));
            return new DraftChange(updated, new ClearanceLogEntry(id, now, officer, "resubmitted", detail), outbox);
        }, ct).ConfigureAwait(false) ?? throw new TelexException(TelexErrorKind.NotFound, $"no draft {id}");
        if (outbox.Count > 0)
        {
            Context.Wake();
        }

        Log.DraftStep(Logger, changed.Number, "resubmitted", officer);
        Publish("draft.submitted", revised.To);
        return changed;
    }

    /// <summary>
    /// An officer gives or refuses a clearance the draft awaits from them. A refusal returns the draft with the reason;
    /// the last clearance given makes it cleared. Throws when the draft is unknown, not awaiting clearance, or awaits
    /// nothing from this officer.
    /// </summary>
    public async Task<DraftRecord> ClearDraftAsync(Guid id, string officer, Role role, bool give, string? reason, CancellationToken ct = default)
    {
        if (!give && string.IsNullOrWhiteSpace(reason))
        {
            throw new TelexException(TelexErrorKind.Invalid, "a refusal gives a reason");
        }

        if (reason is { Length: > MaxReasonLength })
        {
            throw new TelexException(TelexErrorKind.Invalid, $"a reason has at most {MaxReasonLength} characters");
        }

        var now = Now;
        var changed = await Store.Clearance.ChangeDraftAsync(id, d =>
        {
            if (d.Status != DraftStatus.AwaitingClearance)
            {
                throw new TelexException(TelexErrorKind.Conflict, $"draft {d.Number} is {Name(d.Status)}, not awaiting clearance");
            }

            int index = d.StepAwaiting(officer, role);
            if (index < 0)
            {
                throw new TelexException(TelexErrorKind.Forbidden, $"draft {d.Number} awaits no clearance from {officer}");
            }

            var steps = d.Steps.ToArray();
            steps[index] = steps[index] with
            {
                State = give ? ClearanceState.Given : ClearanceState.Refused,
                By = officer,
                At = now,
                Reason = reason?.Trim(),
            };
            var status = !give ? DraftStatus.Returned : steps.All(s => s.State == ClearanceState.Given) ? DraftStatus.Cleared : DraftStatus.AwaitingClearance;
            var updated = d with { Steps = steps, Status = status, UpdatedAt = now, ReturnReason = give ? null : reason!.Trim() };
            return new DraftChange(updated, new ClearanceLogEntry(id, now, officer, give ? "cleared" : "refused", reason?.Trim()));
        }, ct).ConfigureAwait(false) ?? throw new TelexException(TelexErrorKind.NotFound, $"no draft {id}");
        Log.DraftStep(Logger, changed.Number, give ? "cleared" : "refused", officer);
        Publish("draft." + (give ? "cleared" : "returned"), changed.Draft.To);
        return changed;
    }

    /// <summary>
    /// Releases a cleared draft as a telegram: the telegram, its outbox item and the draft's new state are written in one
    /// transaction. Throws when the draft is unknown, not cleared (some clearance is missing or was refused), or the tie
    /// is not established.
    /// </summary>
    public Task<TelegramRecord> ReleaseDraftAsync(Guid id, string releasingOfficer, CancellationToken ct = default) =>
        ReleaseDraftAsync(id, releasingOfficer, claim: null, ct);

    /// <summary>
    /// Releases a cleared draft as <see cref="ReleaseDraftAsync(Guid, string, CancellationToken)"/> does, keeping the client's
    /// request id <paramref name="claim"/> in the same transaction; throws <see cref="IdempotencyKeyTakenException"/>, and
    /// releases nothing, when another release holds it.
    /// </summary>
    public async Task<TelegramRecord> ReleaseDraftAsync(Guid id, string releasingOfficer, IdempotencyClaim? claim, CancellationToken ct = default)
    {
        var draft = await Store.Clearance.GetDraftAsync(id, ct).ConfigureAwait(false) ?? throw new TelexException(TelexErrorKind.NotFound, $"no draft {id}");
        var tie = await Store.Ties.GetTieAsync(draft.Draft.To, ct).ConfigureAwait(false);
        if (tie is not { Status: TieStatus.Established })
        {
            throw new TelexException(TelexErrorKind.Conflict, "no established tie with the recipient");
        }

        var telegramId = Guid.NewGuid();
        var record = await Store.Clearance.ReleaseDraftAsync(id, tie.PeerDid, (d, serial) =>
        {
            if (d.Status != DraftStatus.Cleared)
            {
                string missing = d.Status == DraftStatus.AwaitingClearance
                    ? ": awaiting " + string.Join(", ", d.Steps.Where(s => s.State == ClearanceState.Pending).Select(Describe))
                    : "";
                throw new TelexException(TelexErrorKind.Conflict, $"draft {d.Number} is {Name(d.Status)}, not cleared{missing}");
            }

            var (entry, outbox) = _release.BuildRelease(telegramId, d.Draft, tie, serial, releasingOfficer);
            var now = entry.ReleasedAt;
            var updated = d with { Status = DraftStatus.Released, TelegramId = telegramId, ReleasedBy = releasingOfficer, ReleasedAt = now, UpdatedAt = now };
            return (entry, outbox, new DraftChange(updated, new ClearanceLogEntry(id, now, releasingOfficer, "released", "telegram " + telegramId)));
        }, claim, ct).ConfigureAwait(false) ?? throw new TelexException(TelexErrorKind.NotFound, $"no draft {id}");
        Context.Wake();
        Log.DraftStep(Logger, draft.Number, "released", releasingOfficer);
        Publish("telegram.queued", tie.PeerDid, telegramId);
        return record;
    }

    /// <summary>
    /// An officer of this (partner) agency approves or refuses a coordination request; the answer travels back over the
    /// tie in the same transaction. Throws when the request is unknown or answered already.
    /// </summary>
    public async Task<CoordinationRequest> AnswerCoordinationAsync(Guid id, string officer, bool approve, string? reason, CancellationToken ct = default)
    {
        if (!approve && string.IsNullOrWhiteSpace(reason))
        {
            throw new TelexException(TelexErrorKind.Invalid, "a refusal gives a reason");
        }

        if (reason is { Length: > MaxReasonLength })
        {
            throw new TelexException(TelexErrorKind.Invalid, $"a reason has at most {MaxReasonLength} characters");
        }

        var request = await Store.Clearance.GetCoordinationRequestAsync(id, ct).ConfigureAwait(false)
            ?? throw new TelexException(TelexErrorKind.NotFound, $"no coordination request {id}");
        var tie = await Store.Ties.GetTieAsync(request.From, ct).ConfigureAwait(false);
        if (tie is not { Status: TieStatus.Established })
        {
            throw new TelexException(TelexErrorKind.Conflict, "the tie with the requesting agency is not established");
        }

        var now = Now;
        var answered = await Store.Clearance.AnswerCoordinationRequestAsync(id, r =>
        {
            if (r.State != ClearanceState.Pending)
            {
                throw new TelexException(TelexErrorKind.Conflict, $"coordination request {id} was answered already ({Name(r.State)})");
            }

            var updated = r with { State = approve ? ClearanceState.Given : ClearanceState.Refused, AnsweredBy = officer, AnsweredAt = now, Reason = reason?.Trim() };
            var body = new JsonObject
            {
                ["request"] = id.ToString(),
                ["draft"] = r.DraftId.ToString(),
                ["decision"] = approve ? "approve" : "refuse",
                ["officer"] = officer,
                ["time"] = now.ToUnixTimeMilliseconds(),
            };
            if (updated.Reason is not null)
            {
                body["reason"] = updated.Reason;
            }

            return (updated, _ties.ControlOutbox(tie, MessageTypes.ClearanceAnswer, body, thid: id.ToString()));
        }, ct).ConfigureAwait(false) ?? throw new TelexException(TelexErrorKind.NotFound, $"no coordination request {id}");
        Context.Wake();
        Publish("coordination." + (approve ? "approved" : "refused"), request.From);
        return answered;
    }

    private async Task HandleClearanceRequestAsync(Tie tie, Message message, CancellationToken ct)
    {
        var b = message.Body;
        string? subject = b.StringMember("subject"), text = b.StringMember("text"), recipient = b.StringMember("recipient"), issue = b.StringMember("issue");
        string? drafter = b.StringMember("drafter"), precedenceName = b.StringMember("precedence");
        if (!Guid.TryParse(b.StringMember("request"), out var requestId) || !Guid.TryParse(b.StringMember("draft"), out var draftId)
            || subject is null or { Length: > TelegramWire.MaxSubjectLength } || text is null
            || System.Text.Encoding.UTF8.GetByteCount(text) > tie.Terms.MaxTelegramBytes
            || recipient is null or { Length: > 4096 } || issue is { Length: > IssueWire.MaxIssueIdLength } || !PeerText.IsOptionalName(drafter)
            || precedenceName is null || !precedenceName.All(char.IsAsciiLetterLower) || !Enum.TryParse<Precedence>(precedenceName, true, out var precedence))
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "a clearance request needs ids, a recipient, a subject, a text within the tie's terms and a precedence");
        }

        var request = new CoordinationRequest(requestId, From: tie.PeerDid, draftId, Recipient: recipient, Subject: subject, Body: text, precedence,
            ReceivedAt: Now, IssueId: issue, Drafter: drafter);
        if (await Store.Clearance.RecordCoordinationRequestAsync(request, ct).ConfigureAwait(false))
        {
            Publish("coordination.requested", tie.PeerDid);
        }
    }

    private async Task HandleClearanceAnswerAsync(Tie tie, Message message, CancellationToken ct)
    {
        var b = message.Body;
        string? decision = b.StringMember("decision"), officer = b.StringMember("officer"), reason = b.StringMember("reason");
        if (!Guid.TryParse(b.StringMember("request"), out var requestId) || !Guid.TryParse(b.StringMember("draft"), out var draftId)
            || decision is not ("approve" or "refuse") || !PeerText.IsName(officer) || reason is { Length: > MaxReasonLength }
            || (decision == "refuse" && string.IsNullOrWhiteSpace(reason)))
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "a clearance answer needs the request, the draft, approve or refuse, the officer and, to refuse, a reason");
        }

        bool approve = decision == "approve";
        string actor = $"{officer} ({tie.PeerName})";
        var now = Now;
        var partnerDids = await _directory.TieDidsAsync(tie, ct).ConfigureAwait(false);
        try
        {
            var changed = await Store.Clearance.ChangeDraftAsync(draftId, d =>
            {
                int index = d.Steps.ToList().FindIndex(s => s.Kind == ClearerKind.Partner && s.RequestId == requestId && s.Party is { } party
                    && partnerDids.Contains(party));
                if (index < 0 || d.Steps[index].State != ClearanceState.Pending || d.Status != DraftStatus.AwaitingClearance)
                {
                    throw new NothingToChange();
                }

                var steps = d.Steps.ToArray();
                steps[index] = steps[index] with { State = approve ? ClearanceState.Given : ClearanceState.Refused, By = actor, At = now, Reason = reason };
                var status = !approve ? DraftStatus.Returned : steps.All(s => s.State == ClearanceState.Given) ? DraftStatus.Cleared : DraftStatus.AwaitingClearance;
                var updated = d with { Steps = steps, Status = status, UpdatedAt = now, ReturnReason = approve ? null : $"refused by {tie.PeerName}: {reason}" };
                return new DraftChange(updated, new ClearanceLogEntry(draftId, now, actor, approve ? "approved" : "refused-by-partner", reason));
            }, ct).ConfigureAwait(false);
            if (changed is not null)
            {
                Log.DraftStep(Logger, changed.Number, approve ? "approved by partner" : "refused by partner", actor);
                Publish("draft." + (approve ? "approved" : "returned"), tie.PeerDid);
            }
        }
        catch (NothingToChange)
        {
            // A repeated or stale answer: the draft stays as it is.
        }
    }

    private static string Name<T>(T value)
        where T : struct, Enum => value.ToString() switch
        {
            "AwaitingClearance" => "awaiting clearance",
            var s => s.ToLowerInvariant(),
        };

    /// <summary>A draft by id; null when unknown.</summary>
    public Task<DraftRecord?> GetDraftAsync(Guid id, CancellationToken ct = default) => Store.Clearance.GetDraftAsync(id, ct);

    /// <summary>A draft by this agency's short number for it; null when unknown.</summary>
    public Task<DraftRecord?> GetDraftByNumberAsync(long number, CancellationToken ct = default) => Store.Clearance.GetDraftByNumberAsync(number, ct);

    /// <summary>Drafts, newest first, of one status or all, at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<DraftRecord>> ListDraftsAsync(DraftStatus? status, int limit, CancellationToken ct = default) =>
        Store.Clearance.ListDraftsAsync(status, limit, ct);

    /// <summary>Every step recorded for a draft (who, what, when), oldest first.</summary>
    public Task<IReadOnlyList<ClearanceLogEntry>> ListClearanceLogAsync(Guid draftId, CancellationToken ct = default) =>
        Store.Clearance.ListClearanceLogAsync(draftId, ct);

    /// <summary>The coordination requests partner agencies sent this agency, of one state or all.</summary>
    public Task<IReadOnlyList<CoordinationRequest>> ListCoordinationRequestsAsync(ClearanceState? state, CancellationToken ct = default) =>
        Store.Clearance.ListCoordinationRequestsAsync(state, ct);

    /// <summary>Registers the handlers of the clearance protocol's messages with the gate.</summary>
    internal void RegisterHandlers(InboundHandlers handlers)
    {
        handlers.Direct.Add(MessageTypes.ClearanceRequest, (m, ct) => HandleClearanceRequestAsync(m.SenderTie, m.Message, ct));
        handlers.Direct.Add(MessageTypes.ClearanceAnswer, (m, ct) => HandleClearanceAnswerAsync(m.SenderTie, m.Message, ct));
    }
}
