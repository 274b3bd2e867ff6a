namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/drafts/{id}/resubmit</c> (its drafter): revises a returned draft and submits it again; its clearances are
/// listed afresh under the policy and partner agencies are asked again.
/// </summary>
internal static class ResubmitDraft
{
    public static async Task<Ok<DraftView>> HandleAsync(Guid id, ResubmitRequest? request, ClaimsPrincipal user, Agency agency, CancellationToken ct)
    {
        var draft = await agency.Clearance.ResubmitDraftAsync(id, user.OfficerName(), request?.Subject, request?.Body, ct);
        return TypedResults.Ok(DraftView.From(draft, await agency.Clearance.ListClearanceLogAsync(id, ct)));
    }
}
