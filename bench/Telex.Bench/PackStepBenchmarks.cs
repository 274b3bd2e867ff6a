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
/// (DID resolution, key lookup, buffer copies, the result). Each call takes the next variant of the telegram.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class PackStepBenchmarks
{
    private Telegram _telegram = null!;
    private PublicJwk[] _recipients = [];
    private byte[][] _plaintexts = [];
    private byte[][] _jwss = [];
    private byte[] _cek = [];
    private byte[] _iv = [];
    private byte[] _aad = [];
    private byte[] _ciphertext = [];
    private byte[] _tag = [];
    private int _next;

    [Params(ContentEncryption.A256Gcm, ContentEncryption.A256CbcHs512)]
    public ContentEncryption Enc { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _telegram = Telegram.Create();
        _recipients = [_telegram.BobAgreement.PublicKey];
        _plaintexts = [.. _telegram.Messages.Select(m => m.ToUtf8Json())];
        _jwss = [.. _plaintexts.Select(Sign)];
        _cek = new byte[Enc.KeySize()];
        _iv = new byte[Enc.IvSize()];
        _tag = new byte[Enc.TagSize()];
        _ciphertext = new byte[Enc.CiphertextSize(_jwss[0].Length)];
        Random.Shared.NextBytes(_cek);
        Random.Shared.NextBytes(_iv);

        // The AAD is the JWE's base64url protected header, as the packer writes it.
        using var jwe = new PooledBufferWriter(8192);
        Jwe.Encrypt(_jwss[0], _recipients, null, Enc, jwe);
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
        MessageJson.Write(_telegram.Messages[Next()], output);
        return output.WrittenCount;
    }

    /// <summary>Layer 2: the JWS (base64url of the payload, one Ed25519 signature, the JSON).</summary>
    [Benchmark]
    public int Step2_SignJws()
    {
        using var output = new PooledBufferWriter(8192);
        Jws.Sign(_plaintexts[Next()], _telegram.AliceSigning, _telegram.AliceSigning.Kid!, output);
        return output.WrittenCount;
    }

    /// <summary>Layer 3: the JWE (ephemeral key, agreement, KDF, key wrap, content encryption, base64url, JSON).</summary>
    [Benchmark]
    public int Step3_EncryptJwe()
    {
        using var output = new PooledBufferWriter(8192);
        Jwe.Encrypt(_jwss[Next()], _recipients, null, Enc, output);
        return output.WrittenCount;
    }

    /// <summary>Inside layer 3: content encryption of the JWS alone.</summary>
    [Benchmark]
    public void EncryptContent() => Enc.Encrypt(_cek, _iv, _aad, _jwss[Next()], _ciphertext, _tag);

    private byte[] Sign(byte[] plaintext)
    {
        using var jws = new PooledBufferWriter(4096);
        Jws.Sign(plaintext, _telegram.AliceSigning, _telegram.AliceSigning.Kid!, jws);
        return jws.ToArray();
    }

    private int Next() => _next++ & (Telegram.Variants - 1);
}
