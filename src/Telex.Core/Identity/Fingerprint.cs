using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Telex.Core.Identity;

/// <summary>
/// The safety number of a tie: the same 30 digits on both sides, derived from both DIDs, for officers to
/// compare over a channel they trust (telephone, in person) before marking the tie verified.
/// </summary>
public static class Fingerprint
{
    /// <summary>Six groups of five digits, e.g. <c>12345 67890 …</c>.</summary>
    public static string Of(string didA, string didB)
    {
        ArgumentNullException.ThrowIfNull(didA);
        ArgumentNullException.ThrowIfNull(didB);
        string[] pair = [didA, didB];
        Array.Sort(pair, StringComparer.Ordinal);
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes("telex-tie-fingerprint\n" + pair[0] + "\n" + pair[1]));
        var value = new BigInteger(hash.AsSpan(0, 16), isUnsigned: true, isBigEndian: true) % BigInteger.Pow(10, 30);
        string digits = value.ToString("D30", System.Globalization.CultureInfo.InvariantCulture);
        return string.Join(' ', Enumerable.Range(0, 6).Select(i => digits.Substring(i * 5, 5)));
    }
}
