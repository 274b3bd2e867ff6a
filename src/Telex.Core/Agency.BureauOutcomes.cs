using System.Text.Json;
using System.Text.Json.Nodes;

using Telex.Core.Inbound;
using Telex.Core.Model;
using Telex.Core.Protocol;
using Telex.DidComm.Messages;

namespace Telex.Core;

public sealed partial class Agency
{
    /// <summary>
    /// The outcomes the issues of a bureau are named by: the bureau's own vocabulary as its secretariat set it (the same
    /// at every member), <see cref="OutcomeVocabulary.Default"/> until it does. Throws when the bureau is unknown.
    /// </summary>
    public async Task<IReadOnlyList<OutcomeTerm>> BureauOutcomesAsync(Guid bureauId, CancellationToken ct = default)
    {
        await GetBureauAsync(bureauId, ct).ConfigureAwait(false);
        return (await Store.GetBureauOutcomesAsync(bureauId, ct).ConfigureAwait(false))?.Terms ?? OutcomeVocabulary.Default;
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

        var ties = await TiesByDidAsync(ct).ConfigureAwait(false);
        BureauOutcomes? set = null;
        await Store.ChangeBureauAsync(bureauId, (bureau, epoch, held) =>
        {
            if (bureau.Secretariat != Identity.Did)
            {
                throw new TelexException(TelexErrorKind.Conflict,
                    $"only the bureau's secretariat ({NameIn(bureau, bureau.Secretariat)}) sets the outcomes of {bureau.Name}: every member names its issues by them");
            }

            var (next, wrong) = OutcomeVocabulary.Extend(held?.Terms ?? OutcomeVocabulary.Default, terms);
            if (wrong is not null)
            {
                throw new TelexException(TelexErrorKind.Invalid, wrong);
            }

            // The members of the current epoch as this transaction reads it: one opened meanwhile holds the outcomes
            // these replace, so its members are sent these; one opened after this reads these.
            var others = epoch?.Members.Where(m => m.Did != Identity.Did).ToList() ?? [];
            var routes = others.Count > 0 ? RoutesToMembers(ties, epoch!) : [];
            set = new BureauOutcomes(bureauId, (held?.Version ?? 0) + 1, next);
            return new BureauChange { Bureau = bureau, Outcomes = set, Outbox = [.. routes.Select(r => BureauOutcomesOutbox(r.Tie, set))] };
        }, ct).ConfigureAwait(false);
        if (set is null)
        {
            throw new TelexException(TelexErrorKind.NotFound, $"no bureau {bureauId}");
        }

        Wake();
        Publish("bureau.outcomes");
        return set.Terms;
    }

    /// <summary>
    /// The outbox item carrying a bureau's outcomes to one member. A retired term carries <c>"retired": true</c>; a
    /// member that does not read it takes the term as offered, and files changes by it as every member does.
    /// </summary>
    private OutboxItem BureauOutcomesOutbox(Tie member, BureauOutcomes outcomes) =>
        ControlOutbox(member, MessageTypes.BureauOutcomes, new JsonObject
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

        var held = await Store.GetBureauOutcomesAsync(bureau.Id, ct).ConfigureAwait(false);
        if (held is not null && held.Version >= version)
        {
            return;
        }

        var (next, wrong) = OutcomeVocabulary.Extend(held?.Terms ?? OutcomeVocabulary.Default, terms);
        if (wrong is not null)
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", wrong);
        }

        if (await Store.SetBureauOutcomesAsync(new BureauOutcomes(bureau.Id, version, next), [], ct).ConfigureAwait(false))
        {
            Publish("bureau.outcomes", tie.PeerDid);
        }
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

        var vocabulary = (await Store.GetBureauOutcomesAsync(bureauId, ct).ConfigureAwait(false))?.Terms ?? OutcomeVocabulary.Default;
        if (!vocabulary.Any(t => t.Term == term && t.Means == change.Status))
        {
            throw new InboundRefusal(RefusalKind.Conflict, "e.p.bureau.outcome", "the change names an outcome that is not the bureau's (or means another status in it)");
        }
    }
}
