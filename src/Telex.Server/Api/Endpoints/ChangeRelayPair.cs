namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/relay/allow</c> and <c>POST /api/relay/deny</c> (admin): permits, or withdraws the permission, to relay
/// between two counterparts named by DID or name (<see cref="Recipients"/>).
/// </summary>
internal static class ChangeRelayPair
{
    public static Task<Results<Ok<RelayPolicyView>, ProblemHttpResult>> AllowAsync(RelayPairRequest? request, Agency agency, CancellationToken ct) =>
        ChangeAsync(request, agency, (a, b) => agency.Relays.AllowAsync(a, b, ct), ct);

    public static Task<Results<Ok<RelayPolicyView>, ProblemHttpResult>> DenyAsync(RelayPairRequest? request, Agency agency, CancellationToken ct) =>
        ChangeAsync(request, agency, (a, b) => agency.Relays.DenyAsync(a, b, ct), ct);

    private static async Task<Results<Ok<RelayPolicyView>, ProblemHttpResult>> ChangeAsync(RelayPairRequest? request, Agency agency,
        Func<string, string, Task<Core.Model.RelayPolicy>> change, CancellationToken ct)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.A) || string.IsNullOrWhiteSpace(request.B))
        {
            return Problems.Invalid(string.IsNullOrWhiteSpace(request?.A) ? "a" : "b", "name both counterparts, by DID or name");
        }

        // Each by the one rule for names that address a counterpart: a relay permitted under a name that whoever holds an
        // invitation code could take would relay for them.
        var (a, b, problem) = await Recipients.ResolveFieldsAsync(agency, (request.A, "a"), (request.B, "b"), ct);
        if (problem is not null)
        {
            return problem;
        }

        return TypedResults.Ok(RelayPolicyView.From(await change(a!, b!)));
    }
}
