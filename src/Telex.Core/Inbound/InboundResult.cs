namespace Telex.Core.Inbound;

/// <summary>The answer to a peer's message: accepted, or refused with a <see cref="Inbound.Refusal"/>.</summary>
/// <param name="Refusal">Why it was refused; null when accepted.</param>
public sealed record InboundResult(Refusal? Refusal)
{
    /// <summary>Accepted.</summary>
    public static InboundResult Accepted { get; } = new((Refusal?)null);

    /// <summary>True when accepted.</summary>
    public bool IsAccepted => Refusal is null;

    /// <summary>The DIDComm problem code (e.g. <c>e.p.tie.none</c>), null when accepted.</summary>
    public string? Code => Refusal?.Code;

    /// <summary>Why it was refused, null when accepted.</summary>
    public string? Detail => Refusal?.Reason;
}
