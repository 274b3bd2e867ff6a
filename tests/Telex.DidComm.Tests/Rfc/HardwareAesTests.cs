using System.Runtime.Intrinsics;
using System.Security.Cryptography;

using CsCheck;

using Telex.DidComm.Crypto;

using static Telex.DidComm.Crypto.AesKeyWrap;

namespace Telex.DidComm.Tests.Rfc;

/// <summary>
/// AES-256 on the CPU's instructions (the key wrap's blocks, A256CBC-HS512's CBC and A256GCM), held to FIPS 197,
/// to the GCM specification and to the platform's AES: the published blocks, random keys and blocks against
/// System.Security.Cryptography, RFC 3394 wraps taken both ways, and CBC and GCM of every length around the block
/// and four-block boundaries both ways (the published GCM vectors are in content-encryption.json). On a CPU
/// without the instructions everything must go the platform way, and that is what is checked there.
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

    [Fact]
    public void A256cbc_hs512_takes_the_hardware_path_exactly_when_the_cpu_has_aes_instructions() =>
        Assert.Equal(HardwareAes256.IsSupported ? AesPath.Hardware : AesPath.Platform, ContentEncryptions.CbcAes.Path);

    // Plaintexts of 0 to 200 bytes (empty, partial and whole last blocks, fewer and more than the four blocks
    // decrypted at once) and random keys and IVs: both paths give the same ciphertext, each decrypts the
    // other's, and the bytes after the plaintext are left zero.
    [Fact]
    public void Cbc_on_the_hardware_and_on_the_platform_are_interchangeable()
    {
        if (!HardwareAes256.IsSupported)
        {
            Assert.Equal(AesPath.Platform, ContentEncryptions.CbcAes.Path);
            return;
        }

        Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[16], Gen.Byte.Array[0, 200]).Sample((key, iv, plaintext) =>
        {
            int padded = ((plaintext.Length / 16) + 1) * 16;
            byte[] onHardware = new byte[padded];
            byte[] onPlatform = new byte[padded];
            ContentEncryptions.CbcAes.Encrypt(key, iv, plaintext, onHardware, AesPath.Hardware);
            ContentEncryptions.CbcAes.Encrypt(key, iv, plaintext, onPlatform, AesPath.Platform);
            using var aes = Aes.Create();
            aes.Key = key;
            byte[] reference = aes.EncryptCbc(plaintext, iv, PaddingMode.PKCS7);

            byte[] back = new byte[padded];
            back.AsSpan().Fill(0xEE);
            int hardwareLength = ContentEncryptions.CbcAes.TryDecrypt(key, iv, onPlatform, back, AesPath.Hardware);
            bool hardwareBack = hardwareLength == plaintext.Length && back.AsSpan(0, hardwareLength).SequenceEqual(plaintext)
                && back.Skip(hardwareLength).All(b => b == 0);
            byte[] back2 = new byte[padded];
            int platformLength = ContentEncryptions.CbcAes.TryDecrypt(key, iv, onHardware, back2, AesPath.Platform);
            return onHardware.AsSpan().SequenceEqual(reference) && onPlatform.AsSpan().SequenceEqual(reference)
                && hardwareBack && platformLength == plaintext.Length && back2.AsSpan(0, platformLength).SequenceEqual(plaintext);
        }, iter: 2000);
    }

    // A last block whose padding is not n bytes of value n (n from 1 to 16) is refused on both paths, and the
    // hardware path leaves zeros where it decrypted; so are ciphertexts that are empty or not whole blocks.
    [Theory]
    [InlineData("00")]
    [InlineData("11")]
    [InlineData("FF")]
    [InlineData("0302")]
    [InlineData("0103")]
    [InlineData("10101010101010101010101010101011")]
    public void Cbc_refuses_wrong_padding_on_both_paths(string lastBytesHex)
    {
        byte[] key = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        byte[] iv = new byte[16];
        byte[] plain = new byte[48];
        new Random(7).NextBytes(plain);
        byte[] lastBytes = Convert.FromHexString(lastBytesHex);
        lastBytes.CopyTo(plain, plain.Length - lastBytes.Length);
        using var aes = Aes.Create();
        aes.Key = key;
        byte[] ciphertext = aes.EncryptCbc(plain, iv, PaddingMode.None);

        foreach (var path in HardwareAes256.IsSupported ? new[] { AesPath.Hardware, AesPath.Platform } : [AesPath.Platform])
        {
            byte[] output = new byte[ciphertext.Length];
            Assert.Equal(-1, ContentEncryptions.CbcAes.TryDecrypt(key, iv, ciphertext, output, path));
            if (path == AesPath.Hardware)
            {
                Assert.All(output, b => Assert.Equal(0, b));
            }

            Assert.Equal(-1, ContentEncryptions.CbcAes.TryDecrypt(key, iv, ciphertext.AsSpan(0, 47), output, path));
            Assert.Equal(-1, ContentEncryptions.CbcAes.TryDecrypt(key, iv, [], output, path));
        }
    }

    [Fact]
    public void A256gcm_takes_the_hardware_path_exactly_when_the_cpu_has_aes_and_carryless_multiply() =>
        Assert.Equal(HardwareAesGcm.IsSupported ? AesPath.Hardware : AesPath.Platform, ContentEncryptions.GcmAes.Path);

    // GCM specification Appendix B, Test Case 13: AES-256, all-zero key and IV, nothing to encrypt or authenticate;
    // the tag is E_K(J0) alone (GHASH of the length block of zeros is zero).
    [Fact]
    public void Gcm_tags_the_empty_message_of_test_case_13_on_both_paths()
    {
        foreach (var path in GcmPaths)
        {
            byte[] tag = new byte[16];
            ContentEncryptions.GcmAes.Encrypt(new byte[32], new byte[12], [], [], tag, [], path);
            Assert.Equal("530F8AFBC74536B9A963B4F1C4CB738B", Convert.ToHexString(tag));
            Assert.True(ContentEncryptions.GcmAes.TryDecrypt(new byte[32], new byte[12], [], tag, [], [], path));
        }
    }

    // Random keys, nonces, associated data and plaintexts of 0 to 300 bytes: the same ciphertext and tag as the
    // platform's AesGcm, each side opens the other's, and changing one byte of the ciphertext, the tag, the
    // associated data or the nonce is refused by the hardware path, which then leaves zeros in the output.
    [Fact]
    public void Gcm_on_the_hardware_and_on_the_platform_are_interchangeable_and_any_change_is_refused()
    {
        if (!HardwareAesGcm.IsSupported)
        {
            Assert.Equal(AesPath.Platform, ContentEncryptions.GcmAes.Path);
            return;
        }

        var inputs = Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[12], Gen.Byte.Array[0, 300], Gen.Byte.Array[0, 300]);
        Gen.Select(inputs, Gen.Int[0, int.MaxValue], Gen.Byte[1, 255]).Sample((input, position, mask) =>
        {
            var (key, nonce, aad, plaintext) = input;
            byte[] onHardware = new byte[plaintext.Length];
            byte[] hardwareTag = new byte[16];
            byte[] onPlatform = new byte[plaintext.Length];
            byte[] platformTag = new byte[16];
            ContentEncryptions.GcmAes.Encrypt(key, nonce, plaintext, onHardware, hardwareTag, aad, AesPath.Hardware);
            ContentEncryptions.GcmAes.Encrypt(key, nonce, plaintext, onPlatform, platformTag, aad, AesPath.Platform);
            bool same = onHardware.AsSpan().SequenceEqual(onPlatform) && hardwareTag.AsSpan().SequenceEqual(platformTag);

            byte[] back = new byte[plaintext.Length];
            byte[] back2 = new byte[plaintext.Length];
            bool opened = ContentEncryptions.GcmAes.TryDecrypt(key, nonce, onPlatform, platformTag, back, aad, AesPath.Hardware)
                && back.AsSpan().SequenceEqual(plaintext)
                && ContentEncryptions.GcmAes.TryDecrypt(key, nonce, onHardware, hardwareTag, back2, aad, AesPath.Platform)
                && back2.AsSpan().SequenceEqual(plaintext);

            // One byte changed in one of the four inputs to the tag, chosen by position.
            byte[] ct = (byte[])onHardware.Clone();
            byte[] tag = (byte[])hardwareTag.Clone();
            byte[] ad = (byte[])aad.Clone();
            byte[] iv = (byte[])nonce.Clone();
            byte[][] targets = [ct, tag, ad, iv];
            var target = targets[position % 4].Length > 0 ? targets[position % 4] : tag;
            target[position / 4 % target.Length] ^= mask;
            byte[] refused = new byte[plaintext.Length];
            refused.AsSpan().Fill(0xEE);
            bool refusedClean = !ContentEncryptions.GcmAes.TryDecrypt(key, iv, ct, tag, refused, ad, AesPath.Hardware)
                && refused.All(b => b == 0);
            return same && opened && refusedClean;
        }, iter: 3000);
    }

    // A telegram-sized message (the JWS of the benchmark telegram is 1,809 bytes) and one far longer, both ways.
    [Theory]
    [InlineData(1809)]
    [InlineData(65_537)]
    public void Gcm_paths_agree_on_long_messages(int length)
    {
        if (!HardwareAesGcm.IsSupported)
        {
            Assert.Equal(AesPath.Platform, ContentEncryptions.GcmAes.Path);
            return;
        }

        var random = new Random(length);
        byte[] key = new byte[32];
        byte[] nonce = new byte[12];
        byte[] aad = new byte[271];
        byte[] plaintext = new byte[length];
        random.NextBytes(key);
        random.NextBytes(nonce);
        random.NextBytes(aad);
        random.NextBytes(plaintext);
        byte[] onHardware = new byte[length];
        byte[] onPlatform = new byte[length];
        byte[] hardwareTag = new byte[16];
        byte[] platformTag = new byte[16];

        ContentEncryptions.GcmAes.Encrypt(key, nonce, plaintext, onHardware, hardwareTag, aad, AesPath.Hardware);
        ContentEncryptions.GcmAes.Encrypt(key, nonce, plaintext, onPlatform, platformTag, aad, AesPath.Platform);

        Assert.Equal(Convert.ToHexString(platformTag), Convert.ToHexString(hardwareTag));
        Assert.True(onHardware.AsSpan().SequenceEqual(onPlatform));
    }

    // A256CBC-HS512's tag is HMAC-SHA-512 (RFC 2104) laid out by hand over two SHA-512 hashes: it must be the
    // first half of the platform's HMAC-SHA-512 over A || IV || E || AL (RFC 7518 §5.2.2.1), whatever the lengths.
    [Fact]
    public void Cbc_hs512_tag_is_the_platform_hmac_sha512_over_aad_iv_ciphertext_and_aad_length()
    {
        Gen.Select(Gen.Byte.Array[64], Gen.Byte.Array[16], Gen.Byte.Array[0, 300], Gen.Byte.Array[0, 300]).Sample((key, iv, aad, plaintext) =>
        {
            var enc = ContentEncryption.A256CbcHs512;
            byte[] ciphertext = new byte[enc.CiphertextSize(plaintext.Length)];
            byte[] tag = new byte[enc.TagSize()];
            enc.Encrypt(key, iv, aad, plaintext, ciphertext, tag);

            byte[] al = new byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(al, (ulong)aad.Length * 8);
            byte[] expected = HMACSHA512.HashData(key.AsSpan(0, 32), [.. aad, .. iv, .. ciphertext, .. al]);
            return tag.AsSpan().SequenceEqual(expected.AsSpan(0, 32));
        }, iter: 1000);
    }

    private static AesPath[] GcmPaths => HardwareAesGcm.IsSupported ? [AesPath.Hardware, AesPath.Platform] : [AesPath.Platform];

    private static string Hex(Vector128<byte> block)
    {
        byte[] bytes = new byte[16];
        block.CopyTo(bytes);
        return Convert.ToHexString(bytes);
    }

    private static Vector128<byte>[] ToArray(HardwareAes256.RoundKeys keys) => ((ReadOnlySpan<Vector128<byte>>)keys).ToArray();
}
