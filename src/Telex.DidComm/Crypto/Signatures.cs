using System.Numerics;

namespace Telex.DidComm.Crypto;

/// <summary>JWS signature algorithms supported for DIDComm signed messages.</summary>
internal enum SignatureAlgorithm
{
    /// <summary>EdDSA with Ed25519 (RFC 8037).</summary>
    EdDsa,

    /// <summary>ECDSA P-256 with SHA-256.</summary>
    Es256,

    /// <summary>ECDSA secp256k1 with SHA-256 (RFC 8812).</summary>
    Es256K,
}

/// <summary>Names and operations of each <see cref="SignatureAlgorithm"/>.</summary>
internal static class Signatures
{
    // Order of the secp256k1 group, to keep ES256K signatures in low-S form (what secp256k1 verifiers expect).
    private static readonly BigInteger Secp256k1Order =
        BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);

    // Half that order, big-endian: an ES256K signature whose s is above it is the high-S twin (r, n - s) of a valid
    // one. Both verify mathematically, so accepting both lets anyone turn one signed message into a second,
    // different byte string that still verifies; secp256k1 verifiers accept only the low-S form, and so does this one.
    private static ReadOnlySpan<byte> Secp256k1HalfOrder =>
    [
        0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0x5D, 0x57, 0x6E, 0x73, 0x57, 0xA4, 0x50, 0x1D, 0xDF, 0xE9, 0x2F, 0x46, 0x68, 0x1B, 0x20, 0xA0,
    ];

    private static readonly Jose.WireNames<SignatureAlgorithm> Names = new(
        (SignatureAlgorithm.EdDsa, "EdDSA"),
        (SignatureAlgorithm.Es256, "ES256"),
        (SignatureAlgorithm.Es256K, "ES256K"));

    /// <summary>The JWS <c>alg</c> value.</summary>
    public static string JwsName(this SignatureAlgorithm alg) => Names.Of(alg);

    /// <summary>Parses a JWS <c>alg</c>.</summary>
    public static bool TryParse(string? name, out SignatureAlgorithm alg) => Names.TryParse(name, out alg);

    /// <summary>The algorithm a key of this curve signs with.</summary>
    public static SignatureAlgorithm ForCurve(KeyCurve curve) => curve switch
    {
        KeyCurve.Ed25519 => SignatureAlgorithm.EdDsa,
        KeyCurve.P256 => SignatureAlgorithm.Es256,
        KeyCurve.Secp256k1 => SignatureAlgorithm.Es256K,
        _ => throw new ArgumentException($"{curve.JwkName()} keys cannot sign"),
    };

    /// <summary>Signature length in bytes.</summary>
    public static int SignatureSize(this SignatureAlgorithm alg) => 64;

    internal static void Sign(SecretJwk key, ReadOnlySpan<byte> data, Span<byte> signature)
    {
        var alg = ForCurve(key.Curve);
        if (alg == SignatureAlgorithm.EdDsa)
        {
            NSec.Cryptography.SignatureAlgorithm.Ed25519.Sign(key.NSecKey, data, signature);
            return;
        }

        using var ecdsa = ECDsa.Create(key.ToEcParameters());
        if (!ecdsa.TrySignData(data, signature, HashAlgorithmName.SHA256, out int written) || written != 64)
        {
            throw new CryptographicException("ECDSA signing failed");
        }

        if (alg == SignatureAlgorithm.Es256K)
        {
            NormalizeLowS(signature[32..]);
        }
    }

    internal static bool Verify(PublicJwk key, SignatureAlgorithm alg, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != 64 || ForCurveOrNull(key.Curve) != alg)
        {
            return false;
        }

        if (alg == SignatureAlgorithm.EdDsa)
        {
            var nsec = key.NSecKey;
            return nsec is not null && NSec.Cryptography.SignatureAlgorithm.Ed25519.Verify(nsec, data, signature);
        }

        if (alg == SignatureAlgorithm.Es256K && IsHighS(signature[32..]))
        {
            return false;
        }

        try
        {
            using var ecdsa = ECDsa.Create(key.ToEcParameters());
            return ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static SignatureAlgorithm? ForCurveOrNull(KeyCurve curve) => curve switch
    {
        KeyCurve.Ed25519 => SignatureAlgorithm.EdDsa,
        KeyCurve.P256 => SignatureAlgorithm.Es256,
        KeyCurve.Secp256k1 => SignatureAlgorithm.Es256K,
        _ => null,
    };

    /// <summary>True when the 32-byte big-endian <paramref name="s"/> is above half the secp256k1 order.</summary>
    private static bool IsHighS(ReadOnlySpan<byte> s) => s.SequenceCompareTo(Secp256k1HalfOrder) > 0;

    private static void NormalizeLowS(Span<byte> s)
    {
        var value = new BigInteger(s, isUnsigned: true, isBigEndian: true);
        if (value > Secp256k1Order / 2)
        {
            value = Secp256k1Order - value;
            s.Clear();
            value.TryWriteBytes(s[(32 - value.GetByteCount(isUnsigned: true))..], out _, isUnsigned: true, isBigEndian: true);
        }
    }
}
