using Telex.Core;

namespace Telex.Storage.Relational;

/// <summary>
/// A relational engine of the store: the roles of <see cref="ITelexStore"/> are one class each (<c>RelationalTelegrams</c>,
/// <c>RelationalRegister</c>, …), holding that role's SQL, written once for every engine, and one row mapper per table;
/// they run it through this class. An engine derives from it and supplies only what really differs: opening
/// connections, the writer (how a write transaction is run), locking, text search, how values are stored, its schema
/// and migrations. The SQL uses named parameters (<c>@name</c>) and the syntax both SQLite and PostgreSQL accept
/// (<c>ON CONFLICT</c>, <c>RETURNING</c>, <c>LIMIT</c>, <c>NOT flag</c>).
/// </summary>
public abstract partial class RelationalStore : ITelexStore
{
    /// <summary>A store reading the time from <paramref name="time"/> (the system clock when null).</summary>
    protected RelationalStore(TimeProvider? time)
    {
        Clock = time ?? TimeProvider.System;
        RegisterRole = new(this);
        TelegramsRole = new(this);
        OutboxRole = new(this);
        TiesRole = new(this);
        IssuesRole = new(this);
        ClearanceRole = new(this);
        BureausRole = new(this);
        DirectoryRole = new(this);
        KeysRole = new(this);
        OfficersRole = new(this);
        SessionsRole = new(this);
        RelaysRole = new(this);
        IdempotencyRole = new(this);
        SettingsRole = new(this);
    }

    /// <inheritdoc/>
    public IRegisterStore Register => RegisterRole;

    /// <inheritdoc/>
    public ITelegramStore Telegrams => TelegramsRole;

    /// <inheritdoc/>
    public IOutboxStore Outbox => OutboxRole;

    /// <inheritdoc/>
    public ITieStore Ties => TiesRole;

    /// <inheritdoc/>
    public IIssueStore Issues => IssuesRole;

    /// <inheritdoc/>
    public IClearanceStore Clearance => ClearanceRole;

    /// <inheritdoc/>
    public IBureauStore Bureaus => BureausRole;

    /// <inheritdoc/>
    public IDirectoryStore Directory => DirectoryRole;

    /// <inheritdoc/>
    public IKeyStore Keys => KeysRole;

    /// <inheritdoc/>
    public IOfficerStore Officers => OfficersRole;

    /// <inheritdoc/>
    public ISessionStore Sessions => SessionsRole;

    /// <inheritdoc/>
    public IRelayStore Relays => RelaysRole;

    /// <inheritdoc/>
    public IIdempotencyStore Idempotency => IdempotencyRole;

    /// <inheritdoc/>
    public ISettingsStore Settings => SettingsRole;

    // The roles as their classes, for a role whose write files rows of another's in its own transaction.
    internal RelationalRegister RegisterRole { get; }

    internal RelationalTelegrams TelegramsRole { get; }

    internal RelationalOutbox OutboxRole { get; }

    internal RelationalTies TiesRole { get; }

    internal RelationalIssues IssuesRole { get; }

    internal RelationalClearance ClearanceRole { get; }

    internal RelationalBureaus BureausRole { get; }

    internal RelationalDirectory DirectoryRole { get; }

    internal RelationalKeys KeysRole { get; }

    internal RelationalOfficers OfficersRole { get; }

    internal RelationalSessions SessionsRole { get; }

    internal RelationalRelays RelaysRole { get; }

    internal RelationalIdempotency IdempotencyRole { get; }

    internal RelationalSettings SettingsRole { get; }

    /// <summary>The clock the store stamps its rows with.</summary>
    protected internal TimeProvider Clock { get; }

    /// <summary>Now, in Unix milliseconds.</summary>
    protected internal long NowMs => Clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Now, to the millisecond (the precision the store keeps).</summary>
    protected internal DateTimeOffset Now => DateTimeOffset.FromUnixTimeMilliseconds(NowMs);

