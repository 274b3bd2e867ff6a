using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Telex.DidComm.Crypto;

/// <summary>AES Key Wrap (RFC 3394) with the default initial value, as used by JWE's A128KW/A192KW/A256KW.</summary>
internal static class AesKeyWrap
{
    private const ulong DefaultIv = 0xA6A6A6A6A6A6A6A6UL;

    /// <summary>Wraps <paramref name="keyData"/> (a multiple of 8 bytes, at least 16) under <paramref name="kek"/>.</summary>
    public static byte[] Wrap(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> keyData)
    {
        byte[] output = new byte[keyData.Length + 8];
        Wrap(kek, keyData, output);
        return output;
    }

    /// <summary>Wraps into <paramref name="output"/>, which must be 8 bytes longer than <paramref name="keyData"/>.</summary>
    internal static void Wrap(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> keyData, Span<byte> output)
    {
        if (keyData.Length < 16 || keyData.Length % 8 != 0)
        {
            throw new ArgumentException("key data must be a multiple of 8 bytes, at least 16", nameof(keyData));
        }

        if (output.Length != keyData.Length + 8)
        {
            throw new ArgumentException("output must be 8 bytes longer than the key data", nameof(output));
        }

        if (PathFor(kek.Length) == AesPath.Hardware)
        {
            WrapOnHardware(kek, keyData, output);
        }
        else
        {
            WrapOnPlatform(kek, keyData, output);
        }
    }

    /// <summary>Which AES a wrap with a key encryption key of this length uses.</summary>
    internal static AesPath PathFor(int kekLength) =>
        kekLength == 32 && HardwareAes256.IsSupported ? AesPath.Hardware : AesPath.Platform;

    /// <summary>Wraps with the platform's AES (System.Security.Cryptography), whatever the key size.</summary>
    internal static void WrapOnPlatform(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> keyData, Span<byte> output)
    {
        int n = keyData.Length / 8;
        keyData.CopyTo(output[8..]);
        ulong a = DefaultIv;
        var cipher = EcbCipher.Rent(kek, encrypt: true);
        try
        {
            byte[] block = cipher.Block;
            for (int j = 0; j <= 5; j++)
            {
                for (int i = 1; i <= n; i++)
                {
                    var r = output.Slice(8 * i, 8);
                    BinaryPrimitives.WriteUInt64BigEndian(block, a);
                    r.CopyTo(block.AsSpan(8));
                    cipher.TransformBlock();
                    a = BinaryPrimitives.ReadUInt64BigEndian(block) ^ (ulong)((n * j) + i);
                    block.AsSpan(8).CopyTo(r);
                }
            }
        }
        finally
        {
            cipher.Return();
        }

        BinaryPrimitives.WriteUInt64BigEndian(output, a);
    }

    /// <summary>
    /// Unwraps into <paramref name="keyData"/> (8 bytes shorter than <paramref name="wrapped"/>). Returns false when
    /// the integrity check fails: a wrong key or a changed wrapped key.
    /// </summary>
    public static bool TryUnwrap(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> wrapped, Span<byte> keyData)
    {
        if (wrapped.Length < 24 || wrapped.Length % 8 != 0 || keyData.Length != wrapped.Length - 8)
        {
            return false;
        }

        return PathFor(kek.Length) == AesPath.Hardware
            ? TryUnwrapOnHardware(kek, wrapped, keyData)
            : TryUnwrapOnPlatform(kek, wrapped, keyData);
    }

    /// <summary>Unwraps with the platform's AES; the lengths must have been checked as <see cref="TryUnwrap"/> does.</summary>
    internal static bool TryUnwrapOnPlatform(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> wrapped, Span<byte> keyData)
    {
        int n = (wrapped.Length / 8) - 1;
        ulong a = BinaryPrimitives.ReadUInt64BigEndian(wrapped);
        wrapped[8..].CopyTo(keyData);
        var cipher = EcbCipher.Rent(kek, encrypt: false);
        try
        {
            byte[] block = cipher.Block;
            for (int j = 5; j >= 0; j--)
            {
                for (int i = n; i >= 1; i--)
                {
                    var r = keyData.Slice(8 * (i - 1), 8);
                    BinaryPrimitives.WriteUInt64BigEndian(block, a ^ (ulong)((n * j) + i));
                    r.CopyTo(block.AsSpan(8));
                    cipher.TransformBlock();
                    a = BinaryPrimitives.ReadUInt64BigEndian(block);
                    block.AsSpan(8).CopyTo(r);
                }
            }
        }
        finally
        {
            cipher.Return();
        }

        return CheckIntegrity(a, keyData);
    }

