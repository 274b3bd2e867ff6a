namespace Telex.Core.Bureaus;

/// <summary>
/// What members send about a bureau: its charter, joining and leaving, each new epoch and the outcomes the secretariat announces;
/// each checked against the bureau as this agency holds it before anything is filed. Who may send which (the
/// secretariat alone opens epochs; joining and leaving are told to the secretariat) is the gate's table.
/// </summary>
internal sealed class BureauInbound(AgencyContext context, BureauEpochs epochs, DirectoryService directory) : AgencyService(context)
{
    /// <summary>Registers the handlers of a bureau's charter, membership, epochs and outcomes with the gate.</summary>
    public void RegisterHandlers(InboundHandlers handlers)
    {
        handlers.Direct.Add(MessageTypes.BureauCharter, (m, ct) => HandleCharterAsync(m.SenderTie, m.BureauId, m.Message, ct));
        handlers.Direct.Add(MessageTypes.BureauJoin, (m, ct) => HandleMembershipAsync(m.SenderTie, m.BureauId, join: true, ct));
        handlers.Direct.Add(MessageTypes.BureauLeave, (m, ct) => HandleMembershipAsync(m.SenderTie, m.BureauId, join: false, ct));
        handlers.Direct.Add(MessageTypes.BureauEpoch, (m, ct) => HandleEpochAsync(m.SenderTie, m.BureauId, m.Message, ct));
        handlers.Direct.Add(MessageTypes.BureauOutcomes, (m, ct) => HandleBureauOutcomesAsync(m.SenderTie, m.Bureau!, m.Message, ct));
    }

