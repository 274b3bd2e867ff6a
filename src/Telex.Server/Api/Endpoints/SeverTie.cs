namespace Telex.Server.Api.Endpoints;

/// <summary><c>POST /api/ties/{did}/sever</c> (admin): ends the tie for good, and tells the counterpart.</summary>
internal static class SeverTie
{
    public static async Task<Ok<TieView>> HandleAsync(string did, Agency agency, CancellationToken ct)
    {
        var tie = await agency.Ties.ChangeTieStatusAsync(did, TieStatus.Severed, ct);
        return TypedResults.Ok(TieView.From(tie, agency.Ties.FingerprintWith(tie.PeerDid)));
    }
}
