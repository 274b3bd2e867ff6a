namespace Telex.Server.Api.Endpoints;

/// <summary><c>POST /api/ties/{did}/terms/sign</c> (admin): signs the terms the counterpart proposed; they take effect on both sides.</summary>
internal static class SignTerms
{
    public static async Task<Ok<TieView>> HandleAsync(string did, Agency agency, CancellationToken ct)
    {
        var tie = await agency.Ties.SignProposedTermsAsync(did, ct);
        return TypedResults.Ok(TieView.From(tie, agency.Ties.FingerprintWith(tie.PeerDid)));
    }
}
