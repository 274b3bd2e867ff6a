using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace Telex.DidComm.Crypto;

/// <summary>
/// AES-256-GCM (NIST SP 800-38D) with a 96-bit IV and a 128-bit tag, as JWE's A256GCM uses it, on the CPU's AES
/// and carry-less multiply instructions. Through System.Security.Cryptography a telegram's GCM is a new OpenSSL
/// cipher context per message (made, keyed, its GHASH table built, and freed), which costs several times the
/// encryption itself. Here the counter mode runs four blocks at a time on <see cref="HardwareAes256"/>, and GHASH
/// multiplies in GF(2^128) with PCLMULQDQ: the blocks are byte-reversed so that the field's reflected bit order
/// becomes the instruction's, the 256-bit product is shifted one bit and reduced modulo
/// x^128 + x^7 + x^2 + x + 1 in two folds, and four blocks share one reduction (with H, H², H³, H⁴). Everything
/// derived from the key (round keys, the powers of H) lives on the stack and is cleared after use.
/// </summary>
internal static class HardwareAesGcm
{
    public const int NonceSize = 12;
    public const int TagSize = 16;
    private const int BlockSize = 16;

    /// <summary>Whether this CPU has the instructions: AES-NI, PCLMULQDQ and SSSE3 (for the byte reversal).</summary>
    public static bool IsSupported => X86Aes.IsSupported && Pclmulqdq.IsSupported && Ssse3.IsSupported;

