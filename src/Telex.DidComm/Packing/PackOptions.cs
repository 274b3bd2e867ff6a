using Telex.DidComm.Dids;

namespace Telex.DidComm;

/// <summary>
/// What <see cref="DidCommPacker.PackEncrypted"/> and <see cref="DidCommPacker.PackEncryptedPayload"/> do: to whom,
/// from whom, signed by whom, and how. The parties are named, never positional, so they cannot be swapped silently.
/// </summary>
public sealed record PackEncryptedOptions
{
    /// <summary>The recipient: a DID (every key-agreement key of its first curve) or one of its key ids. Required.</summary>
    public required string To { get; init; }

    /// <summary>
    /// The sender, a DID or one of its key-agreement key ids: authcrypt (ECDH-1PU) from that key. Default null:
    /// anoncrypt (ECDH-ES), the recipient learns nothing of the sender from the encryption.
    /// </summary>
    public string? From { get; init; }

    /// <summary>
    /// The signer, a DID or one of its authentication key ids: the message is signed (JWS) before it is encrypted.
    /// Default null: not signed. Not allowed with <see cref="DidCommPacker.PackEncryptedPayload"/>, whose payload is
    /// packed already.
    /// </summary>
    public string? SignBy { get; init; }

    /// <summary>Wrap authcrypt in anoncrypt so that only the recipient learns the sender. Default false.</summary>
    public bool ProtectSender { get; init; }

    /// <summary>
    /// Wrap for the mediators named by the recipient's DIDComm service (routing keys), first hop outermost.
    /// Default true, as in the DIDComm reference implementation.
    /// </summary>
    public bool Forward { get; init; } = true;

    /// <summary>Headers to add to each forward message. Default none.</summary>
    public IReadOnlyDictionary<string, JsonElement>? ForwardHeaders { get; init; }

    /// <summary>The id of the recipient's service to use; default the first that accepts <c>didcomm/v2</c>.</summary>
    public string? MessagingService { get; init; }

    /// <summary>
    /// Content encryption for anoncrypt layers. Default A256CBC-HS512, the one every DIDComm v2 implementation
    /// must support. Authcrypt always uses A256CBC-HS512, the only one ECDH-1PU allows.
    /// </summary>
    public ContentEncryption AnonEncryption { get; init; } = ContentEncryption.A256CbcHs512;
}

/// <summary>Options for <see cref="DidCommPacker.Unpack"/>.</summary>
public sealed record UnpackOptions
{
    /// <summary>The defaults described on each property.</summary>
    public static UnpackOptions Default { get; } = new();

    /// <summary>
    /// When the plaintext is a forward whose next hop is one of our own DIDs, unwrap it and unpack what it
    /// carries. Default true.
    /// </summary>
    public bool UnwrapReWrappingForward { get; init; } = true;
}

/// <summary>The result of packing.</summary>
/// <param name="Packed">The packed message, UTF-8 JSON, to send as is.</param>
/// <param name="FromKid">The authcrypt sender key, if any.</param>
/// <param name="SignByKid">The signing key, if any.</param>
/// <param name="ToKids">The recipient keys of the message (not of mediators).</param>
/// <param name="MessagingService">The service used, when forwarding was applied or a service exists.</param>
/// <param name="ServiceEndpoint">Where to send <paramref name="Packed"/>: the first mediator's or the recipient's endpoint.</param>
public sealed record PackResult(
    byte[] Packed,
    string? FromKid,
    string? SignByKid,
    IReadOnlyList<string> ToKids,
    DidCommService? MessagingService,
    string? ServiceEndpoint);

/// <summary>
/// Thrown when the caller misuses the packer: an unknown DID, a missing secret, no key both sides can use, or a
/// message that contradicts the arguments. Untrusted input never throws; see <see cref="UnpackResult"/>.
/// </summary>
public sealed class DidCommException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DidCommException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public DidCommException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public DidCommException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
