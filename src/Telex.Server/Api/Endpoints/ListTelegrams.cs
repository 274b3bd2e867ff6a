using Microsoft.AspNetCore.Mvc;

namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>GET /api/telegrams</c>: lists or searches the register, newest first. Filters: <c>direction</c>
/// (inbound|outbound), <c>counterpart</c> (DID), <c>issue</c>, <c>precedence</c>, <c>status</c>, <c>from</c> and
/// <c>until</c> (registered at, ISO 8601), <c>q</c> (full text), <c>imported</c> (imported history: <c>included</c>, the
/// default, after the traffic; <c>excluded</c>; or <c>only</c>); paging by <c>limit</c> (default 100, at most 1,000) and
/// <c>offset</c>.
/// </summary>
internal static class ListTelegrams
{
    /// <summary>A full-text query this long is a mistake or an attack; 32 words are searched at most anyway.</summary>
    private const int MaxQueryLength = 1000;

    /// <summary>Every filter as text, parsed by hand so that a bad one is refused naming the parameter.</summary>
    // Init properties, not a positional record: the generated request delegate binds these (a positional record's
    // nullable constructor parameters break the generator's code).
    internal sealed record Query
    {
        [FromQuery(Name = "direction")]
        public string? Direction { get; init; }

        [FromQuery(Name = "counterpart")]
        public string? Counterpart { get; init; }

        [FromQuery(Name = "issue")]
        public string? Issue { get; init; }

        [FromQuery(Name = "precedence")]
        public string? Precedence { get; init; }

        [FromQuery(Name = "status")]
        public string? Status { get; init; }

        [FromQuery(Name = "from")]
        public string? From { get; init; }

        [FromQuery(Name = "until")]
        public string? Until { get; init; }

        [FromQuery(Name = "q")]
        public string? Q { get; init; }

        [FromQuery(Name = "limit")]
        public string? Limit { get; init; }

        [FromQuery(Name = "offset")]
        public string? Offset { get; init; }

        [FromQuery(Name = "imported")]
        public string? Imported { get; init; }
    }

    public static async Task<Results<Ok<TelegramSummary[]>, ProblemHttpResult>> HandleAsync([AsParameters] Query query, Agency agency,
        CancellationToken ct)
    {
        if (!QueryValues.TryEnum<Direction>(query.Direction, "direction", out var direction, out var problem)
            || !QueryValues.TryEnum<Precedence>(query.Precedence, "precedence", out var precedence, out problem)
            || !QueryValues.TryEnum<TelegramStatus>(query.Status, "status", out var status, out problem)
            || !QueryValues.TryTime(query.From, "from", out var from, out problem)
            || !QueryValues.TryTime(query.Until, "until", out var until, out problem)
            || !QueryValues.TryInt(query.Limit, "limit", 1, 1000, out var limit, out problem)
            || !QueryValues.TryInt(query.Offset, "offset", 0, int.MaxValue, out var offset, out problem)
            || !QueryValues.TryEnum<ImportedScope>(query.Imported, "imported", out var imported, out problem))
        {
            return problem!;
        }

        if (query.Q is { Length: > MaxQueryLength })
        {
            return Problems.Invalid("q", $"at most {MaxQueryLength} characters");
        }

        var found = await agency.Register.QueryAsync(new RegisterQuery
        {
            Direction = direction,
            Counterpart = string.IsNullOrEmpty(query.Counterpart) ? null : query.Counterpart,
            IssueId = string.IsNullOrEmpty(query.Issue) ? null : query.Issue,
            Precedence = precedence,
            Status = status,
            From = from,
            Until = until,
            Text = string.IsNullOrWhiteSpace(query.Q) ? null : query.Q,
            Limit = limit ?? 100,
            Offset = offset ?? 0,
            Imported = imported ?? ImportedScope.Included,
        }, ct);
        var names = await RegisterReader.CounterpartNamesAsync(agency, ct);
        return TypedResults.Ok(found.Select(t => TelegramSummary.From(t, RegisterReader.CounterpartName(t, names))).ToArray());
    }
}
