namespace Telex.Server.Api.Endpoints;

/// <summary><c>GET /api/clearance/rules</c>: the agency's clearance policy.</summary>
internal static class ListClearanceRules
{
    public static async Task<Ok<ClearanceRuleView[]>> HandleAsync(Agency agency, CancellationToken ct) =>
        TypedResults.Ok((await agency.Clearance.GetClearanceRulesAsync(ct)).Select(ClearanceRuleView.From).ToArray());
}
