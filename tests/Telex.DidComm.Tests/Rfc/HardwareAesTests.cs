using System.Runtime.Intrinsics;
using System.Security.Cryptography;

using CsCheck;

using Telex.DidComm.Crypto;

using static Telex.DidComm.Crypto.AesKeyWrap;

namespace Telex.DidComm.Tests.Rfc;

/// <summary>
/// The key wrap's AES-256 on the CPU's instructions, held to FIPS 197 and to the platform's AES: the published
/// block, random keys and blocks against System.Security.Cryptography, and RFC 3394 wraps taken both ways.
/// On a CPU without the instructions the wrap must go the platform way, and that is what is checked there.
/// </summary>
public sealed class HardwareAesTests
{
    private const string VectorFile = "aes-key-wrap.json";

    public static TheoryData<string> Sections256
    {
        get
        {
            var names = new TheoryData<string>();
            foreach (var row in RfcVectors.Names(VectorFile))
            {
                string name = row;
                if (RfcVectors.Vector(VectorFile, name).Hex("kek").Length == 32)
                {
                    names.Add(name);
                }
            }

            return names;
        }
    }

    [Fact]
    public void A_256_bit_kek_takes_the_hardware_path_exactly_when_the_cpu_has_aes_instructions()
    {
        Assert.Equal(HardwareAes256.IsSupported ? AesPath.Hardware : AesPath.Platform, PathFor(32));
        Assert.Equal(AesPath.Platform, PathFor(16));
        Assert.Equal(AesPath.Platform, PathFor(24));
    }

    // FIPS 197 Appendix C.3, AES-256 (Nk = 8, Nr = 14): the one example block of the standard.
    [Fact]
    public void Encrypts_and_decrypts_the_fips197_appendix_c3_block()
    {
        if (!HardwareAes256.IsSupported)
        {
            Assert.Equal(AesPath.Platform, PathFor(32));
            return;
        }

        byte[] key = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        var plaintext = Vector128.Create(Convert.FromHexString("00112233445566778899aabbccddeeff"));
        var encryption = default(HardwareAes256.RoundKeys);
        var decryption = default(HardwareAes256.RoundKeys);
        HardwareAes256.ExpandForEncryption(key, ref encryption);
        HardwareAes256.ExpandForDecryption(key, ref decryption);

        var ciphertext = HardwareAes256.Encrypt(plaintext, in encryption);

        Assert.Equal("8EA2B7CA516745BFEAFC49904B496089", Hex(ciphertext));
        Assert.Equal(plaintext, HardwareAes256.Decrypt(ciphertext, in decryption));
        encryption.Clear();
        Assert.All(ToArray(encryption), k => Assert.Equal(Vector128<byte>.Zero, k));
    }

    [Fact]
    public void Agrees_with_the_platform_aes_on_random_keys_and_blocks()
    {
        if (!HardwareAes256.IsSupported)
        {
            Assert.Equal(AesPath.Platform, PathFor(32));
            return;
        }

        Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[16]).Sample((key, block) =>
        {
            using var aes = Aes.Create();
            aes.Key = key;
            byte[] expected = aes.EncryptEcb(block, PaddingMode.None);
            var encryption = default(HardwareAes256.RoundKeys);
            var decryption = default(HardwareAes256.RoundKeys);
            HardwareAes256.ExpandForEncryption(key, ref encryption);
            HardwareAes256.ExpandForDecryption(key, ref decryption);
            var ciphertext = HardwareAes256.Encrypt(Vector128.Create(block), in encryption);
            return Convert.ToHexString(expected) == Hex(ciphertext)
                && HardwareAes256.Decrypt(ciphertext, in decryption) == Vector128.Create(block);
        }, iter: 2000);
    }

    [Theory]
    [MemberData(nameof(Sections256))]
    public void Both_paths_wrap_and_unwrap_rfc3394_section(string section)
    {
        var v = RfcVectors.Vector(VectorFile, section);
        byte[] kek = v.Hex("kek");
        byte[] keyData = v.Hex("keyData");
        string ciphertext = Convert.ToHexString(v.Hex("ciphertext"));

        byte[] onPlatform = new byte[keyData.Length + 8];
        WrapOnPlatform(kek, keyData, onPlatform);
        byte[] unwrappedOnPlatform = new byte[keyData.Length];
        Assert.Equal(ciphertext, Convert.ToHexString(onPlatform));
        Assert.True(TryUnwrapOnPlatform(kek, onPlatform, unwrappedOnPlatform));
        Assert.Equal(keyData, unwrappedOnPlatform);
        if (!HardwareAes256.IsSupported)
        {
            Assert.Equal(AesPath.Platform, PathFor(kek.Length));
            return;
        }

        byte[] onHardware = new byte[keyData.Length + 8];
        WrapOnHardware(kek, keyData, onHardware);
        byte[] unwrappedOnHardware = new byte[keyData.Length];
        Assert.Equal(ciphertext, Convert.ToHexString(onHardware));
        Assert.True(TryUnwrapOnHardware(kek, onHardware, unwrappedOnHardware));
        Assert.Equal(keyData, unwrappedOnHardware);
    }

    // Random content keys of every length a JWE can carry, wrapped one way and unwrapped the other; one changed
    // byte anywhere in the wrapped key is refused by the hardware unwrap, which leaves zeros behind.
    [Fact]
    public void The_paths_are_interchangeable_and_the_hardware_unwrap_refuses_any_changed_byte()
    {
        if (!HardwareAes256.IsSupported)
        {
            Assert.Equal(AesPath.Platform, PathFor(32));
            return;
        }

        Gen.Select(Gen.Byte.Array[32], Gen.Int[2, 10], Gen.Int[0, int.MaxValue], Gen.Byte[1, 255]).Sample((kek, blocks, seed, mask) =>
        {
            byte[] keyData = new byte[blocks * 8];
            new Random(seed).NextBytes(keyData);
            byte[] onHardware = new byte[keyData.Length + 8];
            byte[] onPlatform = new byte[keyData.Length + 8];
            WrapOnHardware(kek, keyData, onHardware);
            WrapOnPlatform(kek, keyData, onPlatform);
            byte[] back = new byte[keyData.Length];
            bool interchangeable = onHardware.AsSpan().SequenceEqual(onPlatform)
                && TryUnwrapOnHardware(kek, onPlatform, back) && back.AsSpan().SequenceEqual(keyData);

            byte[] tampered = (byte[])onHardware.Clone();
            tampered[seed % tampered.Length] ^= mask;
            byte[] refused = new byte[keyData.Length];
            refused.AsSpan().Fill(0xEE);
            bool refusedClean = !TryUnwrapOnHardware(kek, tampered, refused) && refused.All(b => b == 0);
            return interchangeable && refusedClean;
        }, iter: 1000);
    }

    private static string Hex(Vector128<byte> block)
    {
        byte[] bytes = new byte[16];
        block.CopyTo(bytes);
        return Convert.ToHexString(bytes);
    }

    private static Vector128<byte>[] ToArray(HardwareAes256.RoundKeys keys) => ((ReadOnlySpan<Vector128<byte>>)keys).ToArray();
}
