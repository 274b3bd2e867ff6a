using System.Diagnostics.CodeAnalysis;

using Telex.DidComm.Messages;

namespace Telex.DidComm;

/// <summary>Why an untrusted message was refused.</summary>
public enum UnpackFailureKind
{
    /// <summary>Not valid JSON, not a JWE/JWS/JWM, a required member missing or of the wrong type, or inconsistent headers.</summary>
    Malformed,

    /// <summary>Well formed, but uses an algorithm, curve or construction this library does not support.</summary>
    Unsupported,

    /// <summary>None of the recipient keys is ours, or the sender's key cannot be resolved.</summary>
    WrongKey,

    /// <summary>An authentication tag, key unwrap or signature does not verify: the message was changed or forged.</summary>
    Tampered,

    /// <summary>A size or count limit of <see cref="DidCommLimits"/> was crossed.</summary>
    TooLarge,

    /// <summary>The JSON nesting or envelope layering limit was crossed.</summary>
    TooDeep,
}

/// <summary>A typed refusal: the kind and a human-readable reason (safe to send back in a problem report).</summary>
public sealed record UnpackFailure(UnpackFailureKind Kind, string Reason)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Kind}: {Reason}";
}

/// <summary>What unpack learned about the envelope, named as the DIDComm reference implementation names it.</summary>
public sealed record UnpackMetadata
{
    /// <summary>At least one encryption layer.</summary>
    public bool Encrypted { get; init; }

    /// <summary>The sender is authenticated (authcrypt or a signature).</summary>
    public bool Authenticated { get; init; }

    /// <summary>Signed: the sender cannot deny it.</summary>
    public bool NonRepudiation { get; init; }

    /// <summary>An anoncrypt layer hid the sender.</summary>
    public bool AnonymousSender { get; init; }

    /// <summary>The message arrived inside a forward addressed to ourselves and was unwrapped.</summary>
    public bool ReWrappedInForward { get; init; }

    /// <summary>The authcrypt sender key id.</summary>
    public string? EncryptedFromKid { get; init; }

    /// <summary>The recipient key ids of the innermost encryption layer.</summary>
    public IReadOnlyList<string>? EncryptedToKids { get; init; }

    /// <summary>The signer key id.</summary>
    public string? SignFrom { get; init; }

    /// <summary>The issuer key id of a verified <c>from_prior</c>.</summary>
    public string? FromPriorIssuerKid { get; init; }

    /// <summary>The authcrypt algorithm, e.g. <c>A256cbcHs512Ecdh1puA256kw</c>.</summary>
    public string? EncAlgAuth { get; init; }

    /// <summary>The anoncrypt algorithm, e.g. <c>A256gcmEcdhEsA256kw</c>.</summary>
    public string? EncAlgAnon { get; init; }

    /// <summary>The signature algorithm, e.g. <c>EdDSA</c>.</summary>
    public string? SignAlg { get; init; }

    /// <summary>The signed message (JWS JSON) as received, kept for non-repudiation.</summary>
    public ReadOnlyMemory<byte> SignedMessage { get; init; }

    /// <summary>The verified <c>from_prior</c> claims.</summary>
    public JsonElement? FromPrior { get; init; }
}

/// <summary>The outcome of unpacking: a message with its metadata, or a typed failure. Never an exception.</summary>
public sealed class UnpackResult
{
    private UnpackResult(Message? message, ReadOnlyMemory<byte> plaintext, UnpackMetadata? metadata, UnpackFailure? failure)
    {
        Message = message;
        Plaintext = plaintext;
        Metadata = metadata;
        Failure = failure;
    }

    /// <summary>True when the message was unpacked and every check passed.</summary>
    [MemberNotNullWhen(true, nameof(Message), nameof(Metadata))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool Success => Failure is null;

    /// <summary>The plaintext message.</summary>
    public Message? Message { get; }

    /// <summary>The plaintext JWM exactly as it was inside the envelope.</summary>
    public ReadOnlyMemory<byte> Plaintext { get; }

    /// <summary>Envelope metadata.</summary>
    public UnpackMetadata? Metadata { get; }

    /// <summary>Why it was refused.</summary>
    public UnpackFailure? Failure { get; }

    internal static UnpackResult Ok(Message message, ReadOnlyMemory<byte> plaintext, UnpackMetadata metadata) =>
        new(message, plaintext, metadata, null);

    internal static UnpackResult Fail(UnpackFailureKind kind, string reason) => new(null, default, null, new UnpackFailure(kind, reason));

    /// <inheritdoc/>
    public override string ToString() => Success ? $"ok {Message.Type} {Message.Id}" : Failure.ToString();
}
