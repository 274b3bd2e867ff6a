using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

using BenchmarkDotNet.Attributes;

using Telex.DidComm.Crypto;
using Telex.DidComm.Dids;
using Telex.DidComm.Jose;
using Telex.DidComm.Keys;

namespace Telex.Bench;

/// <summary>
/// The small pieces inside the JWE and JWS steps, as the library calls them, so that each step's cost beyond
/// its public-key operation can be attributed. Sizes are those of the telegram: a 64-byte content key (the
/// larger, A256CBC-HS512 one) and the telegram's JWS as the data to base64url-encode and decode.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class PieceBenchmarks
{
    private readonly byte[] _z = new byte[32];
    private readonly byte[] _kek = new byte[32];
    private readonly byte[] _derived = new byte[32];
    private readonly byte[] _cek = new byte[64];
    private readonly byte[] _unwrapped = new byte[64];
    private readonly byte[] _block = new byte[16];
    private readonly Aes _aes = Aes.Create();
    private Telegram _telegram = null!;
    private DidResolver _resolver = null!;
    private PublicJwk _ephemeral = null!;
    private byte[] _apv = [];
    private byte[] _wrapped = [];
    private byte[] _wrapped32 = [];
    private byte[][] _jwss = [];
    private byte[][] _jwsB64s = [];
    private byte[] _encoded = [];
    private byte[] _decoded = [];
    private int _next;
    private string[] _kids = [];

    [GlobalSetup]
    public void Setup()
    {
        _telegram = Telegram.Create();
        _resolver = new DidResolver();
        _resolver.TryResolve(_telegram.BobDid, out _);
        using (var ephemeral = SecretJwk.Generate(KeyCurve.X25519))
        {
            _ephemeral = ephemeral.PublicKey;
        }

        _kids = [_telegram.BobAgreement.Kid!];
        _apv = Jwe.ApvBytes(_kids);
        Random.Shared.NextBytes(_z);
        Random.Shared.NextBytes(_kek);
        Random.Shared.NextBytes(_cek);
        _wrapped = AesKeyWrap.Wrap(_kek, _cek);
        _wrapped32 = AesKeyWrap.Wrap(_kek, _cek.AsSpan(0, 32));
        _aes.Key = _kek;
        if (!AesKeyWrap_Unwrap32() || !AesKeyWrap_Unwrap64())
        {
            throw new InvalidOperationException("the library's key unwrap does not undo its wrap");
        }

        // Setup decodes each variant once, in order, so that each is checked against its own JWS.
        _jwss = [.. _telegram.Messages.Select(m => Sign(m.ToUtf8Json()))];
        _jwsB64s = [.. _jwss.Select(j => Encoding.ASCII.GetBytes(Base64Url.EncodeToString(j)))];
        _encoded = new byte[_jwsB64s[0].Length];
        _decoded = new byte[_jwss[0].Length];
        for (int i = 0; i < Telegram.Variants; i++)
        {
            if (Base64Url_DecodeJws() != _jwss[i].Length || !_decoded.AsSpan().SequenceEqual(_jwss[i]))
            {
                throw new InvalidOperationException("the strict decoder does not round-trip the JWS");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _aes.Dispose();
        _telegram.Dispose();
    }

    /// <summary>
    /// An ephemeral <see cref="SecretJwk"/>: random seed, NSec import, public key export, JWK objects. The library
    /// takes X25519 ephemeral keys straight from NSec (as <c>Primitive.X25519_KeyGen</c> does) and this path only
    /// for the other curves; the difference to the primitive is what that saves.
    /// </summary>
    [Benchmark]
    public KeyCurve Lib_GenerateEphemeralKey()
    {
        using var key = SecretJwk.Generate(KeyCurve.X25519);
        return key.Curve;
    }

    /// <summary>The library's agreement (NSec under the hood), Z exported.</summary>
    [Benchmark]
    public bool Lib_Agree() => KeyAgreement.TryAgree(_telegram.BobAgreement, _ephemeral, _z);

    [Benchmark]
    public void ConcatKdf_Derive() => ConcatKdf.DeriveKey(_z, Jwe.AnonAlg, [], _apv, [], _derived);

    /// <summary>The A256GCM content key (32 bytes): 24 AES block operations.</summary>
    [Benchmark]
    public byte[] AesKeyWrap_Wrap32() => AesKeyWrap.Wrap(_kek, _cek.AsSpan(0, 32));

    [Benchmark]
    public bool AesKeyWrap_Unwrap32() => AesKeyWrap.TryUnwrap(_kek, _wrapped32, _unwrapped.AsSpan(0, 32));

    /// <summary>The A256CBC-HS512 content key (64 bytes): 48 AES block operations.</summary>
    [Benchmark]
    public byte[] AesKeyWrap_Wrap64() => AesKeyWrap.Wrap(_kek, _cek);

    [Benchmark]
    public bool AesKeyWrap_Unwrap64() => AesKeyWrap.TryUnwrap(_kek, _wrapped, _unwrapped);

    /// <summary>What AES key wrap and A256CBC pay per call before any block is processed.</summary>
    [Benchmark]
    public int Aes_CreateAndSetKey()
    {
        using var aes = Aes.Create();
        aes.Key = _kek;
        return aes.KeySize;
    }

    /// <summary>
    /// One <see cref="SymmetricAlgorithm.EncryptEcb(ReadOnlySpan{byte}, Span{byte}, PaddingMode)"/> of one block
    /// on an existing <see cref="Aes"/>: RFC 3394 makes 6 n of these (24 for a 32-byte key, 48 for 64 bytes).
    /// </summary>
    [Benchmark]
    public void Aes_EncryptEcbOneBlock() => _aes.EncryptEcb(_block, _block, PaddingMode.None);

    [Benchmark]
    public byte[] Jwe_ApvBytes() => Jwe.ApvBytes(_kids);

    /// <summary>A cached did:peer:2 lookup, as pack and unpack do several times.</summary>
    [Benchmark]
    public bool DidResolver_Cached() => _resolver.TryResolve(_telegram.BobDid, out _);

    /// <summary>base64url of the telegram's JWS, as the JWE ciphertext needs (the payload is ~2/3 of this).</summary>
    [Benchmark]
    public int Base64Url_EncodeJws()
    {
        Base64Url.EncodeToUtf8(_jwss[Next()], _encoded, out _, out int written);
        return written;
    }

    /// <summary>Strict base64url decoding of the same, as unpack does for the ciphertext.</summary>
    [Benchmark]
    public int Base64Url_DecodeJws()
    {
        B64.TryDecode(_jwsB64s[Next()], _decoded, out int written);
        return written;
    }

    /// <summary>The BCL decoder alone, without the library's strict-alphabet pass: what that pass costs.</summary>
    [Benchmark]
    public int Base64Url_DecodeJws_BclOnly()
    {
        Base64Url.DecodeFromUtf8(_jwsB64s[Next()], _decoded, out _, out int written);
        return written;
    }

    private byte[] Sign(byte[] plaintext)
    {
        using var jws = new PooledBufferWriter(4096);
        Jws.Sign(plaintext, _telegram.AliceSigning, _telegram.AliceSigning.Kid!, jws);
        return jws.ToArray();
    }

    private int Next() => _next++ & (Telegram.Variants - 1);
}
