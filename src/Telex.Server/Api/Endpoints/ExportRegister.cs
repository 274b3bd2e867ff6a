using System.IO.Compression;
using System.Text;

namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>GET /api/register/export?format=jsonl|cable|html</c>: the whole register as JSON Lines (the default; complete,
/// for a fresh agency to import), as classic cables separated by form-feed lines (<c>text/plain</c>), or as a zip of
/// printable pages, one per telegram and imported cable (<c>application/zip</c>). Who may read the register may
/// export it, in any format.
/// </summary>
internal static class ExportRegister
{
    /// <summary>The formats, as <c>telex register export --format</c> names them.</summary>
    public static readonly string[] Formats = ["jsonl", "cable", "html"];

    public static async Task<IResult> HandleAsync(string? format, HttpContext context, Agency agency, CancellationToken ct)
    {
        switch (format?.ToLowerInvariant())
        {
            case null or "" or "jsonl":
                await WriteJsonLinesAsync(context, agency, ct);
                return Results.Empty;
            case "cable":
                return Results.Text(await agency.Register.ExportCablesAsync(ct), "text/plain; charset=utf-8", Encoding.UTF8);
            case "html":
                return Results.Bytes(await PagesAsync(agency, ct), "application/zip", "register-pages.zip");
            default:
                return Problems.Invalid("format", "one of " + string.Join(", ", Formats));
        }
    }

    /// <summary>Writes the JSON Lines export to the response (the console's download uses this too).</summary>
    public static async Task WriteJsonLinesAsync(HttpContext context, Agency agency, CancellationToken ct)
    {
        context.Response.ContentType = "application/jsonl; charset=utf-8";
        await agency.Register.ExportRegisterAsync(context.Response.Body, ct);
    }

    /// <summary>The printable pages as a zip: one <c>NAME.html</c> per entry, named by its position in the chain.</summary>
    private static async Task<byte[]> PagesAsync(Agency agency, CancellationToken ct)
    {
        var pages = await agency.Register.ExportPagesAsync(ct);
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in pages)
            {
                var entry = zip.CreateEntry(name + ".html", CompressionLevel.Optimal);
                var stream = await entry.OpenAsync(ct);
                await using (stream)
                {
                    await stream.WriteAsync(new UTF8Encoding(false).GetBytes(content), ct);
                }
            }
        }

        return buffer.ToArray();
    }
}
