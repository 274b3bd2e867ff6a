using System.Data.Common;

using Npgsql;

using NpgsqlTypes;

namespace Telex.Storage.Postgres;

/// <summary>
/// PostgreSQL's own types for Telex's values: ids as <c>uuid</c>, times as <c>timestamptz</c> (in UTC, to the millisecond,
/// the precision the store keeps on every engine), JSON documents as <c>jsonb</c>. Booleans and bytes are the defaults'
/// (<c>boolean</c>, <c>bytea</c>).
/// </summary>
public sealed partial class PostgresStore
{
    /// <inheritdoc/>
    /// <remarks>Npgsql writes a <see cref="DateTimeOffset"/> to <c>timestamptz</c> only at offset zero.</remarks>
    protected override object Time(DateTimeOffset value) => DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds());

    /// <inheritdoc/>
    protected override DateTimeOffset ReadTime(DbDataReader r, int i)
    {
        ArgumentNullException.ThrowIfNull(r);
        return r.GetFieldValue<DateTimeOffset>(i);
    }

    /// <inheritdoc/>
    protected override object Id(Guid value) => value;

    /// <inheritdoc/>
    protected override Guid ReadId(DbDataReader r, int i)
    {
        ArgumentNullException.ThrowIfNull(r);
        return r.GetGuid(i);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// A parameter typed <c>jsonb</c>: text would be refused by a <c>jsonb</c> column. Read back as text by the default
    /// <see cref="Relational.RelationalStore.ReadJson"/>.
    /// </remarks>
    protected override object JsonValue(string json) => new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = json };
}
