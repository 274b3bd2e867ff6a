namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>GET /api/drafts/{id}</c>: a draft with its clearances and every recorded step (who, what, when);
/// <c>GET /api/drafts/number/{number}</c> the same for the draft with this agency's short number.
/// </summary>
internal static class GetDraft
{
    public static async Task<Results<Ok<DraftView>, ProblemHttpResult>> ByNumberAsync(long number, Agency agency, CancellationToken ct) =>
        await agency.Clearance.GetDraftByNumberAsync(number, ct) is { } draft
            ? TypedResults.Ok(DraftView.From(draft, await agency.Clearance.ListClearanceLogAsync(draft.Id, ct)))
            : Problems.NotFound($"no draft {number} (telex draft list shows them)");

    public static async Task<Results<Ok<DraftView>, ProblemHttpResult>> HandleAsync(Guid id, Agency agency, CancellationToken ct) =>
        await agency.Clearance.GetDraftAsync(id, ct) is { } draft
            ? TypedResults.Ok(DraftView.From(draft, await agency.Clearance.ListClearanceLogAsync(id, ct)))
            : Problems.NotFound($"no draft {id}");
}
