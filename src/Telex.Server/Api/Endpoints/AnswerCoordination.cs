namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/coordination/{id}/approve</c> and <c>/refuse</c> (releasing officer or admin): answers a partner's
/// request to clear a telegram; the answer travels back over the tie. A refusal needs a reason.
/// </summary>
internal static class AnswerCoordination
{
    public static Task<Ok<CoordinationView>> ApproveAsync(Guid id, DecisionRequest? request, ClaimsPrincipal user, Agency agency, CancellationToken ct) =>
        AnswerAsync(id, approve: true, request, user, agency, ct);

    public static Task<Ok<CoordinationView>> RefuseAsync(Guid id, DecisionRequest? request, ClaimsPrincipal user, Agency agency, CancellationToken ct) =>
        AnswerAsync(id, approve: false, request, user, agency, ct);

    private static async Task<Ok<CoordinationView>> AnswerAsync(Guid id, bool approve, DecisionRequest? request, ClaimsPrincipal user, Agency agency,
        CancellationToken ct)
    {
        var answered = await agency.Clearance.AnswerCoordinationAsync(id, user.OfficerName(), approve, request?.Reason, ct);
        var tie = await agency.Ties.GetTieAsync(answered.From, ct);
        return TypedResults.Ok(CoordinationView.Of(answered, tie?.PeerName ?? answered.From, await agency.Directory.KnownNameAsync(answered.Recipient, ct)));
    }
}
