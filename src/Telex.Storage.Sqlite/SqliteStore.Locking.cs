using System.Text.Json;

namespace Telex.Storage.Sqlite;

/// <summary>Row locks and lists of values in SQLite: its one writer holds the whole database, so a write takes no row lock.</summary>
public sealed partial class SqliteStore
{
    /// <inheritdoc/>
    protected override Task LockRowsAsync(DbConnection c, DbTransaction tx, string from, CancellationToken ct, params (string Name, object? Value)[] parameters) =>
        Task.CompletedTask;

    /// <inheritdoc/>
    /// <remarks>Tables SQLite files without a sequence column are ordered by their rowid.</remarks>
    protected override string FilingOrder => "rowid";

    /// <inheritdoc/>
    protected override string AnyOf(string column, string parameter) => $"{column} IN (SELECT value FROM json_each({parameter}))";

    /// <inheritdoc/>
    protected override object ListOf<T>(IReadOnlyList<T> values) => JsonSerializer.Serialize(values);

    /// <inheritdoc/>
    /// <remarks>
    /// The search walks the index newest first and joins each hit to its telegram, so the first page of a common word
    /// costs a page of lookups, not a pass over every match.
    /// </remarks>
    protected override (string From, string Match, string Order) TelegramSearch(string text, List<(string, object?)> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        string name = "@q" + parameters.Count;
        parameters.Add((name, FtsQuery(text)));
        return ("telegrams_fts JOIN telegrams t ON t.seq = telegrams_fts.rowid", $"telegrams_fts MATCH {name}", "telegrams_fts.rowid DESC");
    }
}
