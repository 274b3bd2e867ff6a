namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/clearance/rules</c> (admin): adds a rule to the clearance policy; its counterpart and partner by DID or
/// name (<see cref="Recipients"/>).
/// </summary>
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

        // The counterpart and the partner by the one rule for names that address a counterpart.
        var (counterpart, partner, named) = await Recipients.ResolveFieldsAsync(agency, (request.Counterpart, "counterpart"), (request.Partner, "partner"), ct);
        if (named is not null)
        {
            return named;
        }

        var rule = await agency.Clearance.AddClearanceRuleAsync(new ClearanceRule
        {
            Id = Guid.Empty,
            Counterpart = counterpart,
            MinPrecedence = precedence,
            Officers = request.Officers ?? [],
            AnyReleasingOfficer = request.AnyReleasingOfficer ?? false,
            Partner = partner,
        }, ct);
        return TypedResults.Created($"/api/clearance/rules/{rule.Id}", ClearanceRuleView.From(rule));
    }
}
