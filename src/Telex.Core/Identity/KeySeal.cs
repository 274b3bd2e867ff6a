using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

using NSec.Cryptography;

namespace Telex.Core.Identity;

/// <summary>
/// The key that seals the secret keys in a key file: derived from a passphrase with Argon2id, used with
/// XChaCha20-Poly1305. Kept (not the passphrase) while the agency runs so that a key rotation writes the new file sealed
/// again without asking; zeroed on dispose.
/// </summary>
internal sealed class KeySeal : IDisposable
{
    /// <summary>
    /// Argon2id memory, in KiB: 64 MiB. RFC 9106 section 4 recommends 64 MiB with 3 passes where 2 GiB is too much; the
    /// derivation runs once per start (or seal/unseal), so a fraction of a second and 64 MiB are cheap for the agency
    /// while every guess costs an attacker who stole the file the same.
    /// </summary>
    internal const long DefaultMemoryKib = 64 * 1024;

    /// <summary>Argon2id passes: 3, with the 64 MiB above (RFC 9106 section 4, second recommended option).</summary>
    internal const long DefaultPasses = 3;

    /// <summary>
    /// Argon2id lanes: 1, the only degree of parallelism libsodium (under NSec) implements; the memory and passes carry the
    /// cost instead.
    /// </summary>
    internal const int Parallelism = 1;

    /// <summary>Most memory a key file may ask for (1 GiB): a file edited to ask for more is refused, not obeyed.</summary>
    private const long MaxMemoryKib = 1024 * 1024;

    /// <summary>Most passes a key file may ask for: a file edited to ask for more is refused, not obeyed.</summary>
    private const long MaxPasses = 32;

    private const int SaltBytes = 16;
    private const int KeyBytes = 32;
    private const int NonceBytes = 24;

    /// <summary>The key derivation's name in the file.</summary>
    private const string Kdf = "argon2id";

    /// <summary>The cipher's name in the file.</summary>
    private const string Cipher = "xchacha20-poly1305";

    private readonly byte[] _key;
    private readonly byte[] _salt;
    private readonly long _memoryKib;
    private readonly long _passes;

    private KeySeal(byte[] key, byte[] salt, long memoryKib, long passes)
    {
        _key = key;
        _salt = salt;
        _memoryKib = memoryKib;
        _passes = passes;
    }

    /// <summary>A new seal for <paramref name="passphrase"/> with a fresh random salt and the default cost.</summary>
    public static KeySeal Create(string passphrase) =>
        Derive(passphrase, RandomNumberGenerator.GetBytes(SaltBytes), DefaultMemoryKib, DefaultPasses);

    /// <summary>
    /// Opens the <c>sealed</c> member of a key file with <paramref name="passphrase"/>: the plaintext (the caller zeroes
    /// it) and the seal to write the file again with, or a <see cref="KeyFileException"/> when it does not open.
    /// </summary>
    public static (byte[] Plaintext, KeySeal Seal) Open(JsonElement sealedMember, string passphrase, ReadOnlySpan<byte> associatedData)
    {
        if (sealedMember.ValueKind != JsonValueKind.Object
            || sealedMember.StringMember("kdf") != Kdf || sealedMember.StringMember("cipher") != Cipher
            || !sealedMember.TryIntegerMember("memory_kib", out long memoryKib)
            || !sealedMember.TryIntegerMember("passes", out long passes)
            || !sealedMember.TryIntegerMember("parallelism", out long lanes) || lanes != Parallelism
            || Bytes(sealedMember, "salt") is not { Length: SaltBytes } salt
            || Bytes(sealedMember, "nonce") is not { Length: NonceBytes } nonce
            || Bytes(sealedMember, "ciphertext") is not { } ciphertext)
        {
            throw new KeyFileException(KeyFileProblem.Invalid, "its sealed keys are not an argon2id/xchacha20-poly1305 seal this version of Telex reads");
        }

        if (memoryKib < 8 || memoryKib > MaxMemoryKib || passes < 1 || passes > MaxPasses)
        {
            throw new KeyFileException(KeyFileProblem.Invalid, $"its seal asks for argon2id with {memoryKib} KiB and {passes} passes, outside 8 KiB..1 GiB and 1..{MaxPasses} passes");
        }

        var seal = Derive(passphrase, salt, memoryKib, passes);
        try
        {
            var aead = AeadAlgorithm.XChaCha20Poly1305;
            using var key = Key.Import(aead, seal._key, KeyBlobFormat.RawSymmetricKey);
            byte[] plaintext = new byte[Math.Max(0, ciphertext.Length - aead.TagSize)];
            if (ciphertext.Length < aead.TagSize || !aead.Decrypt(key, nonce, associatedData, ciphertext, plaintext))
            {
                // Poly1305 fails alike for a wrong passphrase and an altered file; with a valid seal it is the passphrase.
                throw new KeyFileException(KeyFileProblem.WrongPassphrase, "the passphrase does not open its sealed keys");
            }

            return (plaintext, seal);
        }
        catch
        {
            seal.Dispose();
            throw;
        }
    }

    /// <summary>Encrypts <paramref name="plaintext"/> under a fresh random nonce; the <c>sealed</c> member of a key file.</summary>
    public JsonObject Seal(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        // XChaCha20's 192-bit random nonces make a repeat negligible, however often a rotation rewrites the file.
        byte[] nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        using var key = Key.Import(AeadAlgorithm.XChaCha20Poly1305, _key, KeyBlobFormat.RawSymmetricKey);
        byte[] ciphertext = AeadAlgorithm.XChaCha20Poly1305.Encrypt(key, nonce, associatedData, plaintext);
        return new JsonObject
        {
            ["kdf"] = Kdf,
            ["memory_kib"] = _memoryKib,
            ["passes"] = _passes,
            ["parallelism"] = Parallelism,
            ["salt"] = Base64Url.EncodeToString(_salt),
            ["cipher"] = Cipher,
            ["nonce"] = Base64Url.EncodeToString(nonce),
            ["ciphertext"] = Base64Url.EncodeToString(ciphertext),
        };
    }

    /// <summary>A copy for the next identity after a rotation (each identity zeroes its own).</summary>
    public KeySeal Copy() => new((byte[])_key.Clone(), (byte[])_salt.Clone(), _memoryKib, _passes);

    /// <summary>Zeroes the derived key.</summary>
    public void Dispose() => CryptographicOperations.ZeroMemory(_key);

    private static KeySeal Derive(string passphrase, byte[] salt, long memoryKib, long passes)
    {
        ArgumentException.ThrowIfNullOrEmpty(passphrase);
        var kdf = PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters
        {
            DegreeOfParallelism = Parallelism,
            MemorySize = memoryKib,
            NumberOfPasses = passes,
        });
        byte[] secret = Encoding.UTF8.GetBytes(passphrase);
        try
        {
            byte[] key = new byte[KeyBytes];
            kdf.DeriveBytes(secret, salt, key);
            return new KeySeal(key, salt, memoryKib, passes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    private static byte[]? Bytes(JsonElement e, string name)
    {
        if (e.StringMember(name) is not { } text)
        {
            return null;
        }

        try
        {
            return Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
