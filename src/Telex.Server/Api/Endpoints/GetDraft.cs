using Microsoft.AspNetCore.Http.HttpResults;

using Telex.Core;
using Telex.Server.Api.Contracts;

namespace Telex.Server.Api.Endpoints;

/// <summary><c>GET /api/drafts/{id}</c>: a draft with its clearances and every recorded step (who, what, when).</summary>
internal static class GetDraft
{
    public static async Task<Results<Ok<DraftView>, ProblemHttpResult>> HandleAsync(Guid id, Agency agency, CancellationToken ct) =>
        await agency.Store.GetDraftAsync(id, ct) is { } draft
            ? TypedResults.Ok(DraftView.From(draft, await agency.Store.ListClearanceLogAsync(id, ct)))
            : Problems.NotFound($"no draft {id}");
}
