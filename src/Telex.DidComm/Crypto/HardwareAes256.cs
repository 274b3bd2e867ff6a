using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace Telex.DidComm.Crypto;

/// <summary>Where the AES operations of a key wrap or of A256CBC-HS512 run.</summary>
internal enum AesPath
{
    /// <summary>The CPU's AES instructions (<see cref="HardwareAes256"/>): AES-256 keys on x86 with AES-NI.</summary>
    Hardware,

    /// <summary>System.Security.Cryptography's AES (OpenSSL on Linux).</summary>
    Platform,
}

/// <summary>
/// AES-256 (FIPS 197) on the CPU's AES instructions: single blocks for the key wrap, CBC with PKCS #7
/// padding (SP 800-38A §6.2) for A256CBC-HS512, and four blocks at a time for <see cref="HardwareAesGcm"/>. RFC 3394 chains 6n block operations, each on the output of the
/// one before, so they cannot be handed to a cipher API as one buffer; through System.Security.Cryptography
/// each one is a separate call into OpenSSL that costs ten times the block's work. A telegram's CBC pays the same
/// per-call cost (a cipher context made, keyed and freed in OpenSSL) on top of work that takes less time than
/// that cost. The rounds here are the instructions themselves (constant time, no tables); what is written out
/// is the FIPS 197 §5.2 key expansion, the order of the rounds and the chaining. Round keys live on the stack
/// and are cleared after use.
/// </summary>
internal static class HardwareAes256
{
    /// <summary>Whether this CPU has the instructions (x86 AES-NI). Where it does not, callers use the platform's AES.</summary>
    public static bool IsSupported => X86Aes.IsSupported;

    /// <summary>The expanded key: 15 round keys of 16 bytes.</summary>
    [InlineArray(Rounds + 1)]
    public struct RoundKeys
    {
        private Vector128<byte> _first;

        /// <summary>Overwrites every round key with zeros.</summary>
        public void Clear() => ((Span<Vector128<byte>>)this).Clear();
    }

    private const int Rounds = 14;

