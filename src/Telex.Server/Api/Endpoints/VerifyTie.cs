namespace Telex.Server.Api.Endpoints;

/// <summary><c>POST /api/ties/{did}/verify</c> (admin): records that officers compared the fingerprint over a trusted channel.</summary>
internal static class VerifyTie
{
    public static async Task<Ok<TieView>> HandleAsync(string did, Agency agency, CancellationToken ct)
    {
        var tie = await agency.Ties.VerifyTieAsync(did, ct);
        return TypedResults.Ok(TieView.From(tie, agency.Ties.FingerprintWith(tie.PeerDid)));
    }
}
