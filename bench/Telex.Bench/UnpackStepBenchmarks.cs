using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Text.Json;

using BenchmarkDotNet.Attributes;

using Telex.DidComm;
using Telex.DidComm.Crypto;
using Telex.DidComm.Jose;
using Telex.DidComm.Keys;
using Telex.DidComm.Messages;

namespace Telex.Bench;

/// <summary>
/// The steps of <c>Unpack</c> for the telegram, each on its own, outermost first: parse the JWE, decrypt it,
/// parse the JWS, verify it, parse the message. What <c>Unpack</c> costs beyond their sum is the packer's glue
/// (layer bookkeeping, key resolution, metadata, copies). Each call takes the next variant of the telegram.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class UnpackStepBenchmarks
{
    private readonly DidCommLimits _limits = DidCommLimits.Default;
    private Telegram _telegram = null!;
    private Layers[] _variants = [];
    private byte[] _cek = [];
    private byte[] _decrypted = [];
    private int _next;

    [Params(ContentEncryption.A256Gcm, ContentEncryption.A256CbcHs512)]
    public ContentEncryption Enc { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _telegram = Telegram.Create();
        _cek = new byte[Enc.KeySize()];
        Random.Shared.NextBytes(_cek);
        _variants = [.. _telegram.Messages.Select(m => new Layers(_telegram.PackChecked(m, _telegram.Options(Enc)), this))];
        _decrypted = new byte[_variants[0].Ciphertext.Length];

        // Every step must take its success path on every variant, or the benchmark would time a refusal.
        for (int i = 0; i < Telegram.Variants; i++)
        {
            int variant = i;
            Func<bool>[] steps =
            [
                Step1_ParseJwe, Step2_DecryptJwe, Step3_ParseJws, Step4_VerifyJws, Step5_ParseMessage,
                () => DecryptContent() == _variants[variant].JwsBytes.Length,
            ];
            foreach (var step in steps)
            {
                _next = variant;
                if (!step())
                {
                    throw new InvalidOperationException($"a step fails on variant {variant}");
                }
            }
        }

        _next = 0;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var v in _variants)
        {
            v.Dispose();
        }

        _telegram.Dispose();
    }

    /// <summary>Layer 3: JSON-parse the JWE and its protected header, base64url-decode iv, tag, keys.</summary>
    [Benchmark]
    public bool Step1_ParseJwe()
    {
        using var doc = JsonDocument.Parse(_variants[Next()].Packed);
        return Jwe.TryParse(doc.RootElement, _limits, out _, out _);
    }

    /// <summary>Layer 3: agreement, KDF, key unwrap, base64url-decode and decrypt the content.</summary>
    [Benchmark]
    public bool Step2_DecryptJwe() => Jwe.TryDecrypt(_variants[Next()].ParsedJwe, 0, _telegram.BobAgreement, null, out _, out _);

    /// <summary>Layer 2: JSON-parse the JWS and its header, base64url-decode the payload.</summary>
    [Benchmark]
    public bool Step3_ParseJws()
    {
        using var doc = JsonDocument.Parse(_variants[Next()].JwsBytes);
        return Jws.TryParse(doc.RootElement, _limits, out var jws, out _) && DecodePayload(jws) is not null;
    }

    /// <summary>Layer 2: the Ed25519 verification over protected.payload.</summary>
    [Benchmark]
    public bool Step4_VerifyJws()
    {
        var jws = _variants[Next()].ParsedJws;
        return Jws.Verify(jws.Signatures[0], jws.PayloadB64, _telegram.AliceSigning.PublicKey);
    }

    /// <summary>Layer 1: JSON-parse and validate the message (the body is cloned out of the document).</summary>
    [Benchmark]
    public bool Step5_ParseMessage()
    {
        using var doc = JsonDocument.Parse(_variants[Next()].Plaintext);
        return MessageJson.TryParse(doc.RootElement, _limits, out _, out _);
    }

    /// <summary>Inside step 2: content decryption (and tag check) alone.</summary>
    [Benchmark]
    public int DecryptContent()
    {
        var v = _variants[Next()];
        return Enc.Decrypt(_cek, v.ParsedJwe.Iv, v.Aad, v.Ciphertext, v.Tag, _decrypted);
    }

    // As the packer does it: into a new array, the message's own bytes from here on.
    private static byte[]? DecodePayload(Jws.Parsed jws)
    {
        byte[] payload = new byte[Base64Url.GetMaxDecodedLength(jws.PayloadB64.Length)];
        return B64.TryDecode(jws.PayloadB64, payload, out int written) && written == payload.Length ? payload : null;
    }

    private int Next() => _next++ & (Telegram.Variants - 1);

    /// <summary>One packed variant and each of its layers, ready for the step that needs it.</summary>
    private sealed class Layers : IDisposable
    {
        // The parsed JWE and JWS point into their documents, which therefore live as long as the benchmark.
        private readonly JsonDocument _jweDocument;
        private readonly JsonDocument _jwsDocument;

        public Layers(byte[] packed, UnpackStepBenchmarks owner)
        {
            Packed = packed;
            SecretJwk bob = owner._telegram.BobAgreement;
            _jweDocument = JsonDocument.Parse(packed);
            if (!Jwe.TryParse(_jweDocument.RootElement, owner._limits, out var jwe, out _)
                || !Jwe.TryDecrypt(jwe, 0, bob, null, out var jws, out _))
            {
                throw new InvalidOperationException("the telegram's JWE does not parse or decrypt");
            }

            ParsedJwe = jwe;
            JwsBytes = jws;
            _jwsDocument = JsonDocument.Parse(jws);
            if (!Jws.TryParse(_jwsDocument.RootElement, owner._limits, out var parsedJws, out _)
                || DecodePayload(parsedJws) is not { } plaintext)
            {
                throw new InvalidOperationException("the telegram's JWS does not parse");
            }

            ParsedJws = parsedJws;
            Plaintext = plaintext;

            // Content decryption on its own: the JWS encrypted under a known key, the real protected header as AAD.
            var enc = owner.Enc;
            Aad = JsonMarshal.GetRawUtf8Value(_jweDocument.RootElement.GetProperty("protected"u8))[1..^1].ToArray();
            Ciphertext = new byte[enc.CiphertextSize(jws.Length)];
            Tag = new byte[enc.TagSize()];
            enc.Encrypt(owner._cek, jwe.Iv, Aad, jws, Ciphertext, Tag);
        }

        public byte[] Packed { get; }

        public Jwe.Parsed ParsedJwe { get; }

        public byte[] JwsBytes { get; }

        public Jws.Parsed ParsedJws { get; }

        public byte[] Plaintext { get; }

        public byte[] Aad { get; }

        public byte[] Ciphertext { get; }

        public byte[] Tag { get; }

        public void Dispose()
        {
            _jweDocument.Dispose();
            _jwsDocument.Dispose();
        }
    }
}
