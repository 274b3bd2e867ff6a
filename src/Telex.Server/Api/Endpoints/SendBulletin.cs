using System.Security.Claims;

using Microsoft.AspNetCore.Http.HttpResults;

using Telex.Core;
using Telex.Core.Model;
using Telex.Server.Api.Auth;
using Telex.Server.Api.Contracts;

namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/bureaus/{id}/bulletins</c> (releasing officer or admin): releases one telegram to every other member of the
/// bureau's current epoch, all in one transaction; each is delivered and receipted on its own. The answer lists them.
/// </summary>
internal static class SendBulletin
{
    public static async Task<Results<Created<TelegramSummary[]>, ProblemHttpResult>> HandleAsync(Guid id, BulletinRequest? request, ClaimsPrincipal user,
        Agency agency, CancellationToken ct)
    {
        request ??= new BulletinRequest(null, null, null, null, null, null);

        // The recipient is filled in per member; the rest is checked as for any telegram.
        if (SendTelegram.Validate(new SendTelegramRequest("bureau", request.Subject, request.Body, request.Precedence, request.IssueId, request.OnBehalfOf,
            request.Attendees, null, null), out _) is { } problem)
        {
            return problem;
        }

        string officer = user.OfficerName();
        var records = await agency.SendBulletinAsync(id, new TelegramDraft
        {
            To = "",
            Subject = request.Subject!,
            Body = request.Body!,
            Precedence = request.Precedence ?? Precedence.Routine,
            IssueId = request.IssueId,
            OnBehalfOf = request.OnBehalfOf,
            Drafter = officer,
            Attendees = request.Attendees ?? [],
        }, officer, ct);
        var names = await RegisterReader.CounterpartNamesAsync(agency, ct);
        return TypedResults.Created($"/api/bureaus/{id}",
            records.Select(r => TelegramSummary.From(r, RegisterReader.CounterpartName(r, names))).ToArray());
    }
}
