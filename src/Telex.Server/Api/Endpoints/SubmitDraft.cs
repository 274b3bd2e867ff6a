namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/drafts</c> (clerk, releasing officer or admin): submits a telegram for clearance, with the same fields as
/// <c>POST /api/telegrams</c>. The signed-in officer is the drafter; the clearances the policy requires are listed, and
/// partner agencies are asked. Nothing is sent until every clearance is given and a releasing officer releases it.
/// </summary>
internal static class SubmitDraft
{
    public static async Task<Results<Created<DraftView>, ProblemHttpResult>> HandleAsync(SendTelegramRequest? request, ClaimsPrincipal user,
        Agency agency, CancellationToken ct)
    {
        request ??= new SendTelegramRequest(null, null, null, null, null, null, null, null, null);
        if (SendTelegram.Validate(request, out var attachments) is { } problem)
        {
            return problem;
        }

        string officer = user.OfficerName();
        var draft = await agency.Clearance.SubmitDraftAsync(new TelegramDraft
        {
            To = request.To!,
            Subject = request.Subject!,
            Body = request.Body!,
            Precedence = request.Precedence ?? Precedence.Routine,
            IssueId = request.IssueId,
            OnBehalfOf = request.OnBehalfOf,
            Attendees = request.Attendees ?? [],
            References = request.References ?? [],
            Attachments = attachments,
        }, officer, ct);
        return TypedResults.Created($"/api/drafts/{draft.Id}", DraftView.From(draft, await agency.Clearance.ListClearanceLogAsync(draft.Id, ct)));
    }
}
