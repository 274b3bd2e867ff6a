using Telex.Core.Protocol;

namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>GET /api/telegrams/{id}/attachments/{sha256}?direction=</c>: an attachment's content, read from the telegram's
/// plaintext as registered and checked against the hash the register records, as <c>application/octet-stream</c> with
/// the attachment's name reduced to a plain file name (a peer chose it).
/// </summary>
internal static class GetAttachment
{
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> HandleAsync(Guid id, string sha256, string? direction,
        Agency agency, CancellationToken ct)
    {
        var (record, problem) = await RegisterReader.FindAsync(agency, id, direction, ct);
        if (record is null)
        {
            return problem!;
        }

        var info = record.Attachments.FirstOrDefault(a => string.Equals(a.Sha256, sha256, StringComparison.OrdinalIgnoreCase));
        if (info is null || RegisterReader.AttachmentContent(record.Plaintext, info.Sha256) is not { } content)
        {
            return Problems.NotFound($"telegram {id} has no attachment {sha256}");
        }

        return TypedResults.File(content, "application/octet-stream", AttachmentName.ForDownload(info.Name, info.Sha256));
    }
}
