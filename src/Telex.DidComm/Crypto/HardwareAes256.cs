using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace Telex.DidComm.Crypto;

/// <summary>
/// Single AES-256 block operations (FIPS 197) on the CPU's AES instructions, for the key wrap alone. RFC 3394
/// chains 6n block operations, each on the output of the one before, so they cannot be handed to a cipher API
/// as one buffer; through System.Security.Cryptography each one is a separate call into OpenSSL that costs
/// ten times the block's work. The rounds here are the instructions themselves (constant time, no tables);
/// what is written out is the FIPS 197 §5.2 key expansion and the order of the rounds. Round keys live in a
/// caller's <see cref="RoundKeys"/> on the stack, cleared by <see cref="RoundKeys.Clear"/>.
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
