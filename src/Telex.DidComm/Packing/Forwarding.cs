using Telex.DidComm.Jose;
using Telex.DidComm.Messages;

namespace Telex.DidComm;

/// <summary>What a mediator learns by unwrapping one forward hop.</summary>
public sealed class ForwardResult
{
    internal ForwardResult(string next, byte[] forwarded, Message message, UnpackMetadata metadata)
    {
        Next = next;
        Forwarded = forwarded;
        Message = message;
        Metadata = metadata;
    }

    /// <summary>The next hop: a mediator's key id or the final recipient's DID.</summary>
    public string Next { get; }

    /// <summary>The packed message to pass on, as carried (opaque to this hop).</summary>
    public byte[] Forwarded { get; }

    /// <summary>The forward message itself (its headers, e.g. expiry).</summary>
    public Message Message { get; }

    /// <summary>Metadata of the layer addressed to this hop.</summary>
    public UnpackMetadata Metadata { get; }
}

/// <summary>
/// Routing/2.0 forwards: wrapping a packed message for the mediators on its way (with <see cref="DidCommPacker"/>'s
/// keys) and a mediator's step of unwrapping one hop (with <see cref="DidCommUnpacker"/>).
/// </summary>
internal static class Forwarding
{
    /// <summary>
    /// Wraps a packed message for mediators: <paramref name="routingKeys"/>[0] is the first hop (outermost); each
    /// forward names the following hop, the last names <paramref name="to"/>.
    /// </summary>
    public static byte[] Wrap(DidCommPacker packer, ReadOnlySpan<byte> packed, string to, IReadOnlyList<string> routingKeys,
        Crypto.ContentEncryption encryption, IReadOnlyDictionary<string, JsonElement>? headers)
    {
        ArgumentNullException.ThrowIfNull(routingKeys);
        if (routingKeys.Count == 0)
        {
            throw new DidCommException("at least one routing key is required");
        }

        long? expires = null;
        Dictionary<string, JsonElement>? extra = null;
        foreach (var (name, value) in headers ?? new Dictionary<string, JsonElement>())
        {
            switch (name)
            {
                case "expires_time" when value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long t) && t >= 0:
                    expires = t;
                    break;
                case "id" or "type" or "typ" or "body" or "attachments" or "from" or "to" or "expires_time" or "created_time"
                    or "thid" or "pthid" or "from_prior":
                    throw new DidCommException($"forward header '{name}' is reserved or has the wrong type");
                default:
                    (extra ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal))[name] = value;
                    break;
            }
        }

        byte[] current = packed.ToArray();
        for (int i = routingKeys.Count - 1; i >= 0; i--)
        {
            string next = i == routingKeys.Count - 1 ? to : routingKeys[i + 1];
            using var attached = JsonDocument.Parse(current);
            var forward = new Message
            {
                Id = Guid.NewGuid().ToString(),
                Type = DidCommPacker.ForwardType,
                Body = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["next"] = next }),
                ExpiresTime = expires,
                ExtraHeaders = extra,
                Attachments = [new Attachment { Data = new AttachmentData { Json = attached.RootElement.Clone() } }],
            };
            string hop = routingKeys[i];
            var doc = packer.Resolve(DidCommPacker.DidOf(hop));
            var keys = DidCommPacker.AgreementKeys(doc, hop, curve: null);
            using var plaintext = new PooledBufferWriter(current.Length + 512);
            MessageJson.Write(forward, plaintext);
            using var output = new PooledBufferWriter(current.Length * 2);
            Jwe.Encrypt(plaintext.WrittenSpan, keys, null, encryption, output);
            current = output.ToArray();
        }

        return current;
    }

    /// <summary>
    /// A mediator's step: unpacks a message addressed to it and, if it is a forward, returns the next hop and the
    /// message to pass on. Never throws on untrusted input.
    /// </summary>
    public static bool TryUnwrap(DidCommUnpacker unpacker, ReadOnlyMemory<byte> packed, out ForwardResult? result, out UnpackFailure? failure)
    {
        result = null;
        var unpacked = unpacker.Unpack(packed, new UnpackOptions { UnwrapReWrappingForward = false });
        if (!unpacked.Success)
        {
            failure = unpacked.Failure;
            return false;
        }

        if (!TryParse(unpacked.Message, out string? next, out byte[]? forwarded, out string reason))
        {
            failure = new UnpackFailure(UnpackFailureKind.Malformed, reason);
            return false;
        }

        result = new ForwardResult(next, forwarded, unpacked.Message, unpacked.Metadata);
        failure = null;
        return true;
    }

    /// <summary>The next hop and the message a forward carries, or why it carries none.</summary>
    internal static bool TryParse(Message message, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? next,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? forwarded, out string reason)
    {
        next = null;
        forwarded = null;
        if (message.Type != DidCommPacker.ForwardType)
        {
            reason = "not a forward message";
            return false;
        }

        next = Json.GetString(message.Body, "next");
        if (next is null || message.Attachments is not [var attachment, ..])
        {
            reason = "forward needs 'body.next' and one attachment";
            return false;
        }

        if (attachment.Data.Json is { ValueKind: JsonValueKind.Object } json)
        {
            forwarded = JsonSerializer.SerializeToUtf8Bytes(json);
        }
        else if (attachment.Data.Base64 is { } b64 && (B64.TryDecode(b64, out forwarded)
            || B64.TryDecode(b64.TrimEnd('=').Replace('+', '-').Replace('/', '_'), out forwarded)))
        {
            // Accept standard base64 as well: some implementations attach it that way.
        }
        else
        {
            reason = "forward attachment carries no message";
            return false;
        }

        reason = "";
        return true;
    }
}