    /// <summary>An open connection to the database, set up as the engine wants it.</summary>
    protected internal abstract Task<DbConnection> OpenConnectionAsync(CancellationToken ct);

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction; its effects commit if it returns and are rolled back if it
    /// throws. The engine decides how writes are run (SQLite's single writer and group commit, PostgreSQL's transaction
    /// per write, run again after a deadlock).
    /// </summary>
    protected internal abstract Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct);

    /// <summary>A read-only transaction over one consistent snapshot of the database, for reads that must agree with each other.</summary>
    protected internal abstract Task<DbTransaction> BeginSnapshotAsync(DbConnection c, CancellationToken ct);

    /// <summary>
    /// Takes the lock on the register's chain for the rest of <paramref name="tx"/>, so appends happen one at a time and
    /// in one order. An engine whose writes are already serialized (SQLite) has nothing to do.
    /// </summary>
    protected internal abstract Task LockChainAsync(DbConnection c, DbTransaction tx, CancellationToken ct);

    /// <summary>
    /// Takes the lock on the counter <paramref name="name"/> for the rest of <paramref name="tx"/>, so numbers from it are
    /// handed out one at a time, without gaps. An engine whose writes are already serialized has nothing to do.
    /// </summary>
    protected internal abstract Task LockCounterAsync(DbConnection c, DbTransaction tx, string name, CancellationToken ct);

    /// <summary>
    /// The condition matching the rows of <paramref name="table"/> (named unqualified in the query) whose text contains
    /// every word of <paramref name="text"/>, its parameters added to <paramref name="parameters"/>; operators typed by
    /// the user are words, never syntax.
    /// </summary>
    protected internal abstract string TextCondition(string table, string text, List<(string, object?)> parameters);

    /// <summary>The larger of two values, as SQL (<c>MAX(a, b)</c> in SQLite, <c>GREATEST(a, b)</c> in PostgreSQL).</summary>
    protected internal abstract string Greatest(string a, string b);

    /// <summary>
    /// The statement that claims, for <c>@node</c> until <c>@until</c>, at most <c>@limit</c> rows of <paramref name="table"/>
    /// (keyed by <c>id</c>) meeting <paramref name="condition"/>, taken in <paramref name="order"/>, and returns their
    /// <paramref name="columns"/>; no row is claimed by two nodes.
    /// </summary>
    protected internal abstract string ClaimStatement(string table, string condition, string order, string columns);

    /// <summary>The smaller of two values, as SQL (<c>MIN(a, b)</c> in SQLite, <c>LEAST(a, b)</c> in PostgreSQL).</summary>
    protected internal abstract string Least(string a, string b);

    /// <summary>
    /// Takes an exclusive lock named <paramref name="name"/> for the rest of <paramref name="tx"/>: writes that must see
    /// each other's effects before deciding (a bound, a free name) run one at a time across nodes. An engine whose writes
    /// are already serialized has nothing to do.
    /// </summary>
    protected internal abstract Task LockAsync(DbConnection c, DbTransaction tx, string name, CancellationToken ct);

    /// <summary>
    /// What a <c>SELECT</c> ends with to lock the rows it reads until the transaction ends (<c>FOR UPDATE</c> in
    /// PostgreSQL; nothing under SQLite's single writer).
    /// </summary>
    protected internal abstract string ForUpdate { get; }

    /// <summary>
    /// The value, in an <c>INSERT</c>, of the <c>seq</c> column of <paramref name="table"/>, which numbers its rows in the
    /// order they were filed (<c>DEFAULT</c> for an identity column; the next number where the engine has none).
    /// </summary>
    protected internal abstract string NextSeq(string table);

    /// <inheritdoc/>
    public abstract Task MigrateAsync(CancellationToken ct = default);

    /// <inheritdoc/>
    public abstract ValueTask DisposeAsync();

    /// <summary>Runs <paramref name="work"/> on a connection of its own, outside any write transaction.</summary>
    protected internal async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await OpenConnectionAsync(ct).ConfigureAwait(false);
        return await work(connection).ConfigureAwait(false);
    }

    /// <summary>
    /// A command for <paramref name="sql"/> in <paramref name="tx"/>, with named parameters (<c>@name</c>; null is SQL NULL).
    /// A value that is itself a <see cref="DbParameter"/> (what a type hook returns to give the engine's type with the
    /// value, as PostgreSQL's <c>jsonb</c>) is added as a copy of it under the name.
    /// </summary>
    protected internal static DbCommand Command(DbConnection c, DbTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(parameters);
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            RefuseNul(value);
            DbParameter parameter;
            if (value is DbParameter typed)
            {
                // A copy, as a parameter belongs to one command and one list of parameters may serve several.
                parameter = typed is ICloneable cloneable ? (DbParameter)cloneable.Clone() : typed;
            }
            else
            {
                parameter = cmd.CreateParameter();
                parameter.Value = value ?? DBNull.Value;
            }

            parameter.ParameterName = name;
            cmd.Parameters.Add(parameter);
        }

        return cmd;
    }

    /// <summary>
    /// Refuses text holding the NUL character (U+0000), which PostgreSQL's <c>text</c> and <c>jsonb</c> cannot store (a
    /// JSON document is checked for the escape that stands for it when it is made a value, <see cref="Json"/>). The edges
    /// refuse it first (the inbound gate, the telegram rules); this is the last line for any other field, so that every
    /// engine answers with the same refusal instead of one of them failing the request.
    /// </summary>
    private static void RefuseNul(object? value)
    {
        if (value is string text && text.Contains('\0', StringComparison.Ordinal))
        {
            throw NulRefused();
        }
    }

    private static TelexException NulRefused() => new(TelexErrorKind.Invalid, "text must not contain the NUL character (U+0000)");

    // The JSON escape for NUL, backslash-u-0000, whose backslash follows an even number of backslashes (after an odd number it is text).
    private static bool HoldsEscapedNul(string json)
    {
        for (int at = json.IndexOf("\\u0000", StringComparison.Ordinal); at >= 0; at = json.IndexOf("\\u0000", at + 1, StringComparison.Ordinal))
        {
            int backslashes = 0;
            while (at - backslashes - 1 >= 0 && json[at - backslashes - 1] == '\\')
            {
                backslashes++;
            }

            if (backslashes % 2 == 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Runs a statement and returns the number of rows it changed.</summary>
    protected internal static async Task<int> ExecuteAsync(DbConnection c, DbTransaction? tx, string sql, CancellationToken ct,
        params (string Name, object? Value)[] parameters)
    {
        using var cmd = Command(c, tx, sql, parameters);
        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The first column of the first row a query returns, or null when it returns none (or NULL).</summary>
    protected internal static async Task<object?> ScalarAsync(DbConnection c, DbTransaction? tx, string sql, CancellationToken ct,
        params (string Name, object? Value)[] parameters)
    {
        using var cmd = Command(c, tx, sql, parameters);
        object? value = await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    /// <summary>A count or other whole number a query returns (0 when it returns none).</summary>
    protected internal static async Task<long> LongAsync(DbConnection c, DbTransaction? tx, string sql, CancellationToken ct,
        params (string Name, object? Value)[] parameters) =>
        Convert.ToInt64(await ScalarAsync(c, tx, sql, ct, parameters).ConfigureAwait(false) ?? 0L, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The rows a query returns, each read by <paramref name="map"/>.</summary>
    protected internal static async Task<List<T>> ListAsync<T>(DbConnection c, DbTransaction? tx, string sql, RowMapper<T> map, CancellationToken ct,
        params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(map);
        using var cmd = Command(c, tx, sql, parameters);
        using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var list = new List<T>();
        var row = map(r);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(row());
        }

        return list;
    }

    /// <summary>The first row a query returns, read by <paramref name="map"/>, or the default when it returns none.</summary>
    protected internal static async Task<T?> FirstAsync<T>(DbConnection c, DbTransaction? tx, string sql, RowMapper<T> map, CancellationToken ct,
        params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(map);
        using var cmd = Command(c, tx, sql, parameters);
        using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await r.ReadAsync(ct).ConfigureAwait(false) ? map(r)() : default;
    }
}

/// <summary>
/// Reads rows of one table from <paramref name="reader"/>: called once per reader, it looks up the ordinals of the
/// columns it reads by name, and returns the function that reads the current row.
/// </summary>
public delegate Func<T> RowMapper<T>(DbDataReader reader);
