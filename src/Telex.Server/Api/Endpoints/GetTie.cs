namespace Telex.Server.Api.Endpoints;

/// <summary><c>GET /api/ties/{did}</c>: one counterpart (the DID URL-encoded in the path).</summary>
internal static class GetTie
{
    public static async Task<Results<Ok<TieView>, ProblemHttpResult>> HandleAsync(string did, Agency agency, CancellationToken ct) =>
        await agency.Ties.GetTieAsync(did, ct) is { } tie
            ? TypedResults.Ok(TieView.From(tie, agency.Ties.FingerprintWith(tie.PeerDid)))
            : Problems.NotFound("no tie with that agency");
}
