using System.Data.Common;

namespace Telex.Storage.Postgres;

/// <summary>Row locks and lists of values in PostgreSQL: a write locks the rows it depends on until it commits.</summary>
public sealed partial class PostgresStore
{
    /// <inheritdoc/>
    protected override async Task LockRowsAsync(DbConnection c, DbTransaction tx, string from, CancellationToken ct,
        params (string Name, object? Value)[] parameters) =>
        await ExecuteAsync(c, tx, $"SELECT 1 FROM {from} FOR UPDATE", ct, parameters).ConfigureAwait(false);

    /// <inheritdoc/>
    protected override string FilingOrder => "seq";

    /// <inheritdoc/>
    protected override string AnyOf(string column, string parameter) => $"{column} = ANY({parameter})";

    /// <inheritdoc/>
    protected override object ListOf<T>(IReadOnlyList<T> values) => values.ToArray();
}
