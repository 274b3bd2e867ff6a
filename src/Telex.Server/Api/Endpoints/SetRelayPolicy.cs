namespace Telex.Server.Api.Endpoints;

/// <summary><c>POST /api/relay/policy</c> (admin): sets whether any two established ties may be relayed between.</summary>
internal static class SetRelayPolicy
{
    public static async Task<Results<Ok<RelayPolicyView>, ProblemHttpResult>> HandleAsync(RelayPolicyRequest? request, Agency agency, CancellationToken ct)
    {
        if (request?.TiedPairs is not { } tiedPairs)
        {
            return Problems.Invalid("tiedPairs", "say whether to relay between any two established ties (true or false)");
        }

        return TypedResults.Ok(RelayPolicyView.From(await agency.Relays.SetTiedPairsAsync(tiedPairs, ct)));
    }
}
