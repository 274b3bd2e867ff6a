using Microsoft.AspNetCore.Mvc;

namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>GET /api/issues</c>: issues, most recently changed first. Filters: <c>counterpart</c> (DID), <c>status</c> (a
/// status, or an outcome term such as <c>premature</c>),
/// <c>q</c> (full text over titles, outcomes and agencies referred to), <c>limit</c> (default 100, at most 1,000).
/// </summary>
internal static class ListIssues
{
    // Init properties, not a positional record: the generated request delegate binds these (a positional record's
    // nullable constructor parameters break the generator's code).
    internal sealed record Query
    {
        [FromQuery(Name = "counterpart")]
        public string? Counterpart { get; init; }

        [FromQuery(Name = "status")]
        public string? Status { get; init; }

        [FromQuery(Name = "q")]
        public string? Q { get; init; }

        [FromQuery(Name = "limit")]
        public string? Limit { get; init; }
    }

    public static async Task<Results<Ok<IssueSummary[]>, ProblemHttpResult>> HandleAsync([AsParameters] Query query, Agency agency, CancellationToken ct)
    {
        if (!QueryValues.TryInt(query.Limit, "limit", 1, 1000, out var limit, out var problem))
        {
            return problem!;
        }

        // A status's own name filters by status; any other well-formed term by the outcome the latest change named.
        IssueStatus? status = null;
        string? term = null;
        if (!string.IsNullOrEmpty(query.Status))
        {
            if (Enum.TryParse<IssueStatus>(query.Status, ignoreCase: true, out var s) && query.Status.All(char.IsAsciiLetter))
            {
                status = s;
            }
            else if (OutcomeVocabulary.IsTerm(query.Status))
            {
                term = query.Status;
            }
            else
            {
                return Problems.Invalid("status", "a status (open, deferred, agreed, referred, closed) or an outcome term");
            }
        }

        if (query.Q is { Length: > 1000 })
        {
            return Problems.Invalid("q", "at most 1000 characters");
        }

        var issues = await agency.Issues.ListIssuesAsync(new IssueQuery
        {
            Counterpart = string.IsNullOrEmpty(query.Counterpart) ? null : query.Counterpart,
            Status = status,
            Term = term,
            Text = string.IsNullOrWhiteSpace(query.Q) ? null : query.Q,
            Limit = limit ?? 100,
        }, ct);
        var names = await RegisterReader.CounterpartNamesAsync(agency, ct);
        return TypedResults.Ok(issues.Select(i => IssueSummary.From(i, names.GetValueOrDefault(i.Counterpart, i.Counterpart))).ToArray());
    }
}
