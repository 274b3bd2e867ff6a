using System.Buffers.Binary;

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
internal static class ContentEncryptions
{
    private static readonly Jose.WireNames<ContentEncryption> Names = new(
        (ContentEncryption.A256CbcHs512, "A256CBC-HS512"),
        (ContentEncryption.A256Gcm, "A256GCM"),
        (ContentEncryption.XC20P, "XC20P"));

    /// <summary>The JWE <c>enc</c> header value.</summary>
    public static string JweName(this ContentEncryption enc) => Names.Of(enc);

    /// <summary>Parses a JWE <c>enc</c> value.</summary>
    public static bool TryParse(string? name, out ContentEncryption enc) => Names.TryParse(name, out enc);

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
                CbcAes.Encrypt(key[32..], iv, plaintext, ciphertext);
                CbcHmacTag(key[..32], aad, iv, ciphertext, tag);
                break;
            case ContentEncryption.A256Gcm:
                GcmAes.Encrypt(key, iv, plaintext, ciphertext, tag, aad);
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

                    return CbcAes.TryDecrypt(key[32..], iv, ciphertext, plaintext);
                }

            case ContentEncryption.A256Gcm:
                return GcmAes.TryDecrypt(key, iv, ciphertext, tag, plaintext, aad) ? ciphertext.Length : -1;

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

    // RFC 7518 §5.2.2.1: M = HMAC-SHA-512(MAC_KEY, A || IV || E || AL), T = the first half of M. HMAC (RFC 2104) is
    // taken as two SHA-512 one-shots, H((K ^ opad) || H((K ^ ipad) || input)), over inputs laid out once: OpenSSL's
    // one-shot HMAC sets up a MAC context per call, which costs more than the two extra blocks hashed here.
    private static void CbcHmacTag(ReadOnlySpan<byte> macKey, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> iv,
        ReadOnlySpan<byte> ciphertext, Span<byte> tag)
    {
        const int Block = 128;
        int length = Block + aad.Length + iv.Length + ciphertext.Length + 8;
        byte[] rented = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        Span<byte> outer = stackalloc byte[Block + 64];
        Span<byte> full = stackalloc byte[64];
        var inner = rented.AsSpan(0, length);
        try
        {
            Pad(macKey, inner[..Block], 0x36);
            aad.CopyTo(inner[Block..]);
            iv.CopyTo(inner[(Block + aad.Length)..]);
            ciphertext.CopyTo(inner[(Block + aad.Length + iv.Length)..]);
            BinaryPrimitives.WriteUInt64BigEndian(inner[^8..], (ulong)aad.Length * 8);
            SHA512.HashData(inner, outer[Block..]);
            Pad(macKey, outer[..Block], 0x5c);
            SHA512.HashData(outer, full);
            full[..32].CopyTo(tag);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(inner[..Block]);
            CryptographicOperations.ZeroMemory(outer);
            CryptographicOperations.ZeroMemory(full);
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }

        // The key (32 bytes for A256CBC-HS512, never longer than a block) zero-filled to the block, XORed with the pad.
        static void Pad(ReadOnlySpan<byte> key, Span<byte> block, byte pad)
        {
            block.Fill(pad);
            for (int i = 0; i < key.Length; i++)
            {
                block[i] ^= key[i];
            }
        }
    }

    /// <summary>
    /// A256GCM: on the CPU's AES and carry-less multiply instructions where there are both
    /// (<see cref="HardwareAesGcm"/>), otherwise through the platform's <see cref="AesGcm"/>.
    /// </summary>
    internal static class GcmAes
    {
        /// <summary>The path A256GCM takes on this CPU.</summary>
        public static AesPath Path => HardwareAesGcm.IsSupported ? AesPath.Hardware : AesPath.Platform;

        /// <summary>Encrypts and writes the 16-byte tag.</summary>
        public static void Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext,
            Span<byte> tag, ReadOnlySpan<byte> aad, AesPath? path = null)
        {
            if ((path ?? Path) == AesPath.Hardware)
            {
                HardwareAesGcm.Encrypt(key, nonce, plaintext, ciphertext, tag, aad);
                return;
            }

            using var gcm = new AesGcm(key, HardwareAesGcm.TagSize);
            gcm.Encrypt(nonce, plaintext, ciphertext, tag, aad);
        }

        /// <summary>Verifies the tag and decrypts; false (and <paramref name="plaintext"/> cleared) when it does not verify.</summary>
        public static bool TryDecrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag,
            Span<byte> plaintext, ReadOnlySpan<byte> aad, AesPath? path = null)
        {
            if ((path ?? Path) == AesPath.Hardware)
            {
                return HardwareAesGcm.TryDecrypt(key, nonce, ciphertext, tag, plaintext, aad);
            }

            try
            {
                using var gcm = new AesGcm(key, HardwareAesGcm.TagSize);
                gcm.Decrypt(nonce, ciphertext, tag, plaintext[..ciphertext.Length], aad);
                return true;
            }
            catch (AuthenticationTagMismatchException)
            {
                CryptographicOperations.ZeroMemory(plaintext);
                return false;
            }
        }
    }

    /// <summary>
    /// The AES-256-CBC half of A256CBC-HS512: on the CPU's AES instructions where there are any
    /// (<see cref="HardwareAes256"/>), otherwise through one <see cref="Aes"/> object per thread, keyed per
    /// message (creating the object costs as much as encrypting a telegram) and cleared after each use.
    /// </summary>
    internal static class CbcAes
    {
        [ThreadStatic]
        private static Aes? t_aes;

        /// <summary>The path A256CBC-HS512 takes on this CPU.</summary>
        public static AesPath Path => HardwareAes256.IsSupported ? AesPath.Hardware : AesPath.Platform;

        /// <summary>Encrypts with PKCS #7 padding; <paramref name="ciphertext"/> is the padded length.</summary>
        public static void Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext,
            AesPath? path = null)
        {
            if ((path ?? Path) == AesPath.Hardware)
            {
                HardwareAes256.EncryptCbc(key, iv, plaintext, ciphertext);
                return;
            }

            var aes = Take(key);
            try
            {
                aes.EncryptCbc(plaintext, iv, ciphertext, PaddingMode.PKCS7);
            }
            finally
            {
                Give(aes);
            }
        }

        /// <summary>Decrypts and removes the padding: the plaintext length, or -1 when the padding is wrong.</summary>
        public static int TryDecrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext,
            AesPath? path = null)
        {
            if ((path ?? Path) == AesPath.Hardware)
            {
                return HardwareAes256.TryDecryptCbc(key, iv, ciphertext, plaintext);
            }

            var aes = Take(key);
            try
            {
                return aes.TryDecryptCbc(ciphertext, iv, plaintext, out int written, PaddingMode.PKCS7) ? written : -1;
            }
            catch (CryptographicException)
            {
                return -1;
            }
            finally
            {
                Give(aes);
            }
        }

        private static Aes Take(ReadOnlySpan<byte> key)
        {
            var aes = t_aes ?? Aes.Create();
            t_aes = null;
            aes.SetKey(key);
            return aes;
        }

        private static void Give(Aes aes)
        {
            // Replacing the key with zeros leaves no message key behind in the cached object.
            Span<byte> zero = stackalloc byte[32];
            zero.Clear();
            aes.SetKey(zero);
            t_aes = aes;
        }
    }
}
