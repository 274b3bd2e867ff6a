using System.Buffers.Binary;
using System.Security.Cryptography;

using NSec.Cryptography;

namespace Telex.DidComm.Crypto;

/// <summary>JWE content encryption algorithms (<c>enc</c>) supported for DIDComm.</summary>
public enum ContentEncryption
{
    /// <summary>AES-256-CBC with HMAC-SHA-512 (RFC 7518 §5.2.5); the only one allowed with authcrypt.</summary>
    A256CbcHs512,

    /// <summary>AES-256-GCM (RFC 7518 §5.3).</summary>
    A256Gcm,

    /// <summary>XChaCha20-Poly1305 (draft-amringer-jose-chacha).</summary>
    XC20P,
}

/// <summary>Sizes, names and the encrypt/decrypt operations of each <see cref="ContentEncryption"/>.</summary>
public static class ContentEncryptions
{
    /// <summary>The JWE <c>enc</c> header value.</summary>
    public static string JweName(this ContentEncryption enc) => enc switch
    {
        ContentEncryption.A256CbcHs512 => "A256CBC-HS512",
        ContentEncryption.A256Gcm => "A256GCM",
        ContentEncryption.XC20P => "XC20P",
        _ => throw new ArgumentOutOfRangeException(nameof(enc)),
    };

    /// <summary>Parses a JWE <c>enc</c> value.</summary>
    public static bool TryParse(string? name, out ContentEncryption enc)
    {
        switch (name)
        {
            case "A256CBC-HS512": enc = ContentEncryption.A256CbcHs512; return true;
            case "A256GCM": enc = ContentEncryption.A256Gcm; return true;
            case "XC20P": enc = ContentEncryption.XC20P; return true;
            default: enc = default; return false;
        }
    }

    /// <summary>Content encryption key size in bytes.</summary>
    public static int KeySize(this ContentEncryption enc) => enc == ContentEncryption.A256CbcHs512 ? 64 : 32;

    /// <summary>Initialization vector size in bytes.</summary>
    public static int IvSize(this ContentEncryption enc) => enc switch
    {
        ContentEncryption.A256CbcHs512 => 16,
        ContentEncryption.A256Gcm => 12,
        _ => 24,
    };

    /// <summary>Authentication tag size in bytes.</summary>
    public static int TagSize(this ContentEncryption enc) => enc == ContentEncryption.A256CbcHs512 ? 32 : 16;

    /// <summary>Ciphertext length for a given plaintext length (CBC pads to the block size).</summary>
    public static int CiphertextSize(this ContentEncryption enc, int plaintextLength) =>
        enc == ContentEncryption.A256CbcHs512 ? ((plaintextLength / 16) + 1) * 16 : plaintextLength;

    /// <summary>Encrypts; <paramref name="ciphertext"/> must be <see cref="CiphertextSize"/> long.</summary>
    public static void Encrypt(this ContentEncryption enc, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> aad,
        ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag)
    {
        if (key.Length != enc.KeySize() || iv.Length != enc.IvSize() || tag.Length != enc.TagSize()
            || ciphertext.Length != enc.CiphertextSize(plaintext.Length))
        {
            throw new ArgumentException("wrong key, IV, tag or ciphertext length for " + enc.JweName());
        }

        switch (enc)
        {
            case ContentEncryption.A256CbcHs512:
                using (var aes = Aes.Create())
                {
                    aes.Key = key[32..].ToArray();
                    aes.EncryptCbc(plaintext, iv, ciphertext, PaddingMode.PKCS7);
                }

                CbcHmacTag(key[..32], aad, iv, ciphertext, tag);
                break;
            case ContentEncryption.A256Gcm:
                using (var gcm = new AesGcm(key, 16))
                {
                    gcm.Encrypt(iv, plaintext, ciphertext, tag, aad);
                }

                break;
            default:
                using (var k = Key.Import(AeadAlgorithm.XChaCha20Poly1305, key, KeyBlobFormat.RawSymmetricKey))
                {
                    byte[] rented = System.Buffers.ArrayPool<byte>.Shared.Rent(plaintext.Length + 16);
                    try
                    {
                        var combined = rented.AsSpan(0, plaintext.Length + 16);
                        AeadAlgorithm.XChaCha20Poly1305.Encrypt(k, iv, aad, plaintext, combined);
                        combined[..plaintext.Length].CopyTo(ciphertext);
                        combined[plaintext.Length..].CopyTo(tag);
                    }
                    finally
                    {
                        System.Buffers.ArrayPool<byte>.Shared.Return(rented, clearArray: true);
                    }
                }

                break;
        }
    }

