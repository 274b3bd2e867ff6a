namespace Telex.DidComm.Jose;

/// <summary>Strict base64url (RFC 4648 §5, no padding, no whitespace) as JOSE requires.</summary>
internal static class B64
{
    public static bool TryDecode(string text, out byte[] bytes) => TryDecode(text.AsSpan(), out bytes);

    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = [];
        if (!IsCanonicalAlphabet(text))
        {
            return false;
        }

        byte[] buffer = new byte[Base64Url.GetMaxDecodedLength(text.Length)];
        int written;
        try
        {
            if (!Base64Url.TryDecodeFromChars(text, buffer, out written))
            {
                return false;
            }
        }
        catch (FormatException)
        {
            // Despite its name, TryDecodeFromChars throws on some texts of the right alphabet and length.
            return false;
        }

        bytes = written == buffer.Length ? buffer : buffer.AsSpan(0, written).ToArray();
        return true;
    }

    /// <summary>Decodes UTF-8 base64url text into a new array of the exact length.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> utf8, out byte[] bytes)
    {
        bytes = [];
        if (!IsCanonicalAlphabet(utf8))
        {
            return false;
        }

        byte[] buffer = new byte[Base64Url.GetMaxDecodedLength(utf8.Length)];
        var status = Base64Url.DecodeFromUtf8(utf8, buffer, out int consumed, out int written);
        if (status != OperationStatus.Done || consumed != utf8.Length)
        {
            return false;
        }

        bytes = written == buffer.Length ? buffer : buffer.AsSpan(0, written).ToArray();
        return true;
    }

    /// <summary>Decodes into a caller's buffer; false when not strict base64url or the buffer is too small.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> utf8, Span<byte> destination, out int written)
    {
        written = 0;
        if (!IsCanonicalAlphabet(utf8))
        {
            return false;
        }

        var status = Base64Url.DecodeFromUtf8(utf8, destination, out int consumed, out written);
        return status == System.Buffers.OperationStatus.Done && consumed == utf8.Length;
    }

    private static readonly SearchValues<char> AlphabetChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
    private static readonly SearchValues<byte> AlphabetBytes = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"u8);

    // Base64Url in .NET tolerates padding and whitespace; JOSE does not, and a tolerant decoder would let
    // two different texts carry the same bytes. The scan is vectorized: it runs over every ciphertext.
    private static bool IsCanonicalAlphabet(ReadOnlySpan<char> text) =>
        text.Length % 4 != 1 && !text.ContainsAnyExcept(AlphabetChars);

    /// <summary>True when <paramref name="text"/> is strict base64url (alphabet and length only).</summary>
    public static bool IsCanonicalAlphabet(ReadOnlySpan<byte> text) =>
        text.Length % 4 != 1 && !text.ContainsAnyExcept(AlphabetBytes);
}
