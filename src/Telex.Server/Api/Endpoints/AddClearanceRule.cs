namespace Telex.Server.Api.Endpoints;

/// <summary><c>POST /api/clearance/rules</c> (admin): adds a rule to the clearance policy.</summary>
internal static class AddClearanceRule
{
    public static async Task<Results<Created<ClearanceRuleView>, ProblemHttpResult>> HandleAsync(ClearanceRuleRequest? request, Agency agency,
        CancellationToken ct)
    {
        request ??= new ClearanceRuleRequest(null, null, null, null, null);
        if (!QueryValues.TryEnum<Precedence>(request.MinPrecedence, "minPrecedence", out var precedence, out var problem))
        {
            return problem!;
        }

        if (request.Officers is { } officers && officers.Any(string.IsNullOrWhiteSpace))
        {
            return Problems.Invalid("officers", "officer names must not be empty");
        }

        var rule = await agency.Clearance.AddClearanceRuleAsync(new ClearanceRule
        {
            Id = Guid.Empty,
            Counterpart = string.IsNullOrWhiteSpace(request.Counterpart) ? null : request.Counterpart,
            MinPrecedence = precedence,
            Officers = request.Officers ?? [],
            AnyReleasingOfficer = request.AnyReleasingOfficer ?? false,
            Partner = string.IsNullOrWhiteSpace(request.Partner) ? null : request.Partner,
        }, ct);
        return TypedResults.Created($"/api/clearance/rules/{rule.Id}", ClearanceRuleView.From(rule));
    }
}
