namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/drafts</c> (clerk, releasing officer or admin): submits a telegram for clearance, with the same fields as
/// <c>POST /api/telegrams</c> (the recipient a DID or a counterpart's name). The signed-in officer is the drafter; the
/// clearances the policy requires are listed, and partner agencies are asked. Nothing is sent until every clearance is
/// given and a releasing officer releases it.
/// </summary>
internal static class SubmitDraft
{
    public static async Task<Results<Created<DraftView>, ProblemHttpResult>> HandleAsync(SendTelegramRequest? request, ClaimsPrincipal user,
        Agency agency, CancellationToken ct)
    {
        request ??= new SendTelegramRequest(null, null, null, null, null, null, null, null, null);
        if (SendTelegram.Validate(request, "", out var attachments) is { } problem)
        {
            return problem;
        }

        var (to, refusal) = await Recipients.ResolveAsync(agency, request.To!, ct);
        if (to is null)
        {
            return Problems.Invalid("to", refusal!.Message);
        }

        string officer = user.OfficerName();
        var draft = await agency.Clearance.SubmitDraftAsync(SendTelegram.DraftOf(request, to, officer) with
        {
            References = request.References ?? [],
            Attachments = attachments,
        }, officer, ct);
        return TypedResults.Created($"/api/drafts/{draft.Id}", DraftView.From(draft, await agency.Clearance.ListClearanceLogAsync(draft.Id, ct)));
    }
}
