namespace Telex.Server.Api.Endpoints;

/// <summary><c>DELETE /api/clearance/rules/{id}</c> (admin): removes a rule from the clearance policy.</summary>
internal static class RemoveClearanceRule
{
    public static async Task<Results<NoContent, ProblemHttpResult>> HandleAsync(Guid id, Agency agency, CancellationToken ct) =>
        await agency.Clearance.RemoveClearanceRuleAsync(id, ct) ? TypedResults.NoContent() : Problems.NotFound($"no clearance rule {id}");
}
