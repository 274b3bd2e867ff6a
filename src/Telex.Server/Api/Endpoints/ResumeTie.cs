namespace Telex.Server.Api.Endpoints;

/// <summary><c>POST /api/ties/{did}/resume</c> (admin): resumes a suspended tie, and tells the counterpart.</summary>
internal static class ResumeTie
{
    public static async Task<Ok<TieView>> HandleAsync(string did, Agency agency, CancellationToken ct)
    {
        var tie = await agency.Ties.ChangeTieStatusAsync(did, TieStatus.Established, ct);
        return TypedResults.Ok(TieView.From(tie, agency.Ties.FingerprintWith(tie.PeerDid)));
    }
}
