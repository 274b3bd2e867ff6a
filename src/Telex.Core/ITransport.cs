namespace Telex.Core;

/// <summary>The result of handing a packed message to the next hop.</summary>
/// <param name="Accepted">True for a 2xx answer: accepted, not yet delivered.</param>
/// <param name="Status">The HTTP status, or 0 when the peer could not be reached.</param>
/// <param name="Detail">
/// Why it was not accepted, in a few words fit to show a caller: the peer's DIDComm problem code (<c>e.p.tie.none</c>)
/// when its answer named a well-formed one, else what went wrong here. Never text of the peer's answer.
/// </param>
public sealed record TransportResult(bool Accepted, int Status, string? Detail)
{
    /// <summary>The DIDComm problem code the peer refused the message with, when its answer named a well-formed one.</summary>
    public string? Code { get; init; }
}

/// <summary>
/// Delivers packed messages to a peer's endpoint (HTTPS POST in production, plain HTTP on loopback), only where the
/// agency's <see cref="Security.PeerEndpointPolicy"/> allows.
/// </summary>
public interface ITransport
{
    /// <summary>Posts <paramref name="packed"/> to <paramref name="endpoint"/>. Never throws for network errors.</summary>
    Task<TransportResult> SendAsync(string endpoint, ReadOnlyMemory<byte> packed, CancellationToken ct);
}
