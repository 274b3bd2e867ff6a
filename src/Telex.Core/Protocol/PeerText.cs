using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Telex.Core.Protocol;

/// <summary>
/// The rule for the short strings a peer chooses and an officer reads: agency names (tie request and acceptance, a
/// telegram's <c>sender_name</c>, a bureau's members), officer names (drafter, releasing officer, clearance and issue
/// officers) and bureau names. Such a string is refused, never cleaned up, when it is blank, longer than its limit, or
/// holds a character that changes how the text around it reads: control characters (line breaks included), line and
/// paragraph separators, bidirectional embeddings, overrides and isolates (the "Trojan Source" characters, which make
/// "Meridian" read as another name), and unpaired surrogates. Refusing keeps the register exactly what the peer
/// signed; a peer running Telex never sends such a name.
/// </summary>
public static class PeerText
{
    /// <summary>Longest name accepted, in characters. Default 200: the limit of an agency's own name.</summary>
    public const int MaxNameLength = 200;

    /// <summary>Null when <paramref name="text"/> is an acceptable name of at most <paramref name="maxLength"/> characters; otherwise why not.</summary>
    public static string? NameProblem(string? text, int maxLength = MaxNameLength)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "a name must not be blank";
        }

        if (text.Length > maxLength)
        {
            return $"a name has at most {maxLength} characters";
        }

        return HasHiddenCharacters(text) ? "a name must not contain control, line-separator or bidirectional-override characters" : null;
    }

    /// <summary>
    /// Null when <paramref name="text"/> is acceptable as the name an agency gives itself for a tie (a tie request, an
    /// acceptance, an invitation's label); otherwise why not. Beyond <see cref="NameProblem"/>: it must not begin with
    /// <c>did:</c>, which would list the tie under what reads as another agency's DID (and a name addressing a recipient
    /// is taken as a DID when it begins so).
    /// </summary>
    public static string? AgencyNameProblem(string? text) =>
        NameProblem(text) ?? (ReadsAsDid(text!) ? "an agency's name must not begin with \"did:\": it would read as a DID" : null);

    /// <summary>
    /// True when <paramref name="text"/> begins with what a reader takes for <c>did:</c>: in any case, after leading
    /// white space and invisible characters (zero-width spaces and joiners, word joiner, byte-order mark, soft hyphen,
    /// combining grapheme joiner, fillers, variation selectors), in compatibility forms (full-width, mathematical and Roman-numeral letters, full-width colon) or in
    /// letters of other scripts drawn alike (Cyrillic ԁ and і, Greek ι, the modifier-letter colon, the ratio sign, ...).
    /// A string that only reads as a DID is no DID and no agency's name. The look-alikes are those Unicode's confusables
    /// list (UTS #39) gives for d, i and the colon.
    /// </summary>
    public static bool ReadsAsDid(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Span<char> skeleton = stackalloc char[4];
        int length = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if ((length == 0 && Rune.IsWhiteSpace(rune)) || IsInvisible(rune))
            {
                continue;
            }

            skeleton[length++] = LookAlike(rune);
            if (length == skeleton.Length)
            {
                return skeleton.SequenceEqual("did:");
            }
        }

        return false;
    }

    /// <summary>
    /// True when <paramref name="a"/> and <paramref name="b"/> read as one name: equal once white space is trimmed and
    /// runs of it are one space, invisible characters are left out, compatibility forms (full-width and mathematical
    /// letters) are their letters, and case is folded, including the cases <see cref="StringComparison.OrdinalIgnoreCase"/>
    /// leaves apart (the Kelvin, Ohm and Ångström signs, capital sharp s, dotted and dotless i, long s). Every comparison
    /// deciding whether a name a peer gives is one this agency knows another agency by goes through it.
    /// </summary>
    public static bool SameName(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return ReadingOf(a) == ReadingOf(b);
    }

    // What a name reads as, for SameName: one case, one space, no invisible characters, no compatibility forms.
    private static string ReadingOf(string text)
    {
        var reading = new StringBuilder(text.Length);
        bool space = false;
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsInvisible(rune))
            {
                continue;
            }

            if (Rune.IsWhiteSpace(rune))
            {
                space = reading.Length > 0;
                continue;
            }

            if (space)
            {
                reading.Append(' ');
                space = false;
            }

            int v = Compatible(rune.Value);
            if (v > char.MaxValue)
            {
                reading.Append(char.ConvertFromUtf32(v));
                continue;
            }

            reading.Append(v switch
            {
                '\u0131' or '\u0130' => 'I',
                '\u017F' => 'S',
                _ => char.ToUpperInvariant(char.ToLowerInvariant((char)v)),
            });
        }

        return reading.ToString();
    }

    /// <summary>
    /// True for a character drawn as nothing: formatting characters (zero-width spaces and joiners, word joiner, byte-order
    /// mark, soft hyphen) and the other default-ignorable code points of Unicode (combining grapheme joiner, Hangul and
    /// Khmer fillers, Mongolian and other variation selectors).
    /// </summary>
    private static bool IsInvisible(Rune rune) =>
        Rune.GetUnicodeCategory(rune) == UnicodeCategory.Format
        || rune.Value is 0x034F or 0x115F or 0x1160 or 0x17B4 or 0x17B5 or (>= 0x180B and <= 0x180F) or 0x3164 or (>= 0xFE00 and <= 0xFE0F)
            or 0xFFA0 or (>= 0xE0000 and <= 0xE0FFF);

    // The ASCII character a compatibility form stands for (the agency runs without ICU, so without Unicode normalisation):
    // full-width ASCII, mathematical letters (dotless i and j among them) and digits; any other code point as it is.
    private static int Compatible(int v) => v switch
    {
        >= 0xFF01 and <= 0xFF5E => v - 0xFEE0,
        >= 0x1D400 and <= 0x1D6A3 => (v - 0x1D400) % 52 is var k && k < 26 ? 'A' + k : 'a' + k - 26,
        0x1D6A4 => 0x0131,
        0x1D6A5 => 0x0237,
        >= 0x1D7CE and <= 0x1D7FF => '0' + ((v - 0x1D7CE) % 10),
        _ => v,
    };

    // The letter or colon a character is drawn as, lower-cased: compatibility forms by their code point, look-alikes of
    // d, i and the colon from the confusables list.
    private static char LookAlike(Rune rune)
    {
        int latin = Compatible(rune.Value);
        char c = latin <= char.MaxValue ? char.ToLowerInvariant((char)latin) : '\0';
        return c switch
        {
            '\u217E' or '\u216E' or '\u2146' or '\u2145' or '\u0501' or '\u0257' or '\u13E7' or '\u146F' or '\uA4D2' or '\u13A0' or '\uA4D3'
                or '\u15DE' => 'd',
            '\u2170' or '\u2160' or '\u2139' or '\u2148' or '\u0456' or '\u0131' or '\u03B9' or '\u0269' or '\u026A' or '\u04CF' or '\u04C0'
                or '\u13A5' or '\uA647' or '\u2373' or '\u1FBE' or '\u037A' or '\u01C0' or 'l' or '1' or '|' => 'i',
            '\uFE13' or '\uFE55' or '\uA789' or '\u2236' or '\u02D0' or '\u02F8' or '\u05C3' or '\u0589' or '\u0703' or '\u0704' or '\u16EC'
                or '\u1803' or '\u1809' or '\u205A' or '\uFE30' or '\uA4FD' or '\u0903' or '\u0A83' or ';' => ':',
            _ => c,
        };
    }

    /// <summary>True when <paramref name="text"/> is an acceptable name of at most <paramref name="maxLength"/> characters.</summary>
    public static bool IsName([NotNullWhen(true)] string? text, int maxLength = MaxNameLength) => NameProblem(text, maxLength) is null;

    /// <summary>True when <paramref name="text"/> is null or an acceptable name (for optional fields).</summary>
    public static bool IsOptionalName(string? text, int maxLength = MaxNameLength) => text is null || IsName(text, maxLength);

    /// <summary>
    /// True when <paramref name="text"/> holds a control character, a line or paragraph separator, a bidirectional
    /// formatting character or an unpaired surrogate.
    /// </summary>
    public static bool HasHiddenCharacters(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c) || char.IsControl(c) || IsBidiFormatting(c)
                || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                return true;
            }
        }

        return false;
    }

    // LRM, RLM, ALM; LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI.
    private static bool IsBidiFormatting(char c) =>
        c is '\u200E' or '\u200F' or '\u061C' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}
