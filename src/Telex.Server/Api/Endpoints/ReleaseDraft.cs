namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/drafts/{id}/release</c> (releasing officer or admin): releases a cleared draft as a telegram; refused
/// (409) while any clearance is missing or after a refusal. With an <c>Idempotency-Key</c> header a retry gets the first
/// answer, not a 409 for a draft released already (<see cref="IdempotentRequest"/>).
/// </summary>
internal static class ReleaseDraft
{
    public static async Task<Results<Created<TelegramView>, ProblemHttpResult, IdempotentRequest.Replayed>> HandleAsync(Guid id, ClaimsPrincipal user,
        HttpContext http, Agency agency, CancellationToken ct)
    {
        string officer = user.OfficerName();
        var names = await RegisterReader.CounterpartNamesAsync(agency, ct);
        return await IdempotentRequest.ReleaseAsync(http, agency, officer, $"POST /api/drafts/{id}/release", null,
            async claim => [await agency.Clearance.ReleaseDraftAsync(id, officer, claim, ct)],
            released => ($"/api/telegrams/{released[0].Id}?direction=outbound", TelegramView.From(released[0], RegisterReader.CounterpartName(released[0], names))),
            ct);
    }
}
