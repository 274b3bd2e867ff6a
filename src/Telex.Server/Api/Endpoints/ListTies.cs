namespace Telex.Server.Api.Endpoints;

/// <summary><c>GET /api/ties</c>: every counterpart this agency knows, with the tie's state and terms.</summary>
internal static class ListTies
{
    public static async Task<Ok<TieView[]>> HandleAsync(Agency agency, CancellationToken ct)
    {
        var ties = await agency.Ties.ListTiesAsync(ct);
        return TypedResults.Ok(ties.Select(t => TieView.From(t, agency.Ties.FingerprintWith(t.PeerDid))).ToArray());
    }
}
