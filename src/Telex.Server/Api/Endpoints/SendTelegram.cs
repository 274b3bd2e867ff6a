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
    /// <summary>The operation an idempotency key of a release is kept for, alone or in a batch.</summary>
    internal const string Operation = "POST /api/telegrams";

    public static async Task<Results<Created<TelegramView>, ProblemHttpResult, IdempotentRequest.Replayed>> HandleAsync(SendTelegramRequest? request,
        ClaimsPrincipal user, HttpContext http, Agency agency, ILoggerFactory loggers, CancellationToken ct)
    {
        // An empty body is an empty object: the answer names the first missing field.
        request ??= new SendTelegramRequest(null, null, null, null, null, null, null, null, null);
        string officer = user.OfficerName();
        var (draft, problem) = await DraftAsync(agency, request, officer, "", ct);
        if (draft is null)
        {
            return problem!;
        }

        var names = await RegisterReader.CounterpartNamesAsync(agency, ct);
        return await IdempotentRequest.ReleaseAsync(http, agency, officer, Operation, request,
            async claim => [await ReleaseAsync(agency, draft, officer, claim, loggers, ct)],
            released => Answer(released, names),
            ct);
    }

    /// <summary>
    /// The draft a request describes, drafted by <paramref name="officer"/>, its recipient and relay resolved; else the
    /// problem with it, naming the field after <paramref name="prefix"/>.
    /// </summary>
    internal static async Task<(TelegramDraft? Draft, ProblemHttpResult? Problem)> DraftAsync(Agency agency, SendTelegramRequest request, string officer,
        string prefix, CancellationToken ct)
    {
        if (Validate(request, prefix, out var attachments) is { } problem)
        {
            return (null, problem);
        }

        var (to, refusal) = await Recipients.ResolveAsync(agency, request.To!, ct);
        if (to is null)
        {
            return (null, Problems.Invalid(prefix + "to", refusal!.Message));
        }

        // A relay named by name is trusted by the same rule as a recipient.
        string? via = null;
        if (!string.IsNullOrWhiteSpace(request.Via))
        {
            (via, refusal) = await Recipients.ResolveAsync(agency, request.Via, ct);
            if (via is null)
            {
                return (null, Problems.Invalid(prefix + "via", refusal!.Message));
            }
        }

        return (DraftOf(request, to, officer) with
        {
            References = request.References ?? [],
            Via = via,
            Attachments = attachments,
        }, null);
    }

    /// <summary>Releases a draft under <paramref name="claim"/> (null: no idempotency key), logged as the officer's.</summary>
    internal static async Task<TelegramRecord> ReleaseAsync(Agency agency, TelegramDraft draft, string officer, IdempotencyClaim? claim, ILoggerFactory loggers,
        CancellationToken ct)
    {
        var record = await agency.Telegrams.ReleaseAsync(draft, officer, claim, ct);
        ApiLog.Released(loggers.CreateLogger(ApiLog.Category), officer, record.Id);
        return record;
    }

    /// <summary>The answer to a release: where the telegram is, and its register entry.</summary>
    internal static (string Location, TelegramView Body) Answer(IReadOnlyList<TelegramRecord> released, IReadOnlyDictionary<string, string> names) =>
        ($"/api/telegrams/{released[0].Id}?direction=outbound", TelegramView.From(released[0], RegisterReader.CounterpartName(released[0], names)));

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

    internal static ProblemHttpResult? Validate(SendTelegramRequest r, string prefix, out List<TelegramAttachment> attachments)
    {
        attachments = [];
        for (int i = 0; i < (r.Attachments?.Count ?? 0); i++)
        {
            if (r.Attachments![i] is null)
            {
                return Problems.Invalid($"{prefix}attachments[{i}]", "an object with name, mediaType and contentBase64");
            }
        }

        // The rules every way in shares (Core's TelegramDraftRules); the first broken one is the answer, naming its field.
        if (TelegramDraftRules.Check(r.To, r.Subject, r.Body, r.IssueId, r.OnBehalfOf, r.Attendees, r.References?.Count ?? 0,
            r.Attachments?.Select(a => a.Name).ToList()) is [var broken, ..])
        {
            return Problems.Invalid(prefix + broken.Field, broken.Message);
        }

        if (r.Attachments is not { } uploads)
        {
            return null;
        }

        for (int i = 0; i < uploads.Count; i++)
        {
            var a = uploads[i];
            string at = $"{prefix}attachments[{i}]";
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
