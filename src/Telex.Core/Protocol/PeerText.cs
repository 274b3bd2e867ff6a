using System.Diagnostics.CodeAnalysis;

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
        NameProblem(text) ?? (text!.TrimStart().StartsWith("did:", StringComparison.OrdinalIgnoreCase)
            ? "an agency's name must not begin with \"did:\": it would read as a DID"
            : null);

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
