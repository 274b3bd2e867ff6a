using System.Numerics;
using System.Security.Cryptography;

using Telex.DidComm.Keys;

namespace Telex.DidComm.Crypto;

/// <summary>JWS signature algorithms supported for DIDComm signed messages.</summary>
public enum SignatureAlgorithm
{
    /// <summary>EdDSA with Ed25519 (RFC 8037).</summary>
    EdDsa,

    /// <summary>ECDSA P-256 with SHA-256.</summary>
    Es256,

    /// <summary>ECDSA secp256k1 with SHA-256 (RFC 8812).</summary>
    Es256K,
}

/// <summary>Names and operations of each <see cref="SignatureAlgorithm"/>.</summary>
public static class Signatures
{
    // Order of the secp256k1 group, to keep ES256K signatures in low-S form (what secp256k1 verifiers expect).
    private static readonly BigInteger Secp256k1Order =
        BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);

    /// <summary>The JWS <c>alg</c> value.</summary>
    public static string JwsName(this SignatureAlgorithm alg) => alg switch
    {
        SignatureAlgorithm.EdDsa => "EdDSA",
        SignatureAlgorithm.Es256 => "ES256",
        SignatureAlgorithm.Es256K => "ES256K",
        _ => throw new ArgumentOutOfRangeException(nameof(alg)),
    };

    /// <summary>Parses a JWS <c>alg</c>.</summary>
    public static bool TryParse(string? name, out SignatureAlgorithm alg)
    {
        switch (name)
        {
            case "EdDSA": alg = SignatureAlgorithm.EdDsa; return true;
            case "ES256": alg = SignatureAlgorithm.Es256; return true;
            case "ES256K": alg = SignatureAlgorithm.Es256K; return true;
            default: alg = default; return false;
        }
    }

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
