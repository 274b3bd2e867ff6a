using System.Buffers.Binary;

namespace Telex.DidComm.Crypto;

/// <summary>
/// The Concat KDF of NIST SP 800-56A §5.8.1 with SHA-256, with the OtherInfo layout of RFC 7518 §4.6.2 and,
/// for ECDH-1PU in key-wrapping mode, the tag appended to SuppPubInfo (draft-madden-jose-ecdh-1pu-04 §2.3).
/// </summary>
internal static class ConcatKdf
{
    // One SHA-256 context per thread, reset by each hash: a one-shot hash looks the algorithm up in OpenSSL anew.
    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    /// <summary>
    /// Derives <paramref name="output"/>.Length bytes from the shared secret <paramref name="z"/>.
    /// <paramref name="ccTag"/> is empty except for ECDH-1PU key wrapping.
    /// </summary>
    public static void DeriveKey(
        ReadOnlySpan<byte> z,
        string algorithmId,
        ReadOnlySpan<byte> partyUInfo,
        ReadOnlySpan<byte> partyVInfo,
        ReadOnlySpan<byte> ccTag,
        Span<byte> output,
        bool includeTag = false)
    {
        int algLen = System.Text.Encoding.ASCII.GetByteCount(algorithmId);
        int otherLen = 4 + algLen + 4 + partyUInfo.Length + 4 + partyVInfo.Length + 4 + (includeTag ? 4 + ccTag.Length : 0);
        int inputLen = 4 + z.Length + otherLen;
        // Small inputs (every key agreement DIDComm uses) stay on the stack; long apu/apv values go to the pool.
        byte[]? rented = inputLen > 512 ? System.Buffers.ArrayPool<byte>.Shared.Rent(inputLen) : null;
        Span<byte> input = rented is null ? stackalloc byte[inputLen] : rented.AsSpan(0, inputLen);
        try
        {
            int o = 4;
            z.CopyTo(input[o..]);
            o += z.Length;
            BinaryPrimitives.WriteInt32BigEndian(input[o..], algLen);
            o += 4;
            o += System.Text.Encoding.ASCII.GetBytes(algorithmId, input[o..]);
            o = WriteLengthPrefixed(input, o, partyUInfo);
            o = WriteLengthPrefixed(input, o, partyVInfo);
            BinaryPrimitives.WriteInt32BigEndian(input[o..], output.Length * 8);
            o += 4;
            if (includeTag)
            {
                o = WriteLengthPrefixed(input, o, ccTag);
            }

            Span<byte> hash = stackalloc byte[32];
            int produced = 0;
            for (int counter = 1; produced < output.Length; counter++)
            {
                BinaryPrimitives.WriteInt32BigEndian(input, counter);
                Sha256(input[..o], hash);
                int take = Math.Min(32, output.Length - produced);
                hash[..take].CopyTo(output[produced..]);
                produced += take;
            }

            CryptographicOperations.ZeroMemory(hash);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static void Sha256(ReadOnlySpan<byte> data, Span<byte> hash)
    {
        var sha256 = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            sha256.AppendData(data);
            sha256.GetHashAndReset(hash);
        }
        catch
        {
            // A context left half-fed must not be reused.
            t_sha256 = null;
            sha256.Dispose();
            throw;
        }
    }

    private static int WriteLengthPrefixed(Span<byte> dest, int offset, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteInt32BigEndian(dest[offset..], value.Length);
        value.CopyTo(dest[(offset + 4)..]);
        return offset + 4 + value.Length;
    }
}
