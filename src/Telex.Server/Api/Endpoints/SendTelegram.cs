using Telex.Core.Protocol;

namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/telegrams</c> (releasing officer or admin): drafts and releases a telegram in one step; the
/// signed-in officer is both drafter and releasing officer. The answer is the register entry, queued: delivery
/// follows in the background (watch <c>telegram.delivered</c>). With an <c>Idempotency-Key</c> header a retry gets the first
/// answer instead of a second telegram (<see cref="IdempotentRequest"/>). The recipient (<c>to</c>) is a DID or a
/// counterpart's name (<see cref="Recipients"/>); a name that names no one, or several ties, is a validation problem.
/// </summary>
internal static class SendTelegram
{
    public static async Task<Results<Created<TelegramView>, ProblemHttpResult, IdempotentRequest.Replayed>> HandleAsync(SendTelegramRequest? request,
        ClaimsPrincipal user, HttpContext http, Agency agency, ILoggerFactory loggers, CancellationToken ct)
    {
        // An empty body is an empty object: the answer names the first missing field.
        request ??= new SendTelegramRequest(null, null, null, null, null, null, null, null, null);
        if (Validate(request, out var attachments) is { } problem)
        {
            return problem;
        }

        var (to, refusal) = await Recipients.ResolveAsync(agency, request.To!, ct);
        if (to is null)
        {
            return Problems.Invalid("to", refusal!.Message);
        }

        // A relay named by name is trusted by the same rule as a recipient.
        string? via = null;
        if (!string.IsNullOrWhiteSpace(request.Via))
        {
            (via, refusal) = await Recipients.ResolveAsync(agency, request.Via, ct);
            if (via is null)
            {
                return Problems.Invalid("via", refusal!.Message);
            }
        }

        string officer = user.OfficerName();
        var draft = DraftOf(request, to, officer) with
        {
            References = request.References ?? [],
            Via = via,
            Attachments = attachments,
        };
        var names = await RegisterReader.CounterpartNamesAsync(agency, ct);
        return await IdempotentRequest.ReleaseAsync(http, agency, officer, "POST /api/telegrams", request,
            async claim =>
            {
                var record = await agency.Telegrams.ReleaseAsync(draft, officer, claim, ct);
                ApiLog.Released(loggers.CreateLogger(ApiLog.Category), officer, record.Id);
                return [record];
            },
            released => ($"/api/telegrams/{released[0].Id}?direction=outbound", TelegramView.From(released[0], RegisterReader.CounterpartName(released[0], names))),
            ct);
    }

    /// <summary>The draft a validated request describes, to <paramref name="to"/>, drafted by <paramref name="officer"/>.</summary>
    internal static TelegramDraft DraftOf(SendTelegramRequest request, string to, string officer) => new()
    {
        To = to,
        Subject = request.Subject!,
        Body = request.Body!,
        Precedence = request.Precedence ?? Precedence.Routine,
        IssueId = request.IssueId,
        OnBehalfOf = request.OnBehalfOf,
        Drafter = officer,
        Attendees = request.Attendees ?? [],
    };

    internal static ProblemHttpResult? Validate(SendTelegramRequest r, out List<TelegramAttachment> attachments)
    {
        attachments = [];
        for (int i = 0; i < (r.Attachments?.Count ?? 0); i++)
        {
            if (r.Attachments![i] is null)
            {
                return Problems.Invalid($"attachments[{i}]", "an object with name, mediaType and contentBase64");
            }
        }

        // The rules every way in shares (Core's TelegramDraftRules); the first broken one is the answer, naming its field.
        if (TelegramDraftRules.Check(r.To, r.Subject, r.Body, r.IssueId, r.OnBehalfOf, r.Attendees, r.References?.Count ?? 0,
            r.Attachments?.Select(a => a.Name).ToList()) is [var broken, ..])
        {
            return Problems.Invalid(broken.Field, broken.Message);
        }

        if (r.Attachments is not { } uploads)
        {
            return null;
        }

        for (int i = 0; i < uploads.Count; i++)
        {
            var a = uploads[i];
            string at = $"attachments[{i}]";
            if (AttachmentName.MediaTypeProblem(a.MediaType) is { } badType)
            {
                return Problems.Invalid(at + ".mediaType", badType);
            }

            if (a.ContentBase64 is null)
            {
                return Problems.Invalid(at + ".contentBase64", "required");
            }

            byte[] content;
            try
            {
                content = Convert.FromBase64String(a.ContentBase64);
            }
            catch (FormatException)
            {
                return Problems.Invalid(at + ".contentBase64", "not base64");
            }

            attachments.Add(new TelegramAttachment(a.Name!, a.MediaType!, content));
        }

        return null;
    }
}
