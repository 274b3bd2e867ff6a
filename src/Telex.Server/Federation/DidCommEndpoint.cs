using System.Buffers;

using Telex.DidComm;
using Telex.Server.Api.Metrics;

namespace Telex.Server.Federation;

/// <summary>
/// <c>POST /didcomm</c>: the federation endpoint. Takes a packed DIDComm message and answers only accepted (202)
/// or refused (an RFC 9457 problem document with the DIDComm problem code); all real answers travel as messages.
/// </summary>
internal static class DidCommEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext http, Agency agency, TelexMetrics metrics, CancellationToken ct)
    {
        long limit = DidCommLimits.Default.MaxMessageBytes;
        if (http.Request.ContentLength is > 0 and var length && length > limit)
        {
            return Problems.Federation(413, "e.p.msg.toolarge", $"messages are limited to {limit} bytes");
        }

        string? type = http.Request.ContentType;
        if (type is null || !(type.StartsWith("application/didcomm-encrypted+json", StringComparison.OrdinalIgnoreCase)
            || type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)))
        {
            return Problems.Federation(415, "e.p.msg.media-type", "send application/didcomm-encrypted+json");
        }

        var body = new ArrayBufferWriter<byte>(4096);
        var reader = http.Request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(ct).ConfigureAwait(false);
            foreach (var segment in read.Buffer)
            {
                if (body.WrittenCount + segment.Length > limit)
                {
                    await reader.CompleteAsync().ConfigureAwait(false);
                    return Problems.Federation(413, "e.p.msg.toolarge", $"messages are limited to {limit} bytes");
                }

                body.Write(segment.Span);
            }

            reader.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                break;
            }
        }

        metrics.FederationBytes.Add(body.WrittenCount);
        var result = await agency.ReceiveAsync(body.WrittenMemory, ct).ConfigureAwait(false);
        return result.Refusal is { } refusal
            ? Problems.Federation(FederationRefusals.StatusOf(refusal.Kind), refusal.Code, refusal.Reason)
            : Results.Accepted();
    }
}
