namespace Telex.Core.Inbound;

/// <summary>A message past the gate, with what the gate found out about its sender, as its handler receives it.</summary>
/// <param name="Message">The message.</param>
/// <param name="Meta">How it was protected (its signed original among it).</param>
/// <param name="Tie">The tie it was judged by (for a relayed one, the origin's, if any).</param>
/// <param name="SenderDid">The DID the tie was looked up by (for a key rotation, the old DID).</param>
internal sealed record InboundMessage(Message Message, UnpackMetadata Meta, Tie? Tie, string SenderDid)
{
    /// <summary>The relay that delivered it; null when it came over the sender's own tie.</summary>
    public Tie? Relay { get; init; }

    /// <summary>For a bureau message: the bureau it names.</summary>
    public Guid BureauId { get; init; }

    /// <summary>For a bureau message: the bureau as held here (null only for a charter not held yet).</summary>
    public Bureau? Bureau { get; init; }

    /// <summary>The sender's tie, for types the gate lets through only over one.</summary>
    public Tie SenderTie => Tie ?? throw new InvalidOperationException("the gate let a message through without the tie its type needs");
}
