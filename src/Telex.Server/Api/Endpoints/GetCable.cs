using System.Text;

namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>GET /api/telegrams/{id}/cable?direction=</c>: the telegram in the classic cable layout, as UTF-8 text; an imported
/// cable as it was imported. Like opening it, this marks an inbound telegram read (not for auditors).
/// </summary>
internal static class GetCable
{
    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> HandleAsync(Guid id, string? direction, ClaimsPrincipal user,
        Agency agency, CancellationToken ct)
    {
        var (record, problem) = await RegisterReader.FindAsync(agency, id, direction, ct);
        if (record is null)
        {
            return problem!;
        }

        record = await RegisterReader.OpenAsync(agency, record, user, ct);
        string cable = await RegisterReader.RenderCableAsync(agency, record, ct);
        return TypedResults.Text(cable, "text/plain", Encoding.UTF8);
    }
}
