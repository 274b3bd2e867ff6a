namespace Telex.DidComm.Messages;

/// <summary>
/// <c>from_prior</c>: a compact JWT, signed by a key of the prior DID (<c>iss</c>), announcing that the sender now
/// uses a new DID (<c>sub</c>). Used for key rotation.
/// </summary>
public static class FromPrior
{
    /// <summary>Issues a from_prior JWT: <paramref name="priorKey"/> must be an authentication key of <paramref name="priorDid"/> with its kid.</summary>
    public static string Issue(string priorDid, string newDid, SecretJwk priorKey, long? issuedAt = null)
    {
        ArgumentNullException.ThrowIfNull(priorKey);
        if (priorKey.Kid is null || !priorKey.Kid.StartsWith(priorDid + "#", StringComparison.Ordinal))
        {
            throw new ArgumentException("the signing key must be a key of the prior DID, with its kid", nameof(priorKey));
        }

        if (priorDid == newDid)
        {
            throw new ArgumentException("from_prior must name a different DID", nameof(newDid));
        }

        var alg = Crypto.Signatures.ForCurve(priorKey.Curve);
        byte[] header = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["typ"] = "JWT",
            ["alg"] = Crypto.Signatures.JwsName(alg),
            ["kid"] = priorKey.Kid,
        });
        var claims = new Dictionary<string, object> { ["iss"] = priorDid, ["sub"] = newDid };
        if (issuedAt is { } iat)
        {
            claims["iat"] = iat;
        }

        return Jose.Jws.SignCompact(header, JsonSerializer.SerializeToUtf8Bytes(claims), priorKey);
    }
}
