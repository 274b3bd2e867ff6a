namespace Telex.Storage.Sqlite;

/// <summary>Full-text search with SQLite's FTS5: one external-content index per searched table, kept by triggers.</summary>
public sealed partial class SqliteStore
{
    /// <inheritdoc/>
    protected override string TextCondition(string table, string text, List<(string, object?)> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        string name = "@q" + parameters.Count;
        parameters.Add((name, FtsQuery(text)));
        return table switch
        {
            // The cables' index carries their id (it was added to an existing table); the others index by rowid.
            "imported_cables" => $"id IN (SELECT id FROM imported_cables_fts WHERE imported_cables_fts MATCH {name})",
            "telegrams" or "issue_events" => $"seq IN (SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH {name})",
            _ => throw new ArgumentException($"{table} has no text index", nameof(table)),
        };
    }

    /// <summary>
    /// Turns free text into an FTS5 query: every word must occur (a trailing * keeps prefix search); FTS5 operators
    /// typed by the user are taken as words, never as syntax.
    /// </summary>
    internal static string FtsQuery(string text)
    {
        // Control characters (NUL above all) end an FTS5 string early; they are never part of a word.
        var cleaned = new string(text.Select(ch => char.IsControl(ch) ? ' ' : ch).ToArray());
        var terms = cleaned.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Take(32)
            .Select(w =>
            {
                bool prefix = w.EndsWith('*') && w.Length > 1;
                string core = (prefix ? w[..^1] : w).Replace("\"", "\"\"", StringComparison.Ordinal);
                return "\"" + core + "\"" + (prefix ? "*" : "");
            });
        string query = string.Join(' ', terms);

        // Nothing searchable left: a phrase that matches nothing, rather than an FTS5 syntax error.
        return query.Length == 0 ? "\"\"" : query;
    }
}
