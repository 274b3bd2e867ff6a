namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>GET /api/issues/outcomes</c>: the outcomes this agency names issue changes by, each a term and the status it
/// means; <c>PUT</c> (admin) replaces them.
/// </summary>
internal static class IssueOutcomes
{
    public static async Task<Ok<IReadOnlyList<OutcomeTerm>>> GetAsync(Agency agency, CancellationToken ct) =>
        TypedResults.Ok(await agency.Issues.OutcomesAsync(ct));

    public static async Task<Results<Ok<IReadOnlyList<OutcomeTerm>>, ProblemHttpResult>> PutAsync(OutcomesRequest? request, Agency agency, CancellationToken ct)
    {
        if (request?.Outcomes is not { } outcomes)
        {
            return Problems.Invalid("outcomes", "required: a list of { term, means }");
        }

        await agency.Issues.SetOutcomesAsync(outcomes, ct);
        return TypedResults.Ok(await agency.Issues.OutcomesAsync(ct));
    }
}
