namespace Telex.DidComm.Keys;

/// <summary>The elliptic curves Telex.DidComm understands, as named in JWK (RFC 7518, RFC 8037).</summary>
public enum KeyCurve
{
    /// <summary>Ed25519 (OKP), signatures only.</summary>
    Ed25519,

    /// <summary>X25519 (OKP), key agreement only.</summary>
    X25519,

    /// <summary>NIST P-256 (EC): ES256 signatures and ECDH.</summary>
    P256,

    /// <summary>NIST P-384 (EC): ECDH.</summary>
    P384,

    /// <summary>NIST P-521 (EC): ECDH.</summary>
    P521,

    /// <summary>secp256k1 (EC): ES256K signatures and ECDH.</summary>
    Secp256k1,
}

/// <summary>Facts about each <see cref="KeyCurve"/>.</summary>
internal static class KeyCurves
{
    private static readonly Jose.WireNames<KeyCurve> Names = new(
        (KeyCurve.Ed25519, "Ed25519"),
        (KeyCurve.X25519, "X25519"),
        (KeyCurve.P256, "P-256"),
        (KeyCurve.P384, "P-384"),
        (KeyCurve.P521, "P-521"),
        (KeyCurve.Secp256k1, "secp256k1"));

    /// <summary>The JWK <c>crv</c> name of a curve.</summary>
    public static string JwkName(this KeyCurve curve) => Names.Of(curve);

    /// <summary>The JWK <c>kty</c> of a curve: <c>OKP</c> or <c>EC</c>.</summary>
    public static string KeyType(this KeyCurve curve) => curve.IsOctetKeyPair() ? "OKP" : "EC";

    /// <summary>True for the curves that use the OKP key type (RFC 8037).</summary>
    public static bool IsOctetKeyPair(this KeyCurve curve) => curve is KeyCurve.Ed25519 or KeyCurve.X25519;

    /// <summary>True for the curves that can be used for key agreement.</summary>
    public static bool CanAgree(this KeyCurve curve) => curve != KeyCurve.Ed25519;

    /// <summary>True for the curves that can sign.</summary>
    public static bool CanSign(this KeyCurve curve) => curve is KeyCurve.Ed25519 or KeyCurve.P256 or KeyCurve.Secp256k1;

    /// <summary>Length in bytes of one coordinate (or of the OKP public key) and of the private scalar.</summary>
    public static int CoordinateSize(this KeyCurve curve) => curve switch
    {
        KeyCurve.Ed25519 or KeyCurve.X25519 or KeyCurve.P256 or KeyCurve.Secp256k1 => 32,
        KeyCurve.P384 => 48,
        KeyCurve.P521 => 66,
        _ => throw new ArgumentOutOfRangeException(nameof(curve)),
    };

    /// <summary>Parses a JWK <c>crv</c> given as UTF-8; false when unknown.</summary>
    public static bool TryParse(ReadOnlySpan<byte> name, out KeyCurve curve) => Names.TryParse(name, out curve);

    /// <summary>Parses a JWK <c>crv</c> name; false when unknown.</summary>
    public static bool TryParse(string? name, out KeyCurve curve) => Names.TryParse(name, out curve);
}
