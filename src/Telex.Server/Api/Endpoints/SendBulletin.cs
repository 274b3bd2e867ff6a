namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/bureaus/{id}/bulletins</c> (releasing officer or admin): releases one telegram to every other member of the
/// bureau's current epoch, all in one transaction; each is delivered and receipted on its own. The answer lists them. With
/// an <c>Idempotency-Key</c> header a retry gets the first answer instead of a second bulletin (<see cref="IdempotentRequest"/>).
/// </summary>
internal static class SendBulletin
{
    public static async Task<Results<Created<TelegramSummary[]>, ProblemHttpResult, IdempotentRequest.Replayed>> HandleAsync(Guid id,
        BulletinRequest? request, ClaimsPrincipal user, HttpContext http, Agency agency, CancellationToken ct)
    {
        request ??= new BulletinRequest(null, null, null, null, null, null);

        // The recipient is filled in per member; the rest is checked as for any telegram.
        var asTelegram = new SendTelegramRequest("bureau", request.Subject, request.Body, request.Precedence, request.IssueId, request.OnBehalfOf,
            request.Attendees, null, null);
        if (SendTelegram.Validate(asTelegram, "", out _) is { } problem)
        {
            return problem;
        }

        string officer = user.OfficerName();
        var draft = SendTelegram.DraftOf(asTelegram, "", officer);
        var names = await RegisterReader.CounterpartNamesAsync(agency, ct);
        return await IdempotentRequest.ReleaseAsync(http, agency, officer, $"POST /api/bureaus/{id}/bulletins", request,
            claim => agency.BureauTraffic.SendBulletinAsync(id, draft, officer, claim, ct),
            released => ($"/api/bureaus/{id}", released.Select(r => TelegramSummary.From(r, RegisterReader.CounterpartName(r, names))).ToArray()),
            ct);
    }
}
