namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>GET /api/officers/history?officer=NAME&amp;limit=N</c> (admin): the acts of officer administration the register's
/// chain records — added, password resets (also offline), unlocks, disabled, enabled, role changes, removals and the
/// agency's own lockouts after failed sign-ins — newest first (default 100, at most 1,000).
/// </summary>
internal static class ListOfficerEvents
{
    /// <summary>Most events one request returns.</summary>
    public const int MaxLimit = 1000;

    public static async Task<Results<Ok<OfficerEventView[]>, ProblemHttpResult>> HandleAsync(string? officer, int? limit, ITelexStore store,
        CancellationToken ct)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return Problems.Invalid("limit", $"from 1 to {MaxLimit}");
        }

        if (officer is not null && Officers.CheckName(officer) is { } problem)
        {
            return Problems.Invalid("officer", problem);
        }

        var events = await store.Officers.ListOfficerEventsAsync(officer, limit ?? 100, ct);
        return TypedResults.Ok(events.Select(OfficerEventView.Of).ToArray());
    }
}
