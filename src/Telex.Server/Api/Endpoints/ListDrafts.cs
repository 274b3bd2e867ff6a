namespace Telex.Server.Api.Endpoints;

/// <summary><c>GET /api/drafts?status=</c>: drafts, newest first (status: awaitingclearance, cleared, returned, released).</summary>
internal static class ListDrafts
{
    public static async Task<Results<Ok<DraftView[]>, ProblemHttpResult>> HandleAsync(string? status, Agency agency, CancellationToken ct)
    {
        if (!QueryValues.TryEnum<DraftStatus>(status, "status", out var s, out var problem))
        {
            return problem!;
        }

        return TypedResults.Ok((await agency.Clearance.ListDraftsAsync(s, 1000, ct)).Select(d => DraftView.From(d)).ToArray());
    }
}
