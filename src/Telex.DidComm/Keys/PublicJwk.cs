namespace Telex.DidComm.Keys;

/// <summary>
/// A public key as a JSON Web Key (RFC 7517; OKP keys per RFC 8037). Immutable. Never holds secret material:
/// secret keys are <see cref="SecretJwk"/>, a separate type.
/// </summary>
public sealed class PublicJwk : IEquatable<PublicJwk>
{
    private readonly byte[] _x;
    private readonly byte[]? _y;
    private NSec.Cryptography.PublicKey? _nsec;
    private byte[]? _apvAsOnlyRecipient;

    private PublicJwk(KeyCurve curve, byte[] x, byte[]? y, string? kid)
    {
        Curve = curve;
        _x = x;
        _y = y;
        Kid = kid;
    }

    /// <summary>The curve.</summary>
    public KeyCurve Curve { get; }

    /// <summary>The OKP public key, or the EC x coordinate.</summary>
    public ReadOnlySpan<byte> X => _x;

    /// <summary>The EC y coordinate; empty for OKP keys.</summary>
    public ReadOnlySpan<byte> Y => _y;

    /// <summary>The key id (<c>kid</c>), if known.</summary>
    public string? Kid { get; }

    /// <summary>Creates a key from raw coordinates. Throws <see cref="ArgumentException"/> on wrong lengths.</summary>
    public static PublicJwk FromCoordinates(KeyCurve curve, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y = default, string? kid = null)
    {
        if (!TryCreate(curve, x.ToArray(), curve.IsOctetKeyPair() ? null : y.ToArray(), kid, out var key, out var error))
        {
            throw new ArgumentException(error);
        }

        return key;
    }

    /// <summary>The same key with another key id.</summary>
    public PublicJwk WithKid(string? kid) => new(Curve, _x, _y, kid) { _nsec = _nsec };

    /// <summary>Parses a public JWK. A <c>d</c> member is refused: this type never carries secrets.</summary>
    public static bool TryParse(JsonElement jwk, out PublicJwk key, out string error) =>
        TryParse(jwk, allowPrivate: false, out key, out error);

    /// <summary>Parses a public JWK from JSON text; throws <see cref="FormatException"/> when invalid.</summary>
    public static PublicJwk Parse(string json)
    {
        using var doc = Jose.Json.ParseText(json, 8);
        return TryParse(doc.RootElement, out var key, out var error) ? key : throw new FormatException(error);
    }

    internal static bool TryParse(JsonElement jwk, bool allowPrivate, out PublicJwk key, out string error)
    {
        key = null!;
        if (jwk.ValueKind != JsonValueKind.Object)
        {
            error = "JWK is not an object";
            return false;
        }

        // Read as UTF-8 and compared in place: every JWE carries an ephemeral key parsed here.
        if (!Jose.Json.TryGetUtf8(jwk, "crv"u8, out var crvUtf8) || !KeyCurves.TryParse(crvUtf8, out var curve))
        {
            error = $"unsupported curve '{Jose.Json.GetString(jwk, "crv"u8)}'";
            return false;
        }

        if (!jwk.TryGetProperty("kty"u8, out var ktyElement) || ktyElement.ValueKind != JsonValueKind.String
            || !ktyElement.ValueEquals(curve.KeyType()))
        {
            error = $"key type '{Jose.Json.GetString(jwk, "kty"u8)}' does not match curve {curve.JwkName()}";
            return false;
        }

        if (!allowPrivate && jwk.TryGetProperty("d"u8, out _))
        {
            error = "a public JWK must not contain 'd'";
            return false;
        }

        if (!TryDecode(jwk, "x"u8, out var x))
        {
            error = "JWK 'x' is missing or not base64url";
            return false;
        }

        byte[]? y = null;
        if (!curve.IsOctetKeyPair() && !TryDecode(jwk, "y"u8, out y))
        {
            error = "JWK 'y' is missing or not base64url";
            return false;
        }

        return TryCreate(curve, x, y, Jose.Json.GetString(jwk, "kid"u8), out key, out error);
    }

    private static bool TryDecode(JsonElement jwk, ReadOnlySpan<byte> name, out byte[] value)
    {
        value = [];
        return Jose.Json.TryGetUtf8(jwk, name, out var text) && Jose.B64.TryDecode(text, out value);
    }

