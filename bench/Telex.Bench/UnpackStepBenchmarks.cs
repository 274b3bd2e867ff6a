using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Telex.DidComm;
using Telex.DidComm.Crypto;
using Telex.DidComm.Jose;
using Telex.DidComm.Messages;

namespace Telex.Bench;

/// <summary>
/// The steps of <c>Unpack</c> for the telegram, each on its own, outermost first: parse the JWE, decrypt it,
/// parse the JWS, verify it, parse the message. What <c>Unpack</c> costs beyond their sum is the packer's glue
/// (layer bookkeeping, key resolution, metadata, copies).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class UnpackStepBenchmarks
{
    private readonly DidCommLimits _limits = DidCommLimits.Default;
    private Telegram _telegram = null!;
    private byte[] _packed = [];
    private JsonDocument _jweDocument = null!;
    private Jwe.Parsed _jwe = null!;
    private byte[] _jws = [];
    private Jws.Parsed _parsedJws;
    private byte[] _plaintext = [];
    private byte[] _cek = [];
    private byte[] _aad = [];
    private byte[] _ciphertext = [];
    private byte[] _tag = [];
    private byte[] _decrypted = [];

    [Params(ContentEncryption.A256Gcm, ContentEncryption.A256CbcHs512)]
    public ContentEncryption Enc { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _telegram = Telegram.Create();
        _packed = _telegram.PackChecked(Telegram.Options(Enc));
        _jweDocument = JsonDocument.Parse(_packed);
        if (!Jwe.TryParse(_jweDocument.RootElement, _limits, out _jwe, out _)
            || !Jwe.TryDecrypt(_jwe, 0, _telegram.BobAgreement, null, out _jws, out _))
        {
            throw new InvalidOperationException("the telegram's JWE does not parse or decrypt");
        }

        using (var jwsDocument = JsonDocument.Parse(_jws))
        {
            if (!Jws.TryParse(jwsDocument.RootElement, _limits, out _parsedJws, out _)
                || !B64.TryDecode(_parsedJws.PayloadB64, out _plaintext))
            {
                throw new InvalidOperationException("the telegram's JWS does not parse");
            }
        }

        // Content decryption on its own: encrypt the JWS under a known key with the real protected header as AAD.
        _cek = new byte[Enc.KeySize()];
        Random.Shared.NextBytes(_cek);
        _aad = Encoding.ASCII.GetBytes(_jwe.ProtectedB64);
        _tag = new byte[Enc.TagSize()];
        _ciphertext = new byte[Enc.CiphertextSize(_jws.Length)];
        Enc.Encrypt(_cek, _jwe.Iv, _aad, _jws, _ciphertext, _tag);
        _decrypted = new byte[_ciphertext.Length];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _jweDocument.Dispose();
        _telegram.Dispose();
    }

    /// <summary>Layer 3: JSON-parse the JWE and its protected header, base64url-decode iv, tag, keys.</summary>
    [Benchmark]
    public bool Step1_ParseJwe()
    {
        using var doc = JsonDocument.Parse(_packed);
        return Jwe.TryParse(doc.RootElement, _limits, out _, out _);
    }

    /// <summary>Layer 3: agreement, KDF, key unwrap, base64url-decode and decrypt the content.</summary>
    [Benchmark]
    public bool Step2_DecryptJwe() => Jwe.TryDecrypt(_jwe, 0, _telegram.BobAgreement, null, out _, out _);

    /// <summary>Layer 2: JSON-parse the JWS and its header, base64url-decode the payload.</summary>
    [Benchmark]
    public bool Step3_ParseJws()
    {
        using var doc = JsonDocument.Parse(_jws);
        return Jws.TryParse(doc.RootElement, _limits, out var jws, out _) && B64.TryDecode(jws.PayloadB64, out _);
    }

    /// <summary>Layer 2: the Ed25519 verification over protected.payload.</summary>
    [Benchmark]
    public bool Step4_VerifyJws() => Jws.Verify(_parsedJws.Signatures[0], _parsedJws.PayloadB64, _telegram.AliceSigning.PublicKey);

    /// <summary>Layer 1: JSON-parse and validate the message (the body is cloned out of the document).</summary>
    [Benchmark]
    public bool Step5_ParseMessage()
    {
        using var doc = JsonDocument.Parse(_plaintext);
        return MessageJson.TryParse(doc.RootElement, _limits, out _, out _);
    }

    /// <summary>Inside step 2: content decryption (and tag check) alone.</summary>
    [Benchmark]
    public int DecryptContent() => Enc.Decrypt(_cek, _jwe.Iv, _aad, _ciphertext, _tag, _decrypted);
}
