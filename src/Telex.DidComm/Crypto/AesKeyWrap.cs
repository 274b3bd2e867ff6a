using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Telex.DidComm.Crypto;

/// <summary>AES Key Wrap (RFC 3394) with the default initial value, as used by JWE's A128KW/A192KW/A256KW.</summary>
public static class AesKeyWrap
{
    private const ulong DefaultIv = 0xA6A6A6A6A6A6A6A6UL;

    /// <summary>Wraps <paramref name="keyData"/> (a multiple of 8 bytes, at least 16) under <paramref name="kek"/>.</summary>
    public static byte[] Wrap(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> keyData)
    {
        if (keyData.Length < 16 || keyData.Length % 8 != 0)
        {
            throw new ArgumentException("key data must be a multiple of 8 bytes, at least 16", nameof(keyData));
        }

        int n = keyData.Length / 8;
        byte[] output = new byte[keyData.Length + 8];
        keyData.CopyTo(output.AsSpan(8));
        ulong a = DefaultIv;

        // One ECB transform for all 6n block operations: a cipher context per block would dominate the cost.
        using var aes = Aes.Create();
        aes.Key = kek.ToArray();
        aes.Mode = CipherMode.ECB;
        aes.Padding = PaddingMode.None;
        using var transform = aes.CreateEncryptor();
        byte[] block = new byte[16];
        for (int j = 0; j <= 5; j++)
        {
            for (int i = 1; i <= n; i++)
            {
                var r = output.AsSpan(8 * i, 8);
                BinaryPrimitives.WriteUInt64BigEndian(block, a);
                r.CopyTo(block.AsSpan(8));
                transform.TransformBlock(block, 0, 16, block, 0);
                a = BinaryPrimitives.ReadUInt64BigEndian(block) ^ (ulong)((n * j) + i);
                block.AsSpan(8).CopyTo(r);
            }
        }

        BinaryPrimitives.WriteUInt64BigEndian(output, a);
        CryptographicOperations.ZeroMemory(block);
        return output;
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

        int n = (wrapped.Length / 8) - 1;
        ulong a = BinaryPrimitives.ReadUInt64BigEndian(wrapped);
        wrapped[8..].CopyTo(keyData);
        using var aes = Aes.Create();
        aes.Key = kek.ToArray();
        aes.Mode = CipherMode.ECB;
        aes.Padding = PaddingMode.None;
        using var transform = aes.CreateDecryptor();
        byte[] block = new byte[16];
        for (int j = 5; j >= 0; j--)
        {
            for (int i = n; i >= 1; i--)
            {
                var r = keyData.Slice(8 * (i - 1), 8);
                BinaryPrimitives.WriteUInt64BigEndian(block, a ^ (ulong)((n * j) + i));
                r.CopyTo(block.AsSpan(8));
                transform.TransformBlock(block, 0, 16, block, 0);
                a = BinaryPrimitives.ReadUInt64BigEndian(block);
                block.AsSpan(8).CopyTo(r);
            }
        }

        CryptographicOperations.ZeroMemory(block);
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
}