    private static bool TryCreate(KeyCurve curve, byte[] x, byte[]? y, string? kid, out PublicJwk key, out string error)
    {
        key = null!;
        int size = curve.CoordinateSize();
        if (x.Length != size || (!curve.IsOctetKeyPair() && y!.Length != size))
        {
            error = $"{curve.JwkName()} coordinates must be {size} bytes";
            return false;
        }

        key = new PublicJwk(curve, x, y, kid);
        error = "";
        return true;
    }

    /// <summary>Writes the JWK members (<c>kty</c>, <c>crv</c>, <c>x</c>, <c>y</c>, and <c>kid</c> if asked) into an open object.</summary>
    internal void WriteMembers(Utf8JsonWriter writer, bool includeKid = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteString("kty"u8, Curve.KeyType());
        writer.WriteString("crv"u8, Curve.JwkName());
        WriteBase64Url(writer, "x"u8, _x);
        if (_y is not null)
        {
            WriteBase64Url(writer, "y"u8, _y);
        }

        if (includeKid && Kid is not null)
        {
            writer.WriteString("kid"u8, Kid);
        }
    }

    private static void WriteBase64Url(Utf8JsonWriter writer, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        Span<byte> text = stackalloc byte[Base64Url.GetEncodedLength(value.Length)];
        Base64Url.EncodeToUtf8(value, text);
        writer.WriteString(name, text);
    }

    /// <summary>The JWK as compact JSON text.</summary>
    public string ToJson(bool includeKid = false)
    {
        using var buffer = new Jose.PooledBufferWriter();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            WriteMembers(w, includeKid);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>RFC 7638 JWK thumbprint (SHA-256), base64url.</summary>
    public string Thumbprint()
    {
        using var buffer = new Jose.PooledBufferWriter();
        using (var w = new Utf8JsonWriter(buffer))
        {
            // Members in lexicographic order, as RFC 7638 requires.
            w.WriteStartObject();
            w.WriteString("crv"u8, Curve.JwkName());
            w.WriteString("kty"u8, Curve.KeyType());
            w.WriteString("x"u8, Base64Url.EncodeToString(_x));
            if (_y is not null)
            {
                w.WriteString("y"u8, Base64Url.EncodeToString(_y));
            }

            w.WriteEndObject();
        }

        return Base64Url.EncodeToString(SHA256.HashData(buffer.WrittenSpan));
    }

    /// <summary>The JWE apv of a message encrypted to this key alone (SHA-256 of its kid), computed once.</summary>
    internal ReadOnlySpan<byte> ApvAsOnlyRecipient
    {
        get
        {
            if (_apvAsOnlyRecipient is null)
            {
                byte[] apv = new byte[32];
                Jose.Jwe.ComputeApv([Kid ?? throw new InvalidOperationException("the key has no kid")], apv);
                _apvAsOnlyRecipient = apv;
            }

            return _apvAsOnlyRecipient;
        }
    }

    /// <summary>The NSec public key of an OKP key, imported once.</summary>
    internal NSec.Cryptography.PublicKey? NSecKey
    {
        get
        {
            if (_nsec is null && Curve.IsOctetKeyPair())
            {
                NSec.Cryptography.Algorithm alg = Curve == KeyCurve.Ed25519
                    ? NSec.Cryptography.SignatureAlgorithm.Ed25519
                    : NSec.Cryptography.KeyAgreementAlgorithm.X25519;
                NSec.Cryptography.PublicKey.TryImport(alg, _x, NSec.Cryptography.KeyBlobFormat.RawPublicKey, out _nsec);
            }

            return _nsec;
        }
    }

    internal ECParameters ToEcParameters() => EcCurves.PublicParameters(this);

    /// <inheritdoc/>
    public bool Equals(PublicJwk? other) =>
        other is not null && other.Curve == Curve && X.SequenceEqual(other.X) && Y.SequenceEqual(other.Y);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as PublicJwk);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Curve, BitConverter.ToInt32(_x, 0));

    /// <inheritdoc/>
    public override string ToString() => Kid ?? ToJson();
}
