namespace Telex.Core.Inbound;

/// <summary>Why a peer's message was refused, as a kind the server maps to its answer.</summary>
public enum RefusalKind
{
    /// <summary>The message is not well formed or breaks a rule of its protocol; sending it again will not help.</summary>
    Malformed,

    /// <summary>The message is larger than this agency takes.</summary>
    TooLarge,

    /// <summary>The sender may not send this: no tie, a tie in the wrong state, or the wrong side of a change.</summary>
    Forbidden,

    /// <summary>The message contradicts what is held here, or names what has not arrived yet (the sender may try again later).</summary>
    Conflict,

    /// <summary>This agency cannot take it now (a queue is full); the sender tries again later.</summary>
    Unavailable,
}

/// <summary>A refused peer message: what kind of refusal, a stable DIDComm problem code and a reason for people.</summary>
/// <param name="Kind">What kind of refusal (the server maps it to its answer).</param>
/// <param name="Code">The DIDComm problem code (e.g. <c>e.p.tie.none</c>); stable, peers and tests match on it.</param>
/// <param name="Reason">Why it was refused, in words.</param>
public sealed record Refusal(RefusalKind Kind, string Code, string Reason)
{
    /// <summary>Not well formed.</summary>
    public static Refusal Malformed(string code, string reason) => new(RefusalKind.Malformed, code, reason);

    /// <summary>The sender may not send this.</summary>
    public static Refusal Forbidden(string code, string reason) => new(RefusalKind.Forbidden, code, reason);

    /// <summary>Contradicts what is held here, or comes before what it depends on.</summary>
    public static Refusal Conflict(string code, string reason) => new(RefusalKind.Conflict, code, reason);
}

/// <summary>
/// A refusal raised from inside a handler, where a check sits deep in parsing or in a store transaction's callback; the
/// gate (and only the gate) catches it and answers with its <see cref="Refusal"/>. Nothing has been stored.
/// </summary>
internal sealed class InboundRefusal(Refusal refusal) : Exception(refusal.Reason)
{
    public InboundRefusal(RefusalKind kind, string code, string reason)
        : this(new Refusal(kind, code, reason))
    {
    }

    public Refusal Refusal { get; } = refusal;
}
