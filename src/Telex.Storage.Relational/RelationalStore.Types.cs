namespace Telex.Storage.Relational;

/// <summary>
/// How values of Telex's types are stored: one hook to write each (value → parameter) and one to read it (column →
/// value). Every statement and every row mapper goes through them, so an engine with native types (PostgreSQL's
/// <c>uuid</c>, <c>timestamptz</c>, <c>jsonb</c>, <c>bytea</c>) changes only its hooks and its schema. The defaults are
/// the portable representation: ids as text, times as Unix milliseconds, JSON as text, bytes as blobs.
/// </summary>
public abstract partial class RelationalStore
{
    /// <summary>A time as a parameter value.</summary>
    protected internal virtual object Time(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    /// <summary>The time in column <paramref name="i"/>.</summary>
    protected internal virtual DateTimeOffset ReadTime(DbDataReader r, int i)
    {
        ArgumentNullException.ThrowIfNull(r);
        return DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(i));
    }

    /// <summary>An id as a parameter value.</summary>
    protected internal virtual object Id(Guid value) => value.ToString();

    /// <summary>The id in column <paramref name="i"/>.</summary>
    protected internal virtual Guid ReadId(DbDataReader r, int i)
    {
        ArgumentNullException.ThrowIfNull(r);
        return Guid.Parse(r.GetString(i));
    }

    /// <summary>A JSON document (serialized) as a parameter value; refused when it holds the NUL character (<see cref="RefuseNul"/>).</summary>
    protected internal object Json(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (HoldsEscapedNul(json))
        {
            throw NulRefused();
        }

        return JsonValue(json);
    }

    /// <summary>A JSON document (serialized, without NUL) as the engine stores it.</summary>
    protected internal virtual object JsonValue(string json) => json;

    /// <summary>The JSON document in column <paramref name="i"/>, serialized.</summary>
    protected internal virtual string ReadJson(DbDataReader r, int i)
    {
        ArgumentNullException.ThrowIfNull(r);
        return r.GetString(i);
    }

    /// <summary>A yes or no as a parameter value.</summary>
    protected internal virtual object Bool(bool value) => value;

    /// <summary>The yes or no in column <paramref name="i"/>.</summary>
    protected internal virtual bool ReadBool(DbDataReader r, int i)
    {
        ArgumentNullException.ThrowIfNull(r);
        return r.GetBoolean(i);
    }

    /// <summary>Bytes as a parameter value.</summary>
    protected internal virtual object Bytes(byte[] value) => value;

    /// <summary>The bytes in column <paramref name="i"/>.</summary>
    protected internal virtual byte[] ReadBytes(DbDataReader r, int i)
    {
        ArgumentNullException.ThrowIfNull(r);
        return (byte[])r.GetValue(i);
    }

    /// <summary>The text in column <paramref name="i"/>, or null.</summary>
    protected internal static string? ReadStringOrNull(DbDataReader r, int i) => IsNull(r, i) ? null : r.GetString(i);

    /// <summary>The whole number in column <paramref name="i"/>, or null.</summary>
    protected internal static long? ReadLongOrNull(DbDataReader r, int i) => IsNull(r, i) ? null : r.GetInt64(i);

    /// <summary>Whether column <paramref name="i"/> is NULL.</summary>
    private static bool IsNull(DbDataReader r, int i)
    {
        ArgumentNullException.ThrowIfNull(r);
        return r.IsDBNull(i);
    }
}
