namespace Telex.Core.Protocol;

/// <summary>
/// The rule for an attachment's file name, wherever it comes from (API, console, a peer's telegram): a plain file name,
/// never a path. Whoever saves an attachment under its name — an officer's browser, a script — must not be led outside
/// the folder it chose: no separators, no drive or stream (<c>:</c>), no <c>.</c> or <c>..</c>, no NUL or other
/// control character.
/// </summary>
public static class AttachmentName
{
    /// <summary>Longest name accepted, in characters: the common file-system limit.</summary>
    public const int MaxLength = 255;

    /// <summary>Null when <paramref name="name"/> is a plain file name; otherwise why it is not.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "an attachment needs a file name";
        }

        if (name.Length > MaxLength)
        {
            return $"an attachment's file name has at most {MaxLength} characters";
        }

        if (name is "." or ".." || name.IndexOfAny(['/', '\\', ':']) >= 0 || name.Any(char.IsControl))
        {
            return "an attachment's file name must be a plain name: no path, separator, colon or control character";
        }

        return null;
    }

    /// <summary>Longest media type accepted, in characters: a type and subtype of at most 127 each (RFC 6838), and parameters.</summary>
    public const int MaxMediaTypeLength = 255;

    /// <summary>Null when <paramref name="mediaType"/> may describe an attachment (not blank, not too long, no control character); otherwise why not.</summary>
    public static string? MediaTypeProblem(string? mediaType)
    {
        if (string.IsNullOrWhiteSpace(mediaType))
        {
            return "an attachment needs a media type, e.g. application/pdf";
        }

        return mediaType.Length > MaxMediaTypeLength || mediaType.Any(char.IsControl)
            ? $"an attachment's media type has at most {MaxMediaTypeLength} characters and no control character"
            : null;
    }

    /// <summary>
    /// A name safe to offer for download even for an attachment filed before this rule: the last segment of any path,
    /// without control characters, or <paramref name="fallback"/> when nothing is left.
    /// </summary>
    public static string ForDownload(string? name, string fallback)
    {
        string last = (name ?? "").Split('/', '\\', ':')[^1];
        string clean = new([.. last.Where(c => !char.IsControl(c))]);
        return clean is "" or "." or ".." ? fallback : clean;
    }
}
