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
    /// Replaces a bureau's outcomes, at its secretariat only: kept with the next version and sent, in one transaction,
    /// to every other member of the current epoch (members joining later receive it with their epoch). Throws when this
    /// agency is not the secretariat, the vocabulary is not well formed or a member cannot be reached.
    /// </summary>
    public async Task<IReadOnlyList<OutcomeTerm>> SetBureauOutcomesAsync(Guid bureauId, IReadOnlyList<OutcomeTerm> terms, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(terms);
        if (OutcomeVocabulary.Problem(terms) is { } problem)
        {
            throw new TelexException(TelexErrorKind.Invalid, problem);
        }

        var bureau = await GetBureauAsync(bureauId, ct).ConfigureAwait(false);
        if (bureau.Secretariat != Identity.Did)
        {
            throw new TelexException(TelexErrorKind.Conflict,
                $"only the bureau's secretariat ({NameIn(bureau, bureau.Secretariat)}) sets the outcomes of {bureau.Name}: every member names its issues by them");
        }

        var epoch = bureau.Epoch > 0 ? await Store.GetBureauEpochAsync(bureauId, bureau.Epoch, ct).ConfigureAwait(false) : null;
        var others = epoch?.Members.Where(m => m.Did != Identity.Did).ToList() ?? [];
        var routes = others.Count > 0 ? await RoutesToMembersAsync(bureau, epoch!, ct).ConfigureAwait(false) : [];
        long version = ((await Store.GetBureauOutcomesAsync(bureauId, ct).ConfigureAwait(false))?.Version ?? 0) + 1;
        var outcomes = new BureauOutcomes(bureauId, version, terms.ToList());
        var outbox = routes.Select(r => BureauOutcomesOutbox(r.Tie, outcomes)).ToList();
        if (!await Store.SetBureauOutcomesAsync(outcomes, outbox, ct).ConfigureAwait(false))
        {
            throw new TelexException(TelexErrorKind.Conflict, $"the outcomes of {bureau.Name} changed meanwhile: try again");
        }

        Wake();
        Publish("bureau.outcomes");
        return outcomes.Terms;
    }

    /// <summary>The outbox item carrying a bureau's outcomes to one member.</summary>
    private OutboxItem BureauOutcomesOutbox(Tie member, BureauOutcomes outcomes) =>
        ControlOutbox(member, MessageTypes.BureauOutcomes, new JsonObject
        {
            ["bureau"] = outcomes.BureauId.ToString(),
            ["version"] = outcomes.Version,
            ["outcomes"] = new JsonArray([.. outcomes.Terms.Select(t => (JsonNode)new JsonObject
            {
                ["term"] = t.Term,
                ["means"] = t.Means.ToString().ToLowerInvariant(),
            })]),
        }, thid: outcomes.BureauId.ToString());

    /// <summary>
    /// A bureau's outcomes from its secretariat (the only member that sets them): kept when newer than those held here.
    /// A vocabulary that is not well formed, or from another member, is refused.
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
                if (term is null || means is null || !means.All(char.IsAsciiLetterLower) || !Enum.TryParse<IssueStatus>(means, ignoreCase: true, out var status))
                {
                    valid = false;
                    break;
                }

                terms.Add(new OutcomeTerm(term, status));
            }
        }

        if (!valid || OutcomeVocabulary.Problem(terms) is not null)
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "a bureau's outcomes carry a version and 1 to 50 well-formed terms, each with the status it means");
        }

        if (await Store.SetBureauOutcomesAsync(new BureauOutcomes(bureau.Id, version, terms), [], ct).ConfigureAwait(false))
        {
            Publish("bureau.outcomes", tie.PeerDid);
        }
    }

    /// <summary>
    /// A change of a bureau's issue from another member must name an outcome of the bureau's vocabulary held here, with
    /// the status it means there. One naming none is malformed (every member names its changes by the bureau's
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