    /// <summary>
    /// Decrypts and authenticates. Returns the plaintext length, or -1 when the tag does not verify (or the
    /// lengths are wrong). <paramref name="plaintext"/> must be at least as long as the ciphertext.
    /// </summary>
    public static int Decrypt(this ContentEncryption enc, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> aad,
        ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext)
    {
        if (key.Length != enc.KeySize() || iv.Length != enc.IvSize() || tag.Length != enc.TagSize()
            || plaintext.Length < ciphertext.Length)
        {
            return -1;
        }

        switch (enc)
        {
            case ContentEncryption.A256CbcHs512:
                {
                    if (ciphertext.Length == 0 || ciphertext.Length % 16 != 0)
                    {
                        return -1;
                    }

                    Span<byte> expected = stackalloc byte[32];
                    CbcHmacTag(key[..32], aad, iv, ciphertext, expected);
                    if (!CryptographicOperations.FixedTimeEquals(expected, tag))
                    {
                        return -1;
                    }

                    using var aes = Aes.Create();
                    aes.Key = key[32..].ToArray();
                    return aes.TryDecryptCbc(ciphertext, iv, plaintext, out int written, PaddingMode.PKCS7) ? written : -1;
                }

            case ContentEncryption.A256Gcm:
                try
                {
                    using var gcm = new AesGcm(key, 16);
                    gcm.Decrypt(iv, ciphertext, tag, plaintext[..ciphertext.Length], aad);
                    return ciphertext.Length;
                }
                catch (AuthenticationTagMismatchException)
                {
                    CryptographicOperations.ZeroMemory(plaintext);
                    return -1;
                }

            default:
                {
                    using var k = Key.Import(AeadAlgorithm.XChaCha20Poly1305, key, KeyBlobFormat.RawSymmetricKey);
                    byte[] rented = System.Buffers.ArrayPool<byte>.Shared.Rent(ciphertext.Length + 16);
                    try
                    {
                        var combined = rented.AsSpan(0, ciphertext.Length + 16);
                        ciphertext.CopyTo(combined);
                        tag.CopyTo(combined[ciphertext.Length..]);
                        return AeadAlgorithm.XChaCha20Poly1305.Decrypt(k, iv, aad, combined, plaintext[..ciphertext.Length])
                            ? ciphertext.Length
                            : -1;
                    }
                    finally
                    {
                        System.Buffers.ArrayPool<byte>.Shared.Return(rented);
                    }
                }
        }
    }

    // RFC 7518 §5.2.2.1: M = HMAC(MAC_KEY, A || IV || E || AL), T = first half of M.
    private static void CbcHmacTag(ReadOnlySpan<byte> macKey, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> iv,
        ReadOnlySpan<byte> ciphertext, Span<byte> tag)
    {
        using var hmac = System.Security.Cryptography.IncrementalHash.CreateHMAC(HashAlgorithmName.SHA512, macKey);
        hmac.AppendData(aad);
        hmac.AppendData(iv);
        hmac.AppendData(ciphertext);
        Span<byte> al = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(al, (ulong)aad.Length * 8);
        hmac.AppendData(al);
        Span<byte> full = stackalloc byte[64];
        hmac.GetHashAndReset(full);
        full[..32].CopyTo(tag);
    }
}
