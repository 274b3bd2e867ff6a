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
    private static readonly System.Buffers.SearchValues<byte> Base64UrlAlphabet =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"u8);

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
        _apv = Base64Url.DecodeFromChars(Jwe.ComputeApv(_kids));
        Random.Shared.NextBytes(_z);
        Random.Shared.NextBytes(_kek);
        Random.Shared.NextBytes(_cek);
        _wrapped = AesKeyWrap.Wrap(_kek, _cek);
        _wrapped32 = AesKeyWrap.Wrap(_kek, _cek.AsSpan(0, 32));
        _aes.Key = _kek;
        if (!KeyWrapOneTransform.Wrap(_kek, _cek).AsSpan().SequenceEqual(_wrapped) || !AesKeyWrap_Unwrap32() || !AesKeyWrap_Unwrap64())
        {
            throw new InvalidOperationException("the candidate key wrap does not match the library's");
        }

        // Setup calls the candidate once per variant, in order, so that each is checked against its own JWS.
        _jwss = [.. _telegram.Messages.Select(m => Sign(m.ToUtf8Json()))];
        _jwsB64s = [.. _jwss.Select(j => Encoding.ASCII.GetBytes(Base64Url.EncodeToString(j)))];
        _encoded = new byte[_jwsB64s[0].Length];
        _decoded = new byte[_jwss[0].Length];
        for (int i = 0; i < Telegram.Variants; i++)
        {
            if (Candidate_StrictDecode_SearchValues() != _jwss[i].Length || !_decoded.AsSpan().SequenceEqual(_jwss[i]))
            {
                throw new InvalidOperationException("the candidate strict decoder does not round-trip the JWS");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _aes.Dispose();
        _telegram.Dispose();
    }

    /// <summary>The library's ephemeral key: random seed, NSec import, public key export, JWK objects.</summary>
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

    /// <summary>
    /// Not the library: RFC 3394 over one reused ECB <see cref="ICryptoTransform"/> instead of a one-shot
    /// <c>EncryptEcb</c> per block, to show what the library's key wrap could cost. Same output (checked in setup).
    /// </summary>
    [Benchmark]
    public byte[] Candidate_Wrap64_OneTransform() => KeyWrapOneTransform.Wrap(_kek, _cek);

    [Benchmark]
    public string Jwe_ComputeApv() => Jwe.ComputeApv(_kids);

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

    /// <summary>
    /// Not the library: the same strictness (alphabet only, no padding or whitespace) checked with a vectorized
    /// <see cref="System.Buffers.SearchValues{T}"/> scan, then the BCL decoder.
    /// </summary>
    [Benchmark]
    public int Candidate_StrictDecode_SearchValues()
    {
        byte[] b64 = _jwsB64s[Next()];
        if (b64.AsSpan().IndexOfAnyExcept(Base64UrlAlphabet) >= 0 || b64.Length % 4 == 1)
        {
            return -1;
        }

        Base64Url.DecodeFromUtf8(b64, _decoded, out _, out int written);
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
