using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Telex.DidComm.Crypto;
using Telex.DidComm.Jose;
using Telex.DidComm.Keys;
using Telex.DidComm.Messages;

namespace Telex.Bench;

/// <summary>
/// The steps of <c>PackEncrypted</c> for the telegram, each on its own: the three layers (JWM, JWS, JWE) and,
/// inside the JWE, the content encryption. What <c>Pack</c> costs beyond their sum is the packer's own glue
/// (DID resolution, key lookup, buffer copies, the result).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class PackStepBenchmarks
{
    private Telegram _telegram = null!;
    private PublicJwk[] _recipients = [];
    private byte[] _plaintext = [];
    private byte[] _jws = [];
    private byte[] _cek = [];
    private byte[] _iv = [];
    private byte[] _aad = [];
    private byte[] _ciphertext = [];
    private byte[] _tag = [];

    [Params(ContentEncryption.A256Gcm, ContentEncryption.A256CbcHs512)]
    public ContentEncryption Enc { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _telegram = Telegram.Create();
        _recipients = [_telegram.BobAgreement.PublicKey];
        _plaintext = _telegram.Message.ToUtf8Json();
        using var jws = new PooledBufferWriter(4096);
        Jws.Sign(_plaintext, _telegram.AliceSigning, _telegram.AliceSigning.Kid!, jws);
        _jws = jws.ToArray();
        _cek = new byte[Enc.KeySize()];
        _iv = new byte[Enc.IvSize()];
        _tag = new byte[Enc.TagSize()];
        _ciphertext = new byte[Enc.CiphertextSize(_jws.Length)];
        Random.Shared.NextBytes(_cek);
        Random.Shared.NextBytes(_iv);

        // The AAD is the JWE's base64url protected header, as the packer writes it.
        using var jwe = new PooledBufferWriter(8192);
        Jwe.Encrypt(_jws, _recipients, null, Enc, jwe);
        using var doc = JsonDocument.Parse(jwe.WrittenMemory);
        _aad = Encoding.ASCII.GetBytes(doc.RootElement.GetProperty("protected").GetString()!);
    }

    [GlobalCleanup]
    public void Cleanup() => _telegram.Dispose();

    /// <summary>Layer 1: the message as JSON.</summary>
    [Benchmark]
    public int Step1_SerializeMessage()
    {
        using var output = new PooledBufferWriter(4096);
        MessageJson.Write(_telegram.Message, output);
        return output.WrittenCount;
    }

    /// <summary>Layer 2: the JWS (base64url of the payload, one Ed25519 signature, the JSON).</summary>
    [Benchmark]
    public int Step2_SignJws()
    {
        using var output = new PooledBufferWriter(8192);
        Jws.Sign(_plaintext, _telegram.AliceSigning, _telegram.AliceSigning.Kid!, output);
        return output.WrittenCount;
    }

    /// <summary>Layer 3: the JWE (ephemeral key, agreement, KDF, key wrap, content encryption, base64url, JSON).</summary>
    [Benchmark]
    public int Step3_EncryptJwe()
    {
        using var output = new PooledBufferWriter(8192);
        Jwe.Encrypt(_jws, _recipients, null, Enc, output);
        return output.WrittenCount;
    }

    /// <summary>Inside layer 3: content encryption of the JWS alone.</summary>
    [Benchmark]
    public void EncryptContent() => Enc.Encrypt(_cek, _iv, _aad, _jws, _ciphertext, _tag);
}
