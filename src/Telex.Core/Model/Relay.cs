namespace Telex.Core.Model;

/// <summary>
/// A relayed envelope held by this agency acting as a relay: only the ciphertext for the next hop, who sent it and
/// where it goes. Never anything of its content.
/// </summary>
/// <param name="Id">The item's id.</param>
/// <param name="FromDid">The DID of the agency that asked for the relay (signer of the forward).</param>
/// <param name="NextDid">The DID of the next hop.</param>
/// <param name="Endpoint">The next hop's federation endpoint.</param>
/// <param name="Envelope">The encrypted message to pass on, exactly as carried.</param>
/// <param name="ReceivedAt">When it was accepted.</param>
/// <param name="DueAt">When the next attempt is due.</param>
/// <param name="ExpiresAt">When it is dropped if still not accepted by the next hop (bounded retention).</param>
/// <param name="Attempts">Attempts made so far.</param>
public sealed record RelayItem(
    Guid Id,
    string FromDid,
    string NextDid,
    string Endpoint,
    byte[] Envelope,
    DateTimeOffset ReceivedAt,
    DateTimeOffset DueAt,
    DateTimeOffset ExpiresAt,
    int Attempts = 0);

/// <summary>
/// For which pairs of counterparts this agency relays. Default: nobody (never an open relay). Pairs are unordered and
/// named by DID.
/// </summary>
public sealed record RelayPolicy
{
    /// <summary>The policy of a new agency: relay for nobody.</summary>
    public static RelayPolicy Nobody { get; } = new();

    /// <summary>Relay between any two counterparts that both hold an established tie with this agency. Default off.</summary>
    public bool TiedPairs { get; init; }

    /// <summary>Pairs of counterpart DIDs relayed for, each pair in ordinal order.</summary>
    public IReadOnlyList<RelayPair> Pairs { get; init; } = [];

    private static readonly System.Text.Json.JsonSerializerOptions Json = new() { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The policy as kept in the <c>relay.policy</c> setting.</summary>
    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this, Json);

    /// <summary>Reads the <c>relay.policy</c> setting; null or empty is <see cref="Nobody"/>.</summary>
    public static RelayPolicy Parse(string? json) =>
        string.IsNullOrWhiteSpace(json) ? Nobody : System.Text.Json.JsonSerializer.Deserialize<RelayPolicy>(json, Json) ?? Nobody;

    /// <summary>Whether the explicit pairs name the unordered pair (<paramref name="a"/>, <paramref name="b"/>).</summary>
    public bool Names(string a, string b) => Pairs.Contains(RelayPair.Of(a, b));
}

/// <summary>An unordered pair of counterparts, kept in ordinal order.</summary>
/// <param name="First">The DID that sorts first.</param>
/// <param name="Second">The other DID.</param>
public sealed record RelayPair(string First, string Second)
{
    /// <summary>The pair of <paramref name="a"/> and <paramref name="b"/> in either order.</summary>
    public static RelayPair Of(string a, string b) => string.CompareOrdinal(a, b) <= 0 ? new(a, b) : new(b, a);
}
