using System.Text.Json;

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

    /// <summary>Serializes the message to JSON text.</summary>
    public string ToJson() => System.Text.Encoding.UTF8.GetString(ToUtf8Json());
}