    private async Task HandleCharterAsync(Tie tie, Guid bureauId, Message message, CancellationToken ct)
    {
        var b = message.Body;
        string? name = b.StringMember("name"), purpose = b.StringMember("purpose"), founder = b.StringMember("founder"), secretariat = b.StringMember("secretariat");
        var members = await NamedAsync(BureauWire.ParseMembers(b), ct).ConfigureAwait(false);
        if (!PeerText.IsName(name, BureauService.MaxBureauNameLength) || purpose is not { Length: > 0 and <= BureauService.MaxBureauPurposeLength }
            || founder != tie.PeerDid || members is null || !ReadinessRule.TryParse(b.StringMember("rule"), out var rule)
            || members.All(m => m.Did != founder) || members.All(m => m.Did != secretariat) || members.All(m => m.Did != Identity.Did))
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request",
                "a charter carries a name, a purpose, the founder (its sender), the readiness rule and its members, this agency and the secretariat among them");
        }

        var now = Now;
        var bureau = new Bureau
        {
            Id = bureauId,
            Name = name,
            Purpose = purpose,
            Founder = founder,
            Secretariat = secretariat!,
            Rule = rule,
            Status = BureauStatus.Chartered,
            CreatedAt = now,
            ChangedAt = now,
            Members = members.Select(m => m.Did == founder ? m with { State = MemberState.Accepted } : m).ToList(),
        };
        bool created = await Store.Bureaus.CreateBureauAsync(new BureauChange
        {
            Bureau = bureau,
            Log = [new BureauLogEntry("charter-received", founder, null, members.Select(m => m.Did).ToList(), now)],
        }, ct).ConfigureAwait(false);
        if (!created)
        {
            var existing = await Store.Bureaus.GetBureauAsync(bureauId, ct).ConfigureAwait(false);
            if (existing is null || existing.Founder != founder)
            {
                throw new InboundRefusal(RefusalKind.Conflict, "e.p.bureau.conflict", "another bureau has this id");
            }

            return;
        }

        Publish("bureau.charter", tie.PeerDid);
    }

    private async Task HandleMembershipAsync(Tie tie, Guid bureauId, bool join, CancellationToken ct)
    {
        var ties = await epochs.TiesByDidAsync(ct).ConfigureAwait(false);
        var now = Now;
        bool changed = await ChangeHeldBureauAsync(bureauId, (bureau, outcomes) =>
        {
            var member = bureau.Member(tie.PeerDid);
            if (member is null || bureau.Status != BureauStatus.Chartered)
            {
                return (null, new InboundRefusal(RefusalKind.Forbidden, "e.p.bureau.not-member", "the sender is not named in the bureau's charter"));
            }

            // Repeated messages change nothing: a join from a member, or a leave from one that has left.
            if (join ? member.State is MemberState.Accepted or MemberState.Joined : member.State == MemberState.Left)
            {
                return (null, null);
            }

            var next = BureauWire.WithState(bureau, tie.PeerDid, join ? MemberState.Accepted : MemberState.Left, now);
            var log = new List<BureauLogEntry> { new(join ? "join-received" : "leave-received", tie.PeerDid, null, [], now) };
            return (next.Member(Identity.Did)?.State == MemberState.Joined
                ? epochs.OpenEpoch(next, ties, now, log, leaver: join ? null : tie.PeerDid, outcomes)
                : new BureauChange { Bureau = next, Log = log }, null);
        }, ct).ConfigureAwait(false);
        if (changed)
        {
            Context.Wake();
            Publish(join ? "bureau.joined" : "bureau.left", tie.PeerDid);
        }
    }

    private async Task HandleEpochAsync(Tie tie, Guid bureauId, Message message, CancellationToken ct)
    {
        var b = message.Body;
        var members = await NamedAsync(BureauWire.ParseMembers(b), ct).ConfigureAwait(false);
        if (!b.TryIntegerMember("epoch", out long number) || number < 1
            || members is null || members.Count == 0)
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "an epoch carries its number and its members");
        }

        if (await Store.Bureaus.GetBureauEpochAsync(bureauId, number, ct).ConfigureAwait(false) is { } known)
        {
            // Announced again (the secretariat's outbox retried): the same epoch changes nothing, another is a conflict.
            if (!known.Members.Select(m => m.Did).SequenceEqual(members.Select(m => m.Did)))
            {
                throw new InboundRefusal(RefusalKind.Conflict, "e.p.bureau.epoch-conflict", "another epoch with this number is held here");
            }

            return;
        }

        var now = Now;
        bool filed = await ChangeHeldBureauAsync(bureauId, (bureau, _) =>
        {
            if (members.Any(m => bureau.Member(m.Did) is null))
            {
                return (null, new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "an epoch names only members of the bureau's charter"));
            }

            // Whether this agency is a member is its officers' decision: a new epoch naming it before they accepted the
            // charter, or after they left, would make it one. They join (again) by accepting.
            if (number > bureau.Epoch && members.Any(m => m.Did == Identity.Did)
                && bureau.Member(Identity.Did) is { State: MemberState.Prospective or MemberState.Left })
            {
                return (null, new InboundRefusal(RefusalKind.Forbidden, "e.p.bureau.not-member",
                    "this agency has not accepted the bureau's charter, or has left the bureau"));
            }

            var epoch = new BureauEpoch { BureauId = bureauId, Number = number, Members = members, OpenedAt = now };
            var next = bureau;
            if (number > bureau.Epoch)
            {
                // The newest epoch says who is a member now; an older one arriving late is kept but changes nothing.
                next = bureau with
                {
                    Epoch = number,
                    ChangedAt = now,
                    Members = bureau.Members.Select(m => epoch.Members.FirstOrDefault(x => x.Did == m.Did) is { } x
                        ? m with { Name = x.Name, Endpoint = x.Endpoint, State = MemberState.Joined }
                        : m.State is MemberState.Joined ? m with { State = MemberState.Left } : m).ToList(),
                };
            }

            return (new BureauChange
            {
                Bureau = next,
                NewEpoch = epoch,
                Log = [new BureauLogEntry("epoch", tie.PeerDid, number, members.Select(m => m.Did).ToList(), now)],
            }, null);
        }, ct).ConfigureAwait(false);
        if (filed)
        {
            Publish("bureau.epoch", tie.PeerDid);
        }
    }

    /// <summary>
    /// The members a charter or an epoch lists, each under the name this agency files for an agency a peer names (see
    /// <see cref="DirectoryService.PeerGivenNameAsync"/>): its own, a tie's or a directory entry's name for an agency known
    /// here, the sender's word for another only when it reads as no agency known here and as no DID. Null stays null.
    /// </summary>
    private async Task<List<BureauMember>?> NamedAsync(List<BureauMember>? members, CancellationToken ct)
    {
        if (members is null)
        {
            return null;
        }

        var named = new List<BureauMember>(members.Count);
        foreach (var m in members)
        {
            named.Add(m with { Name = await directory.PeerGivenNameAsync(m.Did, m.Name, ct).ConfigureAwait(false) });
        }

        return named;
    }

    /// <summary>
    /// Changes a bureau held here as a member's message asks: <paramref name="change"/> runs in the store's transaction and
    /// returns the change to file, or none with the refusal to answer (thrown once the transaction is over) or without
    /// (a message that changes nothing). True when it returned a change. Refused when the bureau is not held here.
    /// </summary>
    private async Task<bool> ChangeHeldBureauAsync(Guid bureauId, Func<Bureau, BureauOutcomes?, (BureauChange? Change, InboundRefusal? Refusal)> change,
        CancellationToken ct)
    {
        InboundRefusal? refusal = null;
        bool changed = false;
        var bureau = await Store.Bureaus.ChangeBureauAsync(bureauId, (held, _, outcomes) =>
        {
            (var next, refusal) = change(held, outcomes);
            changed = next is not null;
            return next;
        }, ct).ConfigureAwait(false);
        if (bureau is null)
        {
            // The charter may still be on its way from the founder: the sender's outbox tries again later.
            throw new InboundRefusal(RefusalKind.Conflict, "e.p.bureau.unknown", "no such bureau here yet");
        }

        return refusal is null ? changed : throw refusal;
    }

    /// <summary>
    /// A bureau's outcomes from its secretariat (the only member that sets them): kept when newer than those held here.
    /// They only grow here too: a held term they leave out is kept as retired. A vocabulary that is not well formed,
    /// gives a held term another meaning, or comes from another member is refused.
    /// </summary>
    private async Task HandleBureauOutcomesAsync(Tie tie, Bureau bureau, Message message, CancellationToken ct)
    {
        var b = message.Body;
        var terms = new List<OutcomeTerm>();
        bool valid = b.TryIntegerMember("version", out long version) && version is >= 1 and <= long.MaxValue / 2
            && b.TryGetProperty("outcomes", out var list) && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() <= OutcomeVocabulary.MaxTerms;
        if (valid)
        {
            foreach (var item in b.GetProperty("outcomes").EnumerateArray())
            {
                string? term = item.ValueKind == JsonValueKind.Object ? item.StringMember("term") : null;
                string? means = item.ValueKind == JsonValueKind.Object ? item.StringMember("means") : null;
                var retired = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("retired", out var r) ? r.ValueKind : JsonValueKind.False;
                if (term is null || means is null || !means.All(char.IsAsciiLetterLower) || !Enum.TryParse<IssueStatus>(means, ignoreCase: true, out var status)
                    || retired is not (JsonValueKind.True or JsonValueKind.False))
                {
                    valid = false;
                    break;
                }

                terms.Add(new OutcomeTerm(term, status, retired == JsonValueKind.True));
            }
        }

        if (!valid || OutcomeVocabulary.Problem(terms) is not null)
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request",
                "a bureau's outcomes carry a version and 1 to 50 well-formed terms, each with the status it means (and whether it is retired), one at least not retired");
        }

        var held = await Store.Bureaus.GetBureauOutcomesAsync(bureau.Id, ct).ConfigureAwait(false);
        if (held is not null && held.Version >= version)
        {
            return;
        }

        var (next, wrong) = OutcomeVocabulary.Extend(held?.Terms ?? OutcomeVocabulary.Default, terms);
        if (wrong is not null)
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", wrong);
        }

        if (await Store.Bureaus.SetBureauOutcomesAsync(new BureauOutcomes(bureau.Id, version, next), [], ct).ConfigureAwait(false))
        {
            Publish("bureau.outcomes", tie.PeerDid);
        }
    }
}
