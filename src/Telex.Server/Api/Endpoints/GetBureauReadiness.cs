namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>GET /api/bureaus/{id}/readiness</c>: for a bureau this agency founded, how many prospective members it is tied with,
/// whether the readiness rule holds, and who is missing.
/// </summary>
internal static class GetBureauReadiness
{
    public static async Task<Ok<BureauReadinessView>> HandleAsync(Guid id, Agency agency, CancellationToken ct) =>
        TypedResults.Ok(BureauReadinessView.From(await agency.Bureaus.BureauReadinessAsync(id, ct)));
}
