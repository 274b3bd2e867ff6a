using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Telex.Bench;

/// <summary>
/// A comparison point for <see cref="PieceBenchmarks"/>, not used by the library: AES key wrap (RFC 3394) that
/// creates one ECB encryptor and feeds it the 6 n blocks, where the library makes a one-shot
/// <c>EncryptEcb</c> call (a new native cipher context) per block.
/// </summary>
internal static class KeyWrapOneTransform
{
    public static byte[] Wrap(byte[] kek, ReadOnlySpan<byte> keyData)
    {
        int n = keyData.Length / 8;
        byte[] output = new byte[keyData.Length + 8];
        keyData.CopyTo(output.AsSpan(8));
        ulong a = 0xA6A6A6A6A6A6A6A6UL;
        using var aes = Aes.Create();
        aes.Mode = CipherMode.ECB;
        aes.Padding = PaddingMode.None;
        using var encryptor = aes.CreateEncryptor(kek, null);
        byte[] block = new byte[16];
        byte[] encrypted = new byte[16];
        for (int j = 0; j <= 5; j++)
        {
            for (int i = 1; i <= n; i++)
            {
                var r = output.AsSpan(8 * i, 8);
                BinaryPrimitives.WriteUInt64BigEndian(block, a);
                r.CopyTo(block.AsSpan(8));
                encryptor.TransformBlock(block, 0, 16, encrypted, 0);
                a = BinaryPrimitives.ReadUInt64BigEndian(encrypted) ^ (ulong)((n * j) + i);
                encrypted.AsSpan(8).CopyTo(r);
            }
        }

        BinaryPrimitives.WriteUInt64BigEndian(output, a);
        CryptographicOperations.ZeroMemory(block);
        CryptographicOperations.ZeroMemory(encrypted);
        return output;
    }
}
