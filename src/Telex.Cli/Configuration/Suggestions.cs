namespace Telex.Cli.Configuration;

/// <summary>"Did you mean" hints by edit distance.</summary>
internal static class Suggestions
{
    /// <summary>
    /// The candidate closest to <paramref name="input"/>, or null when none is close enough to be a plausible typo.
    /// A key whose last segment matches a key in another section (a value put in the wrong section) counts as close.
    /// </summary>
    public static string? Closest(string input, IEnumerable<string> candidates, char separator = ':')
    {
        ArgumentNullException.ThrowIfNull(input);
        string lastInput = LastSegment(input, separator);
        int threshold = Math.Max(2, lastInput.Length / 3);
        string? best = null;
        int bestScore = int.MaxValue;
        foreach (string candidate in candidates)
        {
            int whole = Distance(input, candidate);
            int byName = Distance(lastInput, LastSegment(candidate, separator)) + 1;
            int score = Math.Min(whole, byName);
            if (score < bestScore)
            {
                (best, bestScore) = (candidate, score);
            }
        }

        return bestScore <= threshold ? best : null;
    }

    /// <summary>Levenshtein distance, ignoring case.</summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = char.ToUpperInvariant(a[i - 1]) == char.ToUpperInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private static string LastSegment(string s, char separator)
    {
        int i = s.LastIndexOf(separator);
        return i < 0 ? s : s[(i + 1)..];
    }
}
