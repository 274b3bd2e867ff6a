namespace Telex.Storage.Relational;

/// <summary>
/// Row locks and lists of values: what the telegrams, issues, clearance and bureaus need of an engine beyond the base's
/// hooks. SQLite's single writer already holds the whole database, so its locks are empty; PostgreSQL takes row locks.
/// </summary>
public abstract partial class RelationalStore
{
    /// <summary>
    /// Locks, until <paramref name="tx"/> ends, the rows <paramref name="from"/> names (a table and its condition, and an
    /// order to take them in): nothing to do under SQLite's single writer.
    /// </summary>
    protected internal abstract Task LockRowsAsync(DbConnection c, DbTransaction tx, string from, CancellationToken ct, params (string Name, object? Value)[] parameters);

    /// <summary>The column that orders a table's rows as they were filed, for tables without a sequence of their own in every engine.</summary>
    protected internal abstract string FilingOrder { get; }

    /// <summary>The condition that <paramref name="column"/> is one of the list passed as the parameter <paramref name="parameter"/>.</summary>
    protected internal abstract string AnyOf(string column, string parameter);

    /// <summary>A list of values as the parameter value <see cref="AnyOf"/> reads.</summary>
    protected internal abstract object ListOf<T>(IReadOnlyList<T> values);

    /// <summary>
    /// How a text search of the register reads telegrams (aliased <c>t</c>): the tables, the condition matching
    /// <paramref name="text"/> (its parameters added to <paramref name="parameters"/>) and the order, newest first.
    /// </summary>
    protected internal virtual (string From, string Match, string Order) TelegramSearch(string text, List<(string, object?)> parameters) =>
        ("telegrams t", TextCondition("telegrams", text, parameters), "t.seq DESC");

    /// <summary>The collation that orders text by code point (<c>BINARY</c> in SQLite, <c>"C"</c> in PostgreSQL).</summary>
    protected internal abstract string BinaryCollation { get; }
}