    /// <summary>Wraps with <see cref="HardwareAes256"/>; the KEK is 32 bytes and the lengths checked.</summary>
    internal static void WrapOnHardware(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> keyData, Span<byte> output)
    {
        // A and the R[i] are kept as the 8 bytes they are in memory (big-endian values read on a little-endian
        // CPU), so a block is two of them side by side and the step counter t is XORed in byte-reversed.
        int n = keyData.Length / 8;
        keyData.CopyTo(output[8..]);
        var r = MemoryMarshal.Cast<byte, ulong>(output[8..]);
        ulong a = DefaultIv;
        var keys = default(HardwareAes256.RoundKeys);
        try
        {
            HardwareAes256.ExpandForEncryption(kek, ref keys);
            for (int j = 0; j <= 5; j++)
            {
                for (int i = 0; i < n; i++)
                {
                    var b = HardwareAes256.Encrypt(Vector128.Create(a, r[i]).AsByte(), in keys).AsUInt64();
                    a = b.GetElement(0) ^ BinaryPrimitives.ReverseEndianness((ulong)((n * j) + i + 1));
                    r[i] = b.GetElement(1);
                }
            }
        }
        finally
        {
            keys.Clear();
        }

        MemoryMarshal.Write(output, a);
    }

    /// <summary>Unwraps with <see cref="HardwareAes256"/>; the KEK is 32 bytes and the lengths checked.</summary>
    internal static bool TryUnwrapOnHardware(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> wrapped, Span<byte> keyData)
    {
        int n = (wrapped.Length / 8) - 1;
        ulong a = MemoryMarshal.Read<ulong>(wrapped);
        wrapped[8..].CopyTo(keyData);
        var r = MemoryMarshal.Cast<byte, ulong>(keyData);
        var keys = default(HardwareAes256.RoundKeys);
        try
        {
            HardwareAes256.ExpandForDecryption(kek, ref keys);
            for (int j = 5; j >= 0; j--)
            {
                for (int i = n - 1; i >= 0; i--)
                {
                    ulong t = BinaryPrimitives.ReverseEndianness((ulong)((n * j) + i + 1));
                    var b = HardwareAes256.Decrypt(Vector128.Create(a ^ t, r[i]).AsByte(), in keys).AsUInt64();
                    a = b.GetElement(0);
                    r[i] = b.GetElement(1);
                }
            }
        }
        finally
        {
            keys.Clear();
        }

        // The hardware path runs on x86 only, which is little-endian: reversing the memory word gives A's value.
        return CheckIntegrity(BinaryPrimitives.ReverseEndianness(a), keyData);
    }

    // The unwrapped A must be the default IV; on a mismatch nothing of the key data is left behind.
    private static bool CheckIntegrity(ulong a, Span<byte> keyData)
    {
        Span<byte> expected = stackalloc byte[8];
        Span<byte> actual = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(expected, DefaultIv);
        BinaryPrimitives.WriteUInt64BigEndian(actual, a);
        if (!CryptographicOperations.FixedTimeEquals(expected, actual))
        {
            CryptographicOperations.ZeroMemory(keyData);
            return false;
        }

        return true;
    }

    /// <summary>
    /// One ECB transform over a 16-byte block buffer, for the 6n dependent block operations of a wrap. Setting up
    /// an <see cref="Aes"/> object costs more than all the blocks of a 32-byte wrap, so each thread keeps one
    /// (without a key) and only the keyed transform is created per wrap. Every rent zeroes its buffers on return.
    /// </summary>
    private sealed class EcbCipher
    {
        [ThreadStatic]
        private static EcbCipher? t_cached;

        private readonly Aes _aes;
        private readonly byte[] _key256 = new byte[32];
        private ICryptoTransform? _transform;

        private EcbCipher()
        {
            _aes = Aes.Create();
            _aes.Mode = CipherMode.ECB;
            _aes.Padding = PaddingMode.None;
        }

        public byte[] Block { get; } = new byte[16];

        public static EcbCipher Rent(ReadOnlySpan<byte> kek, bool encrypt)
        {
            // A nested rent on the same thread (not done today) simply gets its own instance.
            var cipher = t_cached ?? new EcbCipher();
            t_cached = null;
            try
            {
                byte[] key = kek.Length == 32 ? cipher._key256 : kek.ToArray();
                kek.CopyTo(key);
                cipher._transform = encrypt ? cipher._aes.CreateEncryptor(key, null) : cipher._aes.CreateDecryptor(key, null);
                CryptographicOperations.ZeroMemory(key);
            }
            catch
            {
                cipher._aes.Dispose();
                throw;
            }

            return cipher;
        }

        public void TransformBlock() => _transform!.TransformBlock(Block, 0, 16, Block, 0);

        public void Return()
        {
            _transform?.Dispose();
            _transform = null;
            CryptographicOperations.ZeroMemory(Block);
            t_cached = this;
        }
    }
}
