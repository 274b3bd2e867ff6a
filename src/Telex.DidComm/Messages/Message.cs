using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Telex.DidComm.Messages;

/// <summary>
/// A DIDComm v2 plaintext message (JWM). Immutable; build with an object initializer. Header names that this
/// type does not model are kept in <see cref="ExtraHeaders"/> and written back unchanged.
/// </summary>
public sealed record Message
{
    /// <summary>The media type of a plaintext message.</summary>
    public const string PlaintextMediaType = "application/didcomm-plain+json";

    /// <summary>Unique message id.</summary>
    public required string Id { get; init; }

    /// <summary>The message type URI (protocol, version, message name).</summary>
    public required string Type { get; init; }

    /// <summary>The message body, a JSON object.</summary>
    public required JsonElement Body { get; init; }

    /// <summary>The <c>typ</c> header; when present it must be <see cref="PlaintextMediaType"/>.</summary>
    public string? Typ { get; init; } = PlaintextMediaType;

    /// <summary>The sender DID.</summary>
    public string? From { get; init; }

    /// <summary>The recipient DIDs.</summary>
    public IReadOnlyList<string>? To { get; init; }

    /// <summary>Thread id.</summary>
    public string? Thid { get; init; }

    /// <summary>Parent thread id.</summary>
    public string? Pthid { get; init; }

    /// <summary>Creation time, seconds since the epoch.</summary>
    public long? CreatedTime { get; init; }

    /// <summary>Expiry time, seconds since the epoch.</summary>
    public long? ExpiresTime { get; init; }

    /// <summary>A compact JWT announcing a DID rotation, signed by the prior DID.</summary>
    public string? FromPrior { get; init; }

    /// <summary>Attachments.</summary>
    public IReadOnlyList<Attachment>? Attachments { get; init; }

    /// <summary>Headers not modelled above, by name.</summary>
    public IReadOnlyDictionary<string, JsonElement>? ExtraHeaders { get; init; }

    /// <summary>Creates a body element from any serializable value (a convenience for callers).</summary>
    public static JsonElement BodyFrom<T>(T value) => JsonSerializer.SerializeToElement(value);

    /// <summary>An empty body object.</summary>
    public static JsonElement EmptyBody { get; } = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>Serializes the message to UTF-8 JSON.</summary>
    public byte[] ToUtf8Json()
    {
        using var buffer = new Jose.PooledBufferWriter(2048);
        MessageJson.Write(this, buffer);
        return buffer.ToArray();
    }

    /// <summary>Serializes the message to JSON text, as <see cref="DidCommPacker.PackPlaintext"/> does.</summary>
    public string ToJson() => Encoding.UTF8.GetString(ToUtf8Json());

    /// <summary>
    /// Reads a plaintext message (JWM) from JSON text, validated as <see cref="DidCommPacker.Unpack"/> validates a
    /// plaintext: <c>id</c>, <c>type</c> and an object <c>body</c> are required, every known header must have its
    /// type, and <paramref name="limits"/> (default <see cref="DidCommLimits.Default"/>) bound the size, nesting and
    /// attachments. This only reads: a signed or encrypted message must go through <see cref="DidCommPacker.Unpack"/>.
    /// </summary>
    /// <exception cref="FormatException">The text is not a valid plaintext message; the message says why.</exception>
    public static Message Parse(string json, DidCommLimits? limits = null) =>
        TryParse(json, out var message, out string? error, limits) ? message : throw new FormatException(error);

    /// <summary>
    /// Reads a plaintext message as <see cref="Parse"/> does, for input that may be invalid: false with the reason
    /// in <paramref name="error"/> instead of an exception.
    /// </summary>
    public static bool TryParse(string json, [NotNullWhen(true)] out Message? message, [NotNullWhen(false)] out string? error,
        DidCommLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        limits ??= DidCommLimits.Default;
        message = null;
        if (Encoding.UTF8.GetMaxByteCount(json.Length) > limits.MaxMessageBytes && Encoding.UTF8.GetByteCount(json) > limits.MaxMessageBytes)
        {
            error = $"message exceeds {limits.MaxMessageBytes} bytes";
            return false;
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = limits.MaxJsonDepth });
        }
        catch (JsonException e)
        {
            error = "not JSON: " + e.Message;
            return false;
        }

        using (doc)
        {
            if (!MessageJson.TryParse(doc.RootElement, limits, out var parsed, out string reason))
            {
                error = reason;
                return false;
            }

            message = parsed;
            error = null;
            return true;
        }
    }
}
