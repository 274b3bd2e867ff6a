using System.Security.Claims;

using Microsoft.AspNetCore.Http.HttpResults;

using Telex.Core;
using Telex.Server.Api.Auth;
using Telex.Server.Api.Contracts;

namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/drafts/{id}/release</c> (releasing officer or admin): releases a cleared draft as a telegram; refused
/// (409) while any clearance is missing or after a refusal.
/// </summary>
internal static class ReleaseDraft
{
    public static async Task<Created<TelegramView>> HandleAsync(Guid id, ClaimsPrincipal user, Agency agency, CancellationToken ct)
    {
        var record = await agency.ReleaseDraftAsync(id, user.OfficerName(), ct);
        string name = await RegisterReader.CounterpartNameAsync(agency, record, ct);
        return TypedResults.Created($"/api/telegrams/{record.Id}?direction=outbound", TelegramView.From(record, name));
    }
}
