using System.Globalization;
using System.Security.Claims;
using System.Text;

using Telex.Core;
using Telex.Core.Register;
using Telex.Server.Api;
using Telex.Server.Api.Endpoints;

namespace Telex.Server.Console;

/// <summary>What the console hands over as files: a telegram's cable text and the register's export.</summary>
internal static class ConsoleDownloads
{
    /// <summary><c>GET /telegrams/{id}/cable</c>: the classic cable layout as text; like opening it, marks an inbound telegram read.</summary>
    public static async Task<IResult> CableAsync(Guid id, ClaimsPrincipal user, Agency agency, CancellationToken ct)
    {
        var record = await RegisterReader.FindAsync(agency, id, null, ct).ConfigureAwait(false);
        if (record is null)
        {
            return Results.NotFound();
        }

        record = await RegisterReader.OpenAsync(agency, record, user, ct).ConfigureAwait(false);
        string cable = CableFormat.Render(record, agency.Identity.Name, await RegisterReader.CounterpartNameAsync(agency, record, ct).ConfigureAwait(false));
        return Results.Text(cable, "text/plain; charset=utf-8", Encoding.UTF8);
    }

    /// <summary>
    /// <c>GET /register/export?format=jsonl|cable</c>: the whole register as JSON Lines (complete, re-importable) or as
    /// classic cables separated by form feeds, as an attachment.
    /// </summary>
    public static async Task ExportAsync(string? format, HttpContext context, Agency agency, CancellationToken ct)
    {
        string stamp = DateTimeOffset.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        if (format == "cable")
        {
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"register-{stamp}.txt\"";
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(await agency.ExportCablesAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false);
            return;
        }

        context.Response.Headers.ContentDisposition = $"attachment; filename=\"register-{stamp}.jsonl\"";
        await ExportRegister.HandleAsync(context, agency, ct).ConfigureAwait(false);
    }
}
