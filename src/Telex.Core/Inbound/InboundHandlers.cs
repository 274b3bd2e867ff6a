namespace Telex.Core.Inbound;

/// <summary>What handles a message of one type once it is past the gate.</summary>
internal delegate Task InboundHandler(InboundMessage inbound, CancellationToken ct);

/// <summary>
/// The handlers of the message types the gate lets through, as each service registers its own: over a tie, and (for
/// the few types that may) through a relay from an agency without one. A type registered twice is an error.
/// </summary>
internal sealed class InboundHandlers
{
    /// <summary>Handlers of messages that came over the sender's tie.</summary>
    public Dictionary<string, InboundHandler> Direct { get; } = new(StringComparer.Ordinal);

    /// <summary>Handlers of messages a relay delivered from an agency without a tie here.</summary>
    public Dictionary<string, InboundHandler> Relayed { get; } = new(StringComparer.Ordinal);
}
