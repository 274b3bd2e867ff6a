namespace Telex.DidComm.Messages;

/// <summary>The data of an attachment: exactly one of inline base64, inline JSON, or links with a hash.</summary>
public sealed record AttachmentData
{
    /// <summary>Inline bytes, base64url as written on the wire.</summary>
    public string? Base64 { get; init; }

    /// <summary>Inline JSON value.</summary>
    public JsonElement? Json { get; init; }

    /// <summary>Where the content can be fetched.</summary>
    public IReadOnlyList<string>? Links { get; init; }

    /// <summary>Multihash of the content; required with <see cref="Links"/>.</summary>
    public string? Hash { get; init; }

    /// <summary>A detached JWS over the content, if any.</summary>
    public JsonElement? Jws { get; init; }
}

/// <summary>A DIDComm attachment (DIDComm v2 §Attachments).</summary>
public sealed record Attachment
{
    /// <summary>The attachment's id within the message.</summary>
    public string? Id { get; init; }

    /// <summary>The content.</summary>
    public required AttachmentData Data { get; init; }

    /// <summary>A human-readable description.</summary>
    public string? Description { get; init; }

    /// <summary>A suggested file name.</summary>
    public string? Filename { get; init; }

    /// <summary>The media type of the content.</summary>
    public string? MediaType { get; init; }

    /// <summary>Further format information.</summary>
    public string? Format { get; init; }

    /// <summary>Last modification, seconds since the epoch.</summary>
    public long? LastmodTime { get; init; }

    /// <summary>Size of the content in bytes.</summary>
    public long? ByteCount { get; init; }
}
