using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

using Telex.Core;
using Telex.Core.Model;
using Telex.Core.Storage;
using Telex.Server.Api.Contracts;

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
    internal sealed record Query(
        [FromQuery(Name = "direction")] string? Direction,
        [FromQuery(Name = "counterpart")] string? Counterpart,
        [FromQuery(Name = "issue")] string? Issue,
        [FromQuery(Name = "precedence")] string? Precedence,
        [FromQuery(Name = "status")] string? Status,
        [FromQuery(Name = "from")] string? From,
        [FromQuery(Name = "until")] string? Until,
        [FromQuery(Name = "q")] string? Q,
        [FromQuery(Name = "limit")] string? Limit,
        [FromQuery(Name = "offset")] string? Offset,
        [FromQuery(Name = "imported")] string? Imported);

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

        var found = await agency.Store.QueryAsync(new RegisterQuery
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
