using BenchmarkDotNet.Attributes;

using Telex.DidComm;
using Telex.DidComm.Crypto;

namespace Telex.Bench;

/// <summary>
/// A 1 KB telegram, signed by Alice (Ed25519) and anoncrypt to Bob (ECDH-ES+A256KW over X25519), packed by
/// Alice's packer and unpacked by Bob's, for each content encryption. Each call takes the next of the telegram's
/// variants (see <see cref="Telegram"/>), so no input is seen twice in a row.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class WireBenchmarks
{
    private Telegram _telegram = null!;
    private PackEncryptedOptions _options = null!;
    private byte[][] _packed = [];
    private int _next;

    [Params(ContentEncryption.A256Gcm, ContentEncryption.A256CbcHs512)]
    public ContentEncryption Enc { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _telegram = Telegram.Create();
        _options = _telegram.Options(Enc);
        _packed = [.. _telegram.Messages.Select(m => _telegram.PackChecked(m, _options))];
    }

    [GlobalCleanup]
    public void Cleanup() => _telegram.Dispose();

    [Benchmark]
    public byte[] Pack() => _telegram.Pack(_telegram.Messages[Next()], _options);

    [Benchmark]
    public UnpackResult Unpack() => _telegram.Bob.Unpack(_packed[Next()]);

    [Benchmark]
    public UnpackResult PackThenUnpack() => _telegram.Bob.Unpack(_telegram.Pack(_telegram.Messages[Next()], _options));

    private int Next() => _next++ & (Telegram.Variants - 1);
}