    /// <summary>Expands a 32-byte key for encryption.</summary>
    public static void ExpandForEncryption(ReadOnlySpan<byte> key, ref RoundKeys keys)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException("an AES-256 key is 32 bytes", nameof(key));
        }

        // FIPS 197 §5.2 for Nk = 8: every 8-word step applies RotWord, SubWord and Rcon to the last word (the
        // KeygenAssist with a round constant, lane 3), the 4-word half step SubWord alone (lane 2, constant 0).
        var even = Vector128.Create(key[..16]);
        var odd = Vector128.Create(key[16..]);
        keys[0] = even;
        keys[1] = odd;

        // KeygenAssist takes its round constant as an immediate, so the seven steps are written out.
        NextPair(ref keys, 2, ref even, ref odd, X86Aes.KeygenAssist(odd, 0x01));
        NextPair(ref keys, 4, ref even, ref odd, X86Aes.KeygenAssist(odd, 0x02));
        NextPair(ref keys, 6, ref even, ref odd, X86Aes.KeygenAssist(odd, 0x04));
        NextPair(ref keys, 8, ref even, ref odd, X86Aes.KeygenAssist(odd, 0x08));
        NextPair(ref keys, 10, ref even, ref odd, X86Aes.KeygenAssist(odd, 0x10));
        NextPair(ref keys, 12, ref even, ref odd, X86Aes.KeygenAssist(odd, 0x20));
        keys[14] = NextEven(even, X86Aes.KeygenAssist(odd, 0x40));
    }

    /// <summary>Expands a 32-byte key for decryption (the equivalent inverse cipher of FIPS 197 §5.3.5).</summary>
    public static void ExpandForDecryption(ReadOnlySpan<byte> key, ref RoundKeys keys)
    {
        var forward = default(RoundKeys);
        try
        {
            ExpandForEncryption(key, ref forward);
            keys[0] = forward[Rounds];
            for (int i = 1; i < Rounds; i++)
            {
                keys[i] = X86Aes.InverseMixColumns(forward[Rounds - i]);
            }

            keys[Rounds] = forward[0];
        }
        finally
        {
            forward.Clear();
        }
    }

    /// <summary>Encrypts one block with keys from <see cref="ExpandForEncryption"/>.</summary>
    public static Vector128<byte> Encrypt(Vector128<byte> block, in RoundKeys keys)
    {
        block ^= keys[0];
        for (int i = 1; i < Rounds; i++)
        {
            block = X86Aes.Encrypt(block, keys[i]);
        }

        return X86Aes.EncryptLast(block, keys[Rounds]);
    }

    /// <summary>Encrypts four independent blocks at once, so that their rounds overlap in the pipeline.</summary>
    public static void EncryptFour(ref Vector128<byte> b0, ref Vector128<byte> b1, ref Vector128<byte> b2, ref Vector128<byte> b3,
        in RoundKeys keys)
    {
        var k = keys[0];
        b0 ^= k;
        b1 ^= k;
        b2 ^= k;
        b3 ^= k;
        for (int i = 1; i < Rounds; i++)
        {
            k = keys[i];
            b0 = X86Aes.Encrypt(b0, k);
            b1 = X86Aes.Encrypt(b1, k);
            b2 = X86Aes.Encrypt(b2, k);
            b3 = X86Aes.Encrypt(b3, k);
        }

        k = keys[Rounds];
        b0 = X86Aes.EncryptLast(b0, k);
        b1 = X86Aes.EncryptLast(b1, k);
        b2 = X86Aes.EncryptLast(b2, k);
        b3 = X86Aes.EncryptLast(b3, k);
    }

    /// <summary>Decrypts one block with keys from <see cref="ExpandForDecryption"/>.</summary>
    public static Vector128<byte> Decrypt(Vector128<byte> block, in RoundKeys keys)
    {
        block ^= keys[0];
        for (int i = 1; i < Rounds; i++)
        {
            block = X86Aes.Decrypt(block, keys[i]);
        }

        return X86Aes.DecryptLast(block, keys[Rounds]);
    }

    /// <summary>Decrypts four independent blocks at once with keys from <see cref="ExpandForDecryption"/>.</summary>
    public static void DecryptFour(ref Vector128<byte> b0, ref Vector128<byte> b1, ref Vector128<byte> b2, ref Vector128<byte> b3,
        in RoundKeys keys)
    {
        var k = keys[0];
        b0 ^= k;
        b1 ^= k;
        b2 ^= k;
        b3 ^= k;
        for (int i = 1; i < Rounds; i++)
        {
            k = keys[i];
            b0 = X86Aes.Decrypt(b0, k);
            b1 = X86Aes.Decrypt(b1, k);
            b2 = X86Aes.Decrypt(b2, k);
            b3 = X86Aes.Decrypt(b3, k);
        }

        k = keys[Rounds];
        b0 = X86Aes.DecryptLast(b0, k);
        b1 = X86Aes.DecryptLast(b1, k);
        b2 = X86Aes.DecryptLast(b2, k);
        b3 = X86Aes.DecryptLast(b3, k);
    }

    /// <summary>
    /// CBC encryption with PKCS #7 padding: <paramref name="ciphertext"/> must be exactly the padded length,
    /// (plaintext length ÷ 16 + 1) × 16 bytes.
    /// </summary>
    public static void EncryptCbc(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext)
    {
        int full = plaintext.Length / BlockSize;
        if (iv.Length != BlockSize || ciphertext.Length != (full + 1) * BlockSize)
        {
            throw new ArgumentException("CBC needs a 16-byte IV and a ciphertext of the padded length");
        }

        var keys = default(RoundKeys);
        Span<byte> last = stackalloc byte[BlockSize];
        try
        {
            ExpandForEncryption(key, ref keys);
            var chain = Vector128.Create(iv);
            for (int i = 0; i < full; i++)
            {
                chain = Encrypt(chain ^ Vector128.Create(plaintext.Slice(i * BlockSize, BlockSize)), in keys);
                chain.CopyTo(ciphertext.Slice(i * BlockSize, BlockSize));
            }

            // The last block: what is left of the plaintext, then n bytes of value n (1 to 16).
            int rest = plaintext.Length - (full * BlockSize);
            plaintext[(full * BlockSize)..].CopyTo(last);
            last[rest..].Fill((byte)(BlockSize - rest));
            chain = Encrypt(chain ^ Vector128.Create((ReadOnlySpan<byte>)last), in keys);
            chain.CopyTo(ciphertext[(full * BlockSize)..]);
        }
        finally
        {
            keys.Clear();
            last.Clear();
        }
    }

    /// <summary>
    /// CBC decryption with PKCS #7 padding. Returns the plaintext length, or -1 when the ciphertext is not a
    /// whole number of blocks, <paramref name="plaintext"/> is shorter than it, or the padding is wrong; then
    /// <paramref name="plaintext"/> holds zeros where it was written. Unlike encryption, every block's
    /// decryption is independent of the others', so four are kept in flight at a time.
    /// </summary>
    public static int TryDecryptCbc(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext)
    {
        if (iv.Length != BlockSize || ciphertext.Length == 0 || ciphertext.Length % BlockSize != 0
            || plaintext.Length < ciphertext.Length)
        {
            return -1;
        }

        var keys = default(RoundKeys);
        try
        {
            ExpandForDecryption(key, ref keys);
            int blocks = ciphertext.Length / BlockSize;
            var previous = Vector128.Create(iv);
            int i = 0;
            for (; i + 4 <= blocks; i += 4)
            {
                var c0 = Vector128.Create(ciphertext.Slice(i * BlockSize, BlockSize));
                var c1 = Vector128.Create(ciphertext.Slice((i + 1) * BlockSize, BlockSize));
                var c2 = Vector128.Create(ciphertext.Slice((i + 2) * BlockSize, BlockSize));
                var c3 = Vector128.Create(ciphertext.Slice((i + 3) * BlockSize, BlockSize));
                var (p0, p1, p2, p3) = (c0, c1, c2, c3);
                DecryptFour(ref p0, ref p1, ref p2, ref p3, in keys);
                (p0 ^ previous).CopyTo(plaintext.Slice(i * BlockSize, BlockSize));
                (p1 ^ c0).CopyTo(plaintext.Slice((i + 1) * BlockSize, BlockSize));
                (p2 ^ c1).CopyTo(plaintext.Slice((i + 2) * BlockSize, BlockSize));
                (p3 ^ c2).CopyTo(plaintext.Slice((i + 3) * BlockSize, BlockSize));
                previous = c3;
            }

            for (; i < blocks; i++)
            {
                var c = Vector128.Create(ciphertext.Slice(i * BlockSize, BlockSize));
                (Decrypt(c, in keys) ^ previous).CopyTo(plaintext.Slice(i * BlockSize, BlockSize));
                previous = c;
            }
        }
        finally
        {
            keys.Clear();
        }

        // The padding is read without branching on its bytes; A256CBC-HS512 checks the MAC before it decrypts,
        // so no padding oracle is reachable from outside, but the check costs nothing to make uniform.
        var padded = plaintext[..ciphertext.Length];
        int n = padded[^1];
        int bad = ((n - 1) >> 31) | ((BlockSize - n) >> 31);
        for (int j = 1; j <= BlockSize; j++)
        {
            int inPadding = (j - n - 1) >> 31;
            bad |= inPadding & (padded[^j] ^ n);
        }

        if (bad != 0)
        {
            padded.Clear();
            return -1;
        }

        padded[^n..].Clear();
        return padded.Length - n;
    }

    private const int BlockSize = 16;

    private static void NextPair(ref RoundKeys keys, int index, ref Vector128<byte> even, ref Vector128<byte> odd, Vector128<byte> assisted)
    {
        even = NextEven(even, assisted);
        odd = NextOdd(odd, even);
        keys[index] = even;
        keys[index + 1] = odd;
    }

    // w[i] = w[i-8] ^ f(w[i-1]) for the four words of an even round key: the running XOR of the previous even
    // key's words (three shifts), then the transformed last word broadcast to all four lanes.
    private static Vector128<byte> NextEven(Vector128<byte> previous, Vector128<byte> assisted) =>
        RunningXor(previous) ^ Sse2.Shuffle(assisted.AsInt32(), 0xFF).AsByte();

    // The odd round keys: SubWord of the new even key's last word (KeygenAssist lane 2, no rotation, no Rcon).
    private static Vector128<byte> NextOdd(Vector128<byte> previous, Vector128<byte> even) =>
        RunningXor(previous) ^ Sse2.Shuffle(X86Aes.KeygenAssist(even, 0x00).AsInt32(), 0xAA).AsByte();

    private static Vector128<byte> RunningXor(Vector128<byte> words)
    {
        var shifted = Sse2.ShiftLeftLogical128BitLane(words, 4);
        words ^= shifted;
        shifted = Sse2.ShiftLeftLogical128BitLane(shifted, 4);
        words ^= shifted;
        shifted = Sse2.ShiftLeftLogical128BitLane(shifted, 4);
        return words ^ shifted;
    }
}
