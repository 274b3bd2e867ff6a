using NSec.Cryptography;

namespace Telex.DidComm.Keys;

/// <summary>
/// A secret (private) key with its public half. Disposable: <see cref="Dispose"/> zeroes the secret bytes.
/// Kept apart from <see cref="PublicJwk"/> so a secret can never be published by mistake.
/// </summary>
public sealed class SecretJwk : IDisposable
{
    private readonly byte[] _d;
    private Key? _nsec;
    private bool _disposed;

    private SecretJwk(KeyCurve curve, byte[] d, PublicJwk publicKey)
    {
        Curve = curve;
        _d = d;
        PublicKey = publicKey;
    }

    /// <summary>The curve.</summary>
    public KeyCurve Curve { get; }

    /// <summary>The public half; carries the same <see cref="Kid"/>.</summary>
    public PublicJwk PublicKey { get; }

    /// <summary>The key id, if known.</summary>
    public string? Kid => PublicKey.Kid;

    internal ReadOnlySpan<byte> D
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _d;
        }
    }

    /// <summary>Generates a fresh key on a curve from the system's secure random source.</summary>
    public static SecretJwk Generate(KeyCurve curve, string? kid = null)
    {
        if (curve.IsOctetKeyPair())
        {
            Span<byte> seed = stackalloc byte[32];
            RandomNumberGenerator.Fill(seed);
            try
            {
                return FromPrivateBytes(curve, seed, kid);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(seed);
            }
        }

        using var ecdh = ECDiffieHellman.Create(EcCurves.ToEcCurve(curve));
        var p = ecdh.ExportParameters(includePrivateParameters: true);
        try
        {
            return FromPrivateBytes(curve, p.D, kid);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(p.D);
        }
    }

    /// <summary>
    /// Creates a key from its private bytes (the 32-byte seed of an OKP key, or the EC scalar) and derives
    /// the public half. Throws <see cref="ArgumentException"/> if the bytes are not a valid key.
    /// </summary>
    public static SecretJwk FromPrivateBytes(KeyCurve curve, ReadOnlySpan<byte> d, string? kid = null)
    {
        if (!TryFromPrivateBytes(curve, d, kid, out var key, out var error))
        {
            throw new ArgumentException(error, nameof(d));
        }

        return key;
    }

    private static bool TryFromPrivateBytes(KeyCurve curve, ReadOnlySpan<byte> d, string? kid, out SecretJwk key, out string error)
    {
        key = null!;
        int size = curve.CoordinateSize();
        if (d.Length != size)
        {
            error = $"{curve.JwkName()} private key must be {size} bytes";
            return false;
        }

        byte[] copy = d.ToArray();
        try
        {
            if (curve.IsOctetKeyPair())
            {
                var nsec = Key.Import(NSecAlgorithm(curve), copy, KeyBlobFormat.RawPrivateKey,
                    new KeyCreationParameters { ExportPolicy = KeyExportPolicies.None });
                var pub = PublicJwk.FromCoordinates(curve, nsec.PublicKey.Export(KeyBlobFormat.RawPublicKey), kid: kid);
                key = new SecretJwk(curve, copy, pub) { _nsec = nsec };
            }
            else
            {
                using var ecdh = ECDiffieHellman.Create(new ECParameters { Curve = EcCurves.ToEcCurve(curve), D = copy });
                var p = ecdh.ExportParameters(includePrivateParameters: false);
                key = new SecretJwk(curve, copy, PublicJwk.FromCoordinates(curve, p.Q.X, p.Q.Y, kid));
            }
        }
        catch (CryptographicException e)
        {
            CryptographicOperations.ZeroMemory(copy);
            error = $"invalid {curve.JwkName()} private key: {e.Message}";
            return false;
        }

        error = "";
        return true;
    }

    /// <summary>
    /// Parses a private JWK (members <c>kty</c>, <c>crv</c>, <c>d</c>, and optionally <c>x</c>/<c>y</c>,
    /// which must then match <c>d</c>). <paramref name="kid"/> overrides the JWK's own <c>kid</c>.
    /// </summary>
    public static bool TryParse(JsonElement jwk, out SecretJwk key, out string error, string? kid = null)
    {
        key = null!;
        if (jwk.ValueKind != JsonValueKind.Object)
        {
            error = "JWK is not an object";
            return false;
        }

        if (!KeyCurves.TryParse(Jose.Json.GetString(jwk, "crv"), out var curve) || Jose.Json.GetString(jwk, "kty") != curve.KeyType())
        {
            error = "unsupported or inconsistent kty/crv";
            return false;
        }

        if (!jwk.TryGetProperty("d", out var dElement) || dElement.ValueKind != JsonValueKind.String
            || !Jose.B64.TryDecode(dElement.GetString()!, out var d))
        {
            error = "private JWK 'd' is missing or not base64url";
            return false;
        }

        try
        {
            if (!TryFromPrivateBytes(curve, d, kid ?? Jose.Json.GetString(jwk, "kid"), out key, out error))
            {
                return false;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(d);
        }

        if (jwk.TryGetProperty("x", out _))
        {
            if (!PublicJwk.TryParse(jwk, allowPrivate: true, out var stated, out error))
            {
                key.Dispose();
                return false;
            }

            if (!stated.Equals(key.PublicKey))
            {
                key.Dispose();
                error = "private JWK 'x'/'y' do not match 'd'";
                return false;
            }
        }

        return true;
    }

    /// <summary>Parses a private JWK from JSON text; throws <see cref="FormatException"/> when invalid.</summary>
    public static SecretJwk Parse(string json, string? kid = null)
    {
        using var doc = Jose.Json.ParseText(json, MaxSecretsDepth);
        return TryParse(doc.RootElement, out var key, out var error, kid) ? key : throw new FormatException(error);
    }

    // A secret is a JWK inside at most an object inside an array: anything deeper is not a secrets file.
    private const int MaxSecretsDepth = 8;

    /// <summary>
    /// Reads one secret in the shapes DIDComm v2 implementations write, its key id included:
    /// <c>{ "id": kid, "type": "JsonWebKey2020", "privateKeyJwk": { … } }</c> (the reference implementation's
    /// secrets; the <c>type</c> is not checked, the JWK says what the key is), or a bare private JWK with a
    /// <c>kid</c> member (the DIDComm v2 specification's Appendix A, which spells that member <c>"kid "</c>
    /// with a trailing space: it is read as <c>kid</c>). <c>privateKeyMultibase</c> and <c>privateKeyBase58</c>
    /// are refused as unsupported.
    /// </summary>
    public static bool TryParseSecret(JsonElement secret, out SecretJwk key, out string error)
    {
        key = null!;
        if (secret.ValueKind != JsonValueKind.Object)
        {
            error = "secret is not a JSON object";
            return false;
        }

        if (secret.TryGetProperty("privateKeyMultibase", out _) || secret.TryGetProperty("privateKeyBase58", out _))
        {
            error = "secret material other than privateKeyJwk is not supported";
            return false;
        }

        string? kid = null;
        JsonElement jwk = secret;
        if (secret.TryGetProperty("privateKeyJwk", out var inner))
        {
            if (secret.TryGetProperty("id", out var id))
            {
                if (id.ValueKind != JsonValueKind.String || id.GetString() is not { Length: > 0 } idText)
                {
                    error = "secret 'id' is not a string";
                    return false;
                }

                kid = idText;
            }

            jwk = inner;
        }

        if (kid is null && jwk.ValueKind == JsonValueKind.Object)
        {
            foreach (var member in jwk.EnumerateObject())
            {
                if (member.Name.Trim() == "kid" && member.Value.ValueKind == JsonValueKind.String)
                {
                    kid = member.Value.GetString();
                    break;
                }
            }
        }

        if (string.IsNullOrEmpty(kid))
        {
            error = "secret has no key id ('id', or 'kid' in the JWK)";
            return false;
        }

        return TryParse(jwk, out key, out error, kid);
    }

    /// <summary>
    /// Reads secrets from JSON text: an array of secrets, or one secret, each in a shape
    /// <see cref="TryParseSecret"/> reads. Every secret has its key id, ready for <see cref="Dids.SecretResolver"/>.
    /// </summary>
    /// <exception cref="FormatException">The text is not JSON, or a secret is invalid; the message names which.</exception>
    public static IReadOnlyList<SecretJwk> ParseSecrets(string json) =>
        Jose.Json.ParseOneOrArray<SecretJwk>(json, MaxSecretsDepth, "secret", TryParseSecret, discard: s => s.Dispose());

    /// <summary>The same secret with another key id (a new object owning its own copy).</summary>
    public SecretJwk WithKid(string? kid) => FromPrivateBytes(Curve, D, kid);

    /// <summary>
    /// Writes the private JWK, including <c>d</c>, as JSON text. Only for storing the key in the agency's
    /// own protected key file.
    /// </summary>
    public string ExportPrivateJson()
    {
        using var buffer = new Jose.PooledBufferWriter();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            PublicKey.WriteMembers(w, includeKid: true);
            w.WriteString("d"u8, Base64Url.EncodeToString(D));
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The NSec key of an OKP secret, imported once.</summary>
    internal Key NSecKey
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _nsec ?? throw new InvalidOperationException("not an OKP key");
        }
    }

    internal ECParameters ToEcParameters() => new()
    {
        Curve = EcCurves.ToEcCurve(Curve),
        D = D.ToArray(),
        Q = new ECPoint { X = PublicKey.X.ToArray(), Y = PublicKey.Y.ToArray() },
    };

    internal static Algorithm NSecAlgorithm(KeyCurve curve) => curve == KeyCurve.Ed25519
        ? NSec.Cryptography.SignatureAlgorithm.Ed25519
        : KeyAgreementAlgorithm.X25519;

    /// <summary>Zeroes the secret bytes and releases the native key.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        CryptographicOperations.ZeroMemory(_d);
        _nsec?.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"SecretJwk({Curve.JwkName()}, {Kid})";
}