    /// <summary>Encrypts <paramref name="plaintext"/> into <paramref name="ciphertext"/> (as long) and writes the tag.</summary>
    public static void Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext,
        Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData)
    {
        if (nonce.Length != NonceSize || tag.Length != TagSize || ciphertext.Length != plaintext.Length)
        {
            throw new ArgumentException("GCM needs a 12-byte nonce, a 16-byte tag and a ciphertext as long as the plaintext");
        }

        var keys = default(HardwareAes256.RoundKeys);
        var powers = default(HashKeyPowers);
        try
        {
            HardwareAes256.ExpandForEncryption(key, ref keys);
            DeriveHashKey(in keys, ref powers);
            var first = CounterBlock(nonce);
            CounterMode(in keys, first, plaintext, ciphertext);
            ComputeTag(in keys, in powers, first, associatedData, ciphertext, tag);
        }
        finally
        {
            keys.Clear();
            powers.Clear();
        }
    }

    /// <summary>
    /// Checks the tag, then decrypts into <paramref name="plaintext"/> (at least as long as the ciphertext).
    /// False when the tag does not verify; then nothing is decrypted and <paramref name="plaintext"/> is cleared.
    /// </summary>
    public static bool TryDecrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        if (nonce.Length != NonceSize || tag.Length != TagSize || plaintext.Length < ciphertext.Length)
        {
            plaintext.Clear();
            return false;
        }

        var keys = default(HardwareAes256.RoundKeys);
        var powers = default(HashKeyPowers);
        Span<byte> expected = stackalloc byte[TagSize];
        try
        {
            HardwareAes256.ExpandForEncryption(key, ref keys);
            DeriveHashKey(in keys, ref powers);
            var first = CounterBlock(nonce);
            ComputeTag(in keys, in powers, first, associatedData, ciphertext, expected);
            if (!CryptographicOperations.FixedTimeEquals(expected, tag))
            {
                plaintext.Clear();
                return false;
            }

            CounterMode(in keys, first, ciphertext, plaintext[..ciphertext.Length]);
            return true;
        }
        finally
        {
            keys.Clear();
            powers.Clear();
            expected.Clear();
        }
    }

    /// <summary>H, H², H³ and H⁴, byte-reversed (the order GHASH multiplies in).</summary>
    [InlineArray(4)]
    private struct HashKeyPowers
    {
        private Vector128<byte> _h;

        public void Clear() => ((Span<Vector128<byte>>)this).Clear();
    }

    private static Vector128<byte> ByteReversal => Vector128.Create((byte)15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);

    private static Vector128<byte> Reverse(Vector128<byte> block) => Ssse3.Shuffle(block, ByteReversal);

    private static void DeriveHashKey(in HardwareAes256.RoundKeys keys, ref HashKeyPowers powers)
    {
        var h = Reverse(HardwareAes256.Encrypt(Vector128<byte>.Zero, in keys));
        powers[0] = h;
        powers[1] = Multiply(h, h);
        powers[2] = Multiply(powers[1], h);
        powers[3] = Multiply(powers[2], h);
    }

    // J0 = IV || 0^31 || 1 for a 96-bit IV (SP 800-38D §7.1 step 2); the data starts at inc32(J0).
    private static Vector128<byte> CounterBlock(ReadOnlySpan<byte> nonce)
    {
        Span<byte> block = stackalloc byte[BlockSize];
        nonce.CopyTo(block);
        BinaryPrimitives.WriteUInt32BigEndian(block[NonceSize..], 1);
        return Vector128.Create((ReadOnlySpan<byte>)block);
    }

    // The last 32 bits of the block are a big-endian counter (inc32), wrapping modulo 2^32.
    private static Vector128<byte> WithCounter(Vector128<byte> first, uint counter) =>
        first.AsUInt32().WithElement(3, BinaryPrimitives.ReverseEndianness(counter)).AsByte();

    // GCTR (SP 800-38D §6.5) from inc32(J0): four counter blocks encrypted at a time, the last block partial.
    private static void CounterMode(in HardwareAes256.RoundKeys keys, Vector128<byte> first, ReadOnlySpan<byte> input, Span<byte> output)
    {
        uint counter = BinaryPrimitives.ReverseEndianness(first.AsUInt32().GetElement(3)) + 1;
        int full = input.Length / BlockSize;
        int i = 0;
        for (; i + 4 <= full; i += 4, counter += 4)
        {
            var s0 = WithCounter(first, counter);
            var s1 = WithCounter(first, counter + 1);
            var s2 = WithCounter(first, counter + 2);
            var s3 = WithCounter(first, counter + 3);
            HardwareAes256.EncryptFour(ref s0, ref s1, ref s2, ref s3, in keys);
            (s0 ^ Vector128.Create(input.Slice(i * BlockSize, BlockSize))).CopyTo(output.Slice(i * BlockSize, BlockSize));
            (s1 ^ Vector128.Create(input.Slice((i + 1) * BlockSize, BlockSize))).CopyTo(output.Slice((i + 1) * BlockSize, BlockSize));
            (s2 ^ Vector128.Create(input.Slice((i + 2) * BlockSize, BlockSize))).CopyTo(output.Slice((i + 2) * BlockSize, BlockSize));
            (s3 ^ Vector128.Create(input.Slice((i + 3) * BlockSize, BlockSize))).CopyTo(output.Slice((i + 3) * BlockSize, BlockSize));
        }

        for (; i < full; i++, counter++)
        {
            var s = HardwareAes256.Encrypt(WithCounter(first, counter), in keys);
            (s ^ Vector128.Create(input.Slice(i * BlockSize, BlockSize))).CopyTo(output.Slice(i * BlockSize, BlockSize));
        }

        int rest = input.Length - (full * BlockSize);
        if (rest > 0)
        {
            Span<byte> stream = stackalloc byte[BlockSize];
            HardwareAes256.Encrypt(WithCounter(first, counter), in keys).CopyTo(stream);
            var tail = input[(full * BlockSize)..];
            var into = output[(full * BlockSize)..];
            for (int j = 0; j < rest; j++)
            {
                into[j] = (byte)(tail[j] ^ stream[j]);
            }

            stream.Clear();
        }
    }

    // T = E_K(J0) XOR GHASH_H(A || 0^v || C || 0^u || [len(A)]64 || [len(C)]64) (SP 800-38D §7.1 steps 5 and 6).
    private static void ComputeTag(in HardwareAes256.RoundKeys keys, in HashKeyPowers powers, Vector128<byte> first,
        ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> ciphertext, Span<byte> tag)
    {
        var y = Vector128<byte>.Zero;
        y = Absorb(y, in powers, associatedData);
        y = Absorb(y, in powers, ciphertext);
        var lengths = Vector128.Create(
            BinaryPrimitives.ReverseEndianness((ulong)associatedData.Length * 8),
            BinaryPrimitives.ReverseEndianness((ulong)ciphertext.Length * 8)).AsByte();
        y = Multiply(y ^ Reverse(lengths), powers[0]);
        (HardwareAes256.Encrypt(first, in keys) ^ Reverse(y)).CopyTo(tag);
    }

    // GHASH over data zero-padded to whole blocks: Y = (Y ^ X1)·H⁴ ^ X2·H³ ^ X3·H² ^ X4·H for four blocks at a
    // time (multiplication distributes over XOR, so one reduction serves four products), then Y = (Y ^ X)·H.
    private static Vector128<byte> Absorb(Vector128<byte> y, in HashKeyPowers powers, ReadOnlySpan<byte> data)
    {
        int full = data.Length / BlockSize;
        int i = 0;
        for (; i + 4 <= full; i += 4)
        {
            var x0 = y ^ Reverse(Vector128.Create(data.Slice(i * BlockSize, BlockSize)));
            var x1 = Reverse(Vector128.Create(data.Slice((i + 1) * BlockSize, BlockSize)));
            var x2 = Reverse(Vector128.Create(data.Slice((i + 2) * BlockSize, BlockSize)));
            var x3 = Reverse(Vector128.Create(data.Slice((i + 3) * BlockSize, BlockSize)));
            var (low, high) = MultiplyUnreduced(x0, powers[3]);
            var (l1, h1) = MultiplyUnreduced(x1, powers[2]);
            var (l2, h2) = MultiplyUnreduced(x2, powers[1]);
            var (l3, h3) = MultiplyUnreduced(x3, powers[0]);
            y = Reduce(low ^ l1 ^ l2 ^ l3, high ^ h1 ^ h2 ^ h3);
        }

        for (; i < full; i++)
        {
            y = Multiply(y ^ Reverse(Vector128.Create(data.Slice(i * BlockSize, BlockSize))), powers[0]);
        }

        int rest = data.Length - (full * BlockSize);
        if (rest > 0)
        {
            Span<byte> last = stackalloc byte[BlockSize];
            last.Clear();
            data[(full * BlockSize)..].CopyTo(last);
            y = Multiply(y ^ Reverse(Vector128.Create((ReadOnlySpan<byte>)last)), powers[0]);
            last.Clear();
        }

        return y;
    }

    private static Vector128<byte> Multiply(Vector128<byte> a, Vector128<byte> b)
    {
        var (low, high) = MultiplyUnreduced(a, b);
        return Reduce(low, high);
    }

    // The 256-bit carry-less product high:low of two 128-bit values (schoolbook: four 64×64 products, the two
    // middle ones folded across the halves).
    private static (Vector128<byte> Low, Vector128<byte> High) MultiplyUnreduced(Vector128<byte> a, Vector128<byte> b)
    {
        var x = a.AsUInt64();
        var y = b.AsUInt64();
        var low = Pclmulqdq.CarrylessMultiply(x, y, 0x00);
        var middle = Pclmulqdq.CarrylessMultiply(x, y, 0x10) ^ Pclmulqdq.CarrylessMultiply(x, y, 0x01);
        var high = Pclmulqdq.CarrylessMultiply(x, y, 0x11);
        low ^= Sse2.ShiftLeftLogical128BitLane(middle, 8);
        high ^= Sse2.ShiftRightLogical128BitLane(middle, 8);
        return (low.AsByte(), high.AsByte());
    }

    // In the reflected order the product comes out one bit short: shift high:low left by one across all 256 bits,
    // then reduce modulo x^128 + x^7 + x^2 + x + 1, folding the low half into the high half in two phases.
    private static Vector128<byte> Reduce(Vector128<byte> lowBytes, Vector128<byte> highBytes)
    {
        var low = lowBytes.AsUInt32();
        var high = highBytes.AsUInt32();
        var lowCarries = Sse2.ShiftRightLogical(low, 31);
        var highCarries = Sse2.ShiftRightLogical(high, 31);
        low = Sse2.ShiftLeftLogical(low, 1);
        high = Sse2.ShiftLeftLogical(high, 1);
        var crossing = Sse2.ShiftRightLogical128BitLane(lowCarries, 12);
        low |= Sse2.ShiftLeftLogical128BitLane(lowCarries, 4);
        high |= Sse2.ShiftLeftLogical128BitLane(highCarries, 4) | crossing;

        var fold = Sse2.ShiftLeftLogical(low, 31) ^ Sse2.ShiftLeftLogical(low, 30) ^ Sse2.ShiftLeftLogical(low, 25);
        var carried = Sse2.ShiftRightLogical128BitLane(fold, 4);
        low ^= Sse2.ShiftLeftLogical128BitLane(fold, 12);

        var second = Sse2.ShiftRightLogical(low, 1) ^ Sse2.ShiftRightLogical(low, 2) ^ Sse2.ShiftRightLogical(low, 7) ^ carried;
        return (high ^ low ^ second).AsByte();
    }
}
