namespace Telex.DidComm;

/// <summary>
/// Bounds on untrusted input. Every limit is checked before the work it bounds; crossing one makes unpack
/// fail with <see cref="UnpackFailureKind.TooLarge"/> or <see cref="UnpackFailureKind.TooDeep"/>.
/// </summary>
public sealed record DidCommLimits
{
    /// <summary>The defaults described on each property.</summary>
    public static DidCommLimits Default { get; } = new();

    /// <summary>
    /// Largest packed message accepted, in bytes. Default 16 MiB: a telegram's body and attachments are bounded
    /// much lower by tie terms; this bound only keeps a hostile peer from making the agency allocate without limit.
    /// </summary>
    public int MaxMessageBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>
    /// Deepest JSON nesting accepted. Default 64: DIDComm envelopes nest a handful of levels and message bodies
    /// are shallow; deep nesting is only ever an attack on the parser.
    /// </summary>
    public int MaxJsonDepth { get; init; } = 64;

    /// <summary>
    /// Most JWE recipients, JWS signatures or <c>to</c> entries. Default 64: a bureau bulletin is fanned out as
    /// separate messages, so a single envelope rarely has more than a few keys; each one costs a key agreement.
    /// </summary>
    public int MaxRecipients { get; init; } = 64;

    /// <summary>Most attachments in one message. Default 128.</summary>
    public int MaxAttachments { get; init; } = 128;

    /// <summary>
    /// Most envelope layers (encryption, signature, forward) around one plaintext. Default 8: the deepest
    /// legitimate form is forward(anoncrypt(authcrypt(signed(plaintext)))) per hop, unwrapped one hop at a time.
    /// </summary>
    public int MaxLayers { get; init; } = 8;
}
