namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/drafts/{id}/clear</c> and <c>/refuse</c> (clerk, releasing officer or admin): gives or refuses a
/// clearance the draft awaits from the signed-in officer. A refusal needs a reason and returns the draft to its drafter.
/// </summary>
internal static class ClearDraft
{
    public static Task<Ok<DraftView>> GiveAsync(Guid id, DecisionRequest? request, ClaimsPrincipal user, Agency agency, CancellationToken ct) =>
        DecideAsync(id, give: true, request, user, agency, ct);

    public static Task<Ok<DraftView>> RefuseAsync(Guid id, DecisionRequest? request, ClaimsPrincipal user, Agency agency, CancellationToken ct) =>
        DecideAsync(id, give: false, request, user, agency, ct);

    private static async Task<Ok<DraftView>> DecideAsync(Guid id, bool give, DecisionRequest? request, ClaimsPrincipal user, Agency agency,
        CancellationToken ct)
    {
        var draft = await agency.Clearance.ClearDraftAsync(id, user.OfficerName(), user.OfficerRole(), give, request?.Reason, ct);
        return TypedResults.Ok(DraftView.From(draft, await agency.Clearance.ListClearanceLogAsync(id, ct)));
    }
}
