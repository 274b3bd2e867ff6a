using System.Globalization;
using System.Text;

using Telex.Core.Protocol;
using Telex.Server.Api.Endpoints;

namespace Telex.Server.Console;

/// <summary>What the console hands over as files: a telegram's cable text and the register's export.</summary>
internal static class ConsoleDownloads
{
    /// <summary><c>GET /telegrams/{id}/cable</c>: the classic cable layout as text; like opening it, marks an inbound telegram read.</summary>
    public static async Task<IResult> CableAsync(Guid id, ClaimsPrincipal user, Agency agency, CancellationToken ct)
    {
        var record = await agency.Register.FindAsync(id, null, ct).ConfigureAwait(false);
        if (record is null)
        {
            return Results.NotFound();
        }

        record = await RegisterReader.OpenAsync(agency, record, user, ct).ConfigureAwait(false);
        string cable = await RegisterReader.RenderCableAsync(agency, record, ct).ConfigureAwait(false);
        return Results.Text(cable, "text/plain; charset=utf-8", Encoding.UTF8);
    }

    /// <summary>
    /// <c>GET /telegrams/{id}/attachments/{sha256}?direction=</c>: an attachment's content, read from the telegram's
    /// plaintext as registered and checked against the hash the register records. Always a download
    /// (<c>application/octet-stream</c>, <c>nosniff</c>), never rendered in the console's origin.
    /// </summary>
    public static async Task<IResult> AttachmentAsync(Guid id, string sha256, string? direction, Agency agency, CancellationToken ct)
    {
        Direction? d = Enum.TryParse<Direction>(direction, ignoreCase: true, out var parsed) ? parsed : null;
        var record = await agency.Register.FindAsync(id, d, ct).ConfigureAwait(false);
        var info = record?.Attachments.FirstOrDefault(a => string.Equals(a.Sha256, sha256, StringComparison.Ordinal));
        if (record is null || info is null || RegisterReader.AttachmentContent(record.Plaintext, sha256) is not { } content)
        {
            return Results.NotFound();
        }

        return Results.File(content, "application/octet-stream", AttachmentName.ForDownload(info.Name, sha256));
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
            await context.Response.WriteAsync(await agency.Register.ExportCablesAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false);
            return;
        }

        context.Response.Headers.ContentDisposition = $"attachment; filename=\"register-{stamp}.jsonl\"";
        await ExportRegister.WriteJsonLinesAsync(context, agency, ct).ConfigureAwait(false);
    }
}
