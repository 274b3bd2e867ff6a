namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>GET /api/bureaus/{id}/outcomes</c>: the outcomes the bureau's issues are named by, the same at every member;
/// <c>PUT</c> (admin, at the bureau's secretariat) replaces them and sends them to every member.
/// </summary>
internal static class BureauOutcomes
{
    public static async Task<Ok<IReadOnlyList<OutcomeTerm>>> GetAsync(Guid id, Agency agency, CancellationToken ct) =>
        TypedResults.Ok(await agency.Bureaus.BureauOutcomesAsync(id, ct));

    public static async Task<Results<Ok<IReadOnlyList<OutcomeTerm>>, ProblemHttpResult>> PutAsync(Guid id, OutcomesRequest? request, Agency agency,
        CancellationToken ct)
    {
        if (request?.Outcomes is not { } outcomes)
        {
            return Problems.Invalid("outcomes", "required: a list of { term, means }");
        }

        return TypedResults.Ok(await agency.Bureaus.SetBureauOutcomesAsync(id, outcomes, ct));
    }
}
