using System.Text;

namespace Telex.Storage.Postgres;

/// <summary>
/// Full-text search with PostgreSQL's own text search (<c>tsvector</c> columns in the <c>simple</c> configuration: lower
/// case, no stemming, as SQLite's FTS5 default), taking the query text the API accepts: every word must occur, a word
/// ending in <c>*</c> matches by prefix, and operators typed by the user are words, never syntax.
/// </summary>
internal static class TextSearch
{
    /// <summary>Most words a query keeps (the rest are ignored), as the SQLite backend does.</summary>
    private const int MaxWords = 32;

    /// <summary>
    /// The condition on the <c>tsvector</c> column <paramref name="column"/>, its query added to <paramref name="parameters"/>.
    /// Text with nothing searchable left matches nothing.
    /// </summary>
    public static string Condition(string column, string text, List<(string, object?)> parameters)
    {
        string? query = ToTsQuery(text);
        if (query is null)
        {
            return "FALSE";
        }

        string name = "@q" + parameters.Count;
        parameters.Add((name, query));
        return $"{column} @@ to_tsquery('simple', {name})";
    }

    /// <summary>
    /// Turns free text into <c>to_tsquery</c> syntax: each word becomes its letter-and-digit tokens in sequence (a
    /// phrase, as FTS5 reads <c>a+b</c>), the words joined by AND; the last token of a word ending in <c>*</c> is a prefix.
    /// Only letters and digits reach the query, so no input is syntax. Null when nothing searchable is left.
    /// </summary>
    internal static string? ToTsQuery(string text)
    {
        var words = new List<string>();
        foreach (string word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Take(MaxWords))
        {
            bool prefix = word.EndsWith('*') && word.Length > 1;
            var tokens = Tokens(prefix ? word.TrimEnd('*') : word);
            if (tokens.Count == 0)
            {
                continue;
            }

            var phrase = new StringBuilder();
            for (int i = 0; i < tokens.Count; i++)
            {
                phrase.Append(i == 0 ? "" : " <-> ").Append('\'').Append(tokens[i]).Append('\'');
            }

            if (prefix)
            {
                phrase.Append(":*");
            }

            words.Add(tokens.Count > 1 ? "(" + phrase + ")" : phrase.ToString());
        }

        return words.Count == 0 ? null : string.Join(" & ", words);
    }

    private static List<string> Tokens(string word)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        foreach (char ch in word)
        {
            if (char.IsLetterOrDigit(ch))
            {
                current.Append(char.ToLowerInvariant(ch));
            }
            else if (current.Length > 0)
            {
                tokens.Add(current.ToString());
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            tokens.Add(current.ToString());
        }

        return tokens;
    }
}
