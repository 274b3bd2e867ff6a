namespace Telex.DidComm.Crypto;

/// <summary>Maps <see cref="KeyCurve"/> to the platform's named EC curves.</summary>
internal static class EcCurves
{
    private static readonly ECCurve Secp256k1 = ECCurve.CreateFromValue("1.3.132.0.10");

    public static ECCurve ToEcCurve(KeyCurve curve) => curve switch
    {
        KeyCurve.P256 => ECCurve.NamedCurves.nistP256,
        KeyCurve.P384 => ECCurve.NamedCurves.nistP384,
        KeyCurve.P521 => ECCurve.NamedCurves.nistP521,
        KeyCurve.Secp256k1 => Secp256k1,
        _ => throw new ArgumentOutOfRangeException(nameof(curve), curve, "not a short-Weierstrass curve"),
    };

    public static ECParameters PublicParameters(PublicJwk key) => new()
    {
        Curve = ToEcCurve(key.Curve),
        Q = new ECPoint { X = key.X.ToArray(), Y = key.Y.ToArray() },
    };
}
