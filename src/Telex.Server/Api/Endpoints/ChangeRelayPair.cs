namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/relay/allow</c> and <c>POST /api/relay/deny</c> (admin): permits, or withdraws the permission, to relay
/// between two counterparts named by DID or name.
/// </summary>
internal static class ChangeRelayPair
{
    public static Task<Results<Ok<RelayPolicyView>, ProblemHttpResult>> AllowAsync(RelayPairRequest? request, Agency agency, CancellationToken ct) =>
        ChangeAsync(request, (a, b) => agency.Relays.AllowAsync(a, b, ct));

    public static Task<Results<Ok<RelayPolicyView>, ProblemHttpResult>> DenyAsync(RelayPairRequest? request, Agency agency, CancellationToken ct) =>
        ChangeAsync(request, (a, b) => agency.Relays.DenyAsync(a, b, ct));

    private static async Task<Results<Ok<RelayPolicyView>, ProblemHttpResult>> ChangeAsync(RelayPairRequest? request,
        Func<string, string, Task<Core.Model.RelayPolicy>> change)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.A) || string.IsNullOrWhiteSpace(request.B))
        {
            return Problems.Invalid(string.IsNullOrWhiteSpace(request?.A) ? "a" : "b", "name both counterparts, by DID or name");
        }

        return TypedResults.Ok(RelayPolicyView.From(await change(request.A, request.B)));
    }
}
