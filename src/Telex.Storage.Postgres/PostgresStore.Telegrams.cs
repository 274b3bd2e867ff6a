using System.Data.Common;

namespace Telex.Storage.Postgres;

/// <summary>Readers by position that the concerns still held by this engine share (the telegrams' SQL is in <c>RelationalStore.Telegrams.cs</c>).</summary>
public sealed partial class PostgresStore
{
    private static DateTimeOffset Ms(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static string? Str(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
