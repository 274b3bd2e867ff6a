using BenchmarkDotNet.Attributes;

using NSec.Cryptography;

namespace Telex.Bench;

/// <summary>
/// The public-key operations that bound pack and unpack, straight from NSec: whatever the wire library adds
/// on top of these is its own overhead. The signed data is as long as the JWS signing input of the telegram
/// (Ed25519 hashes the whole message, so its length matters a little).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class PrimitiveBenchmarks
{
    private readonly byte[] _signature = new byte[64];
    private readonly byte[] _publicKey = new byte[32];
    private readonly byte[] _shared = new byte[32];
    private Key _signing = null!;
    private Key _agreement = null!;
    private PublicKey _peer = null!;
    private byte[] _signingInput = [];

    [GlobalSetup]
    public void Setup()
    {
        _signing = Key.Create(SignatureAlgorithm.Ed25519);
        _agreement = Key.Create(KeyAgreementAlgorithm.X25519);
        using (var peer = Key.Create(KeyAgreementAlgorithm.X25519))
        {
            _peer = peer.PublicKey;
        }

        using (var telegram = Telegram.Create())
        {
            _signingInput = new byte[telegram.JwsSigningInputLength];
        }

        Random.Shared.NextBytes(_signingInput);
        SignatureAlgorithm.Ed25519.Sign(_signing, _signingInput, _signature);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _signing.Dispose();
        _agreement.Dispose();
    }

    [Benchmark]
    public void Ed25519_Sign() => SignatureAlgorithm.Ed25519.Sign(_signing, _signingInput, _signature);

    [Benchmark]
    public bool Ed25519_Verify() => SignatureAlgorithm.Ed25519.Verify(_signing.PublicKey, _signingInput, _signature);

    /// <summary>A fresh key pair and its public key bytes: what an ephemeral JWE key needs.</summary>
    [Benchmark]
    public int X25519_KeyGen()
    {
        using var key = Key.Create(KeyAgreementAlgorithm.X25519);
        key.PublicKey.TryExport(KeyBlobFormat.RawPublicKey, _publicKey, out int written);
        return written;
    }

    /// <summary>One agreement and the export of Z, as ECDH-ES needs it.</summary>
    [Benchmark]
    public int X25519_Agree()
    {
        var exportable = new SharedSecretCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };
        using var shared = KeyAgreementAlgorithm.X25519.Agree(_agreement, _peer, in exportable)
            ?? throw new InvalidOperationException("agreement failed");
        shared.TryExport(SharedSecretBlobFormat.RawSharedSecret, _shared, out int written);
        return written;
    }
}
