using System.Security.Claims;

using Microsoft.AspNetCore.Http.HttpResults;

using Telex.Core;
using Telex.Server.Api.Contracts;

namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>GET /api/register/{registryNumber}</c>: the inbound telegram filed under that number, in full. Opening it
/// marks it read (not for auditors).
/// </summary>
internal static class GetRegisterEntry
{
    public static async Task<Results<Ok<TelegramView>, ProblemHttpResult>> HandleAsync(long registryNumber, ClaimsPrincipal user, Agency agency,
        CancellationToken ct)
    {
        var record = registryNumber > 0 ? await agency.Store.GetByRegistryNumberAsync(registryNumber, ct) : null;
        if (record is null)
        {
            return Problems.NotFound($"nothing is registered under number {registryNumber}");
        }

        record = await RegisterReader.OpenAsync(agency, record, user, ct);
        return TypedResults.Ok(TelegramView.From(record, await RegisterReader.CounterpartNameAsync(agency, record, ct)));
    }
}
