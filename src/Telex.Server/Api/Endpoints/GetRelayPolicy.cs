namespace Telex.Server.Api.Endpoints;

/// <summary><c>GET /api/relay/policy</c>: for which pairs of counterparts this agency relays.</summary>
internal static class GetRelayPolicy
{
    public static async Task<Ok<RelayPolicyView>> HandleAsync(Agency agency, CancellationToken ct) =>
        TypedResults.Ok(RelayPolicyView.From(await agency.Relays.GetPolicyAsync(ct)));
}
