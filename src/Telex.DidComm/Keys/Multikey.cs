using System.Numerics;

namespace Telex.DidComm.Keys;

/// <summary>
/// Multikey encoding of public keys (multibase base58btc of a multicodec-prefixed key; EC keys as compressed
/// points), as used by <c>did:key</c> and <c>did:peer</c>.
/// </summary>
internal static class Multikey
{
    /// <summary>Encodes a public key as a <c>z…</c> multibase string.</summary>
    public static string Encode(PublicJwk key)
    {
        ArgumentNullException.ThrowIfNull(key);
        byte[] prefix = Prefix(key.Curve);
        byte[] raw = key.Curve.IsOctetKeyPair() ? key.X.ToArray() : Compress(key);
        byte[] all = [.. prefix, .. raw];
        return "z" + SimpleBase.Base58.Bitcoin.Encode(all);
    }

    /// <summary>Decodes a <c>z…</c> multibase multikey. False (with a reason) when malformed or unsupported.</summary>
    public static bool TryDecode(string multibase, string? kid, out PublicJwk key, out string error)
    {
        key = null!;
        if (string.IsNullOrEmpty(multibase) || multibase[0] != 'z' || multibase.Length > 200)
        {
            error = "multikey must be base58btc multibase ('z' prefix)";
            return false;
        }

        byte[] bytes;
        try
        {
            bytes = SimpleBase.Base58.Bitcoin.Decode(multibase.AsSpan(1));
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IndexOutOfRangeException or OverflowException)
        {
            // The base58 decoder reports some malformed inputs with an index error: all of them are refusals.
            error = "multikey is not valid base58btc";
            return false;
        }

        if (bytes.Length < 3)
        {
            error = "multikey too short";
            return false;
        }

        KeyCurve? curve = (bytes[0], bytes[1]) switch
        {
            (0xed, 0x01) => KeyCurve.Ed25519,
            (0xec, 0x01) => KeyCurve.X25519,
            (0xe7, 0x01) => KeyCurve.Secp256k1,
            (0x80, 0x24) => KeyCurve.P256,
            (0x81, 0x24) => KeyCurve.P384,
            (0x82, 0x24) => KeyCurve.P521,
            _ => null,
        };
        if (curve is not { } c)
        {
            error = "unsupported multicodec key type";
            return false;
        }

        var raw = bytes.AsSpan(2);
        int size = c.CoordinateSize();
        if (c.IsOctetKeyPair())
        {
            if (raw.Length != size)
            {
                error = $"{c.JwkName()} multikey must hold {size} bytes";
                return false;
            }

            key = PublicJwk.FromCoordinates(c, raw, kid: kid);
            error = "";
            return true;
        }

        if (raw.Length != size + 1 || (raw[0] != 2 && raw[0] != 3) || !TryDecompress(c, raw, out var y))
        {
            error = $"{c.JwkName()} multikey is not a valid compressed point";
            return false;
        }

        key = PublicJwk.FromCoordinates(c, raw[1..], y, kid);
        error = "";
        return true;
    }

    /// <summary>
    /// Converts an Ed25519 public key to the X25519 public key of the same secret (the birational map
    /// u = (1 + y) / (1 - y) mod p), as <c>did:key</c> derives its key-agreement key.
    /// </summary>
    public static PublicJwk Ed25519ToX25519(PublicJwk ed25519, string? kid = null)
    {
        ArgumentNullException.ThrowIfNull(ed25519);
        if (ed25519.Curve != KeyCurve.Ed25519)
        {
            throw new ArgumentException("not an Ed25519 key", nameof(ed25519));
        }

        var p = BigInteger.Pow(2, 255) - 19;
        Span<byte> yBytes = stackalloc byte[32];
        ed25519.X.CopyTo(yBytes);
        yBytes[31] &= 0x7f;
        var y = new BigInteger(yBytes, isUnsigned: true, isBigEndian: false);
        var u = (1 + y) * BigInteger.ModPow(Mod(1 - y, p), p - 2, p) % p;
        byte[] uBytes = new byte[32];
        u.TryWriteBytes(uBytes, out _, isUnsigned: true, isBigEndian: false);
        return PublicJwk.FromCoordinates(KeyCurve.X25519, uBytes, kid: kid);
    }

    private static byte[] Prefix(KeyCurve curve) => curve switch
    {
        KeyCurve.Ed25519 => [0xed, 0x01],
        KeyCurve.X25519 => [0xec, 0x01],
        KeyCurve.Secp256k1 => [0xe7, 0x01],
        KeyCurve.P256 => [0x80, 0x24],
        KeyCurve.P384 => [0x81, 0x24],
        KeyCurve.P521 => [0x82, 0x24],
        _ => throw new ArgumentOutOfRangeException(nameof(curve)),
    };

    private static byte[] Compress(PublicJwk key)
    {
        byte[] result = new byte[key.X.Length + 1];
        result[0] = (byte)((key.Y[^1] & 1) == 0 ? 2 : 3);
        key.X.CopyTo(result.AsSpan(1));
        return result;
    }

    private static bool TryDecompress(KeyCurve curve, ReadOnlySpan<byte> compressed, out byte[] yBytes)
    {
        var (p, a, b) = CurveParameters(curve);
        var x = new BigInteger(compressed[1..], isUnsigned: true, isBigEndian: true);
        yBytes = [];
        if (x >= p)
        {
            return false;
        }

        var rhs = Mod((BigInteger.ModPow(x, 3, p) + (a * x) + b), p);

        // Every supported curve has p ≡ 3 (mod 4), so a square root is rhs^((p+1)/4).
        var y = BigInteger.ModPow(rhs, (p + 1) / 4, p);
        if (BigInteger.ModPow(y, 2, p) != rhs)
        {
            return false;
        }

        if ((y.IsEven ? 2 : 3) != compressed[0])
        {
            y = p - y;
        }

        int size = curve.CoordinateSize();
        yBytes = new byte[size];
        int len = y.GetByteCount(isUnsigned: true);
        y.TryWriteBytes(yBytes.AsSpan(size - len), out _, isUnsigned: true, isBigEndian: true);
        return true;
    }

    private static BigInteger Mod(BigInteger value, BigInteger p)
    {
        var r = value % p;
        return r.Sign < 0 ? r + p : r;
    }

    private static (BigInteger P, BigInteger A, BigInteger B) CurveParameters(KeyCurve curve) => curve switch
    {
        KeyCurve.P256 => (Hex("FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF"), -3,
            Hex("5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B")),
        KeyCurve.P384 => (Hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFF"), -3,
            Hex("B3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF")),
        KeyCurve.P521 => (BigInteger.Pow(2, 521) - 1, -3,
            Hex("0051953EB9618E1C9A1F929A21A0B68540EEA2DA725B99B315F3B8B489918EF109E156193951EC7E937B1652C0BD3BB1BF073573DF883D2C34F1EF451FD46B503F00")),
        KeyCurve.Secp256k1 => (Hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F"), 0, 7),
        _ => throw new ArgumentOutOfRangeException(nameof(curve)),
    };

    private static BigInteger Hex(string hex) =>
        new(Convert.FromHexString(hex), isUnsigned: true, isBigEndian: true);
}
