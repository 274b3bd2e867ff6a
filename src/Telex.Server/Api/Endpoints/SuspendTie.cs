namespace Telex.Server.Api.Endpoints;

/// <summary><c>POST /api/ties/{did}/suspend</c> (admin): suspends the tie; nothing flows until it is resumed, and tells the counterpart.</summary>
internal static class SuspendTie
{
    public static async Task<Ok<TieView>> HandleAsync(string did, Agency agency, CancellationToken ct)
    {
        var tie = await agency.Ties.ChangeTieStatusAsync(did, TieStatus.Suspended, ct);
        return TypedResults.Ok(TieView.From(tie, agency.Ties.FingerprintWith(tie.PeerDid)));
    }
}
