using Telex.Core;

namespace Telex.Server.Api.Endpoints;

/// <summary><c>GET /api/register/export</c>: the whole register as JSON Lines, for a fresh agency to import.</summary>
internal static class ExportRegister
{
    public static async Task HandleAsync(HttpContext context, Agency agency, CancellationToken ct)
    {
        context.Response.ContentType = "application/jsonl; charset=utf-8";
        await agency.ExportRegisterAsync(context.Response.Body, ct);
    }
}
