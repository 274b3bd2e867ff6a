namespace Telex.Storage.Relational;

/// <summary>
/// Filing outside the roles: the bulk path for filling a register, and the steps an engine's own migrations take to
/// enter rows filed before the chain existed (run in the migration's transaction).
/// </summary>
public abstract partial class RelationalStore
{
    /// <summary>The columns of <c>telegrams</c>, as <see cref="TelegramRow"/> reads them.</summary>
    protected const string TelegramColumns = RelationalRole.TelegramColumns;

    /// <summary>The columns of <c>clearance_log</c>, as <see cref="ClearanceRow"/> reads them.</summary>
    protected const string ClearanceLogColumns = RelationalClearance.ClearanceLogColumns;

    /// <summary>
    /// Appends inbound entries in one transaction, each taking the next registry number: the fast path for filling a
    /// register with history (the load benchmark's register-scale mode), each entered in the register's chain. Nothing is
    /// sent for them. The entries' <see cref="TelegramRecord.RegistryNumber"/> is ignored; each must be inbound and new.
    /// Returns the last number given.
    /// </summary>
    public Task<long> BulkRegisterAsync(IReadOnlyList<TelegramRecord> records, CancellationToken ct = default) =>
        TelegramsRole.BulkRegisterAsync(records, ct);

    /// <summary>The row mapper of <c>telegrams</c>.</summary>
    protected Func<TelegramRecord> TelegramRow(DbDataReader r) => TelegramsRole.TelegramRow(r);

    /// <summary>The row mapper of <c>issue_events</c>.</summary>
    protected Func<IssueEvent> IssueEventRow(DbDataReader r) => IssuesRole.IssueEventRow(r);

    /// <summary>The row mapper of <c>clearance_log</c>.</summary>
    protected Func<ClearanceLogRow> ClearanceRow(DbDataReader r) => ClearanceRole.ClearanceRow(r);

    /// <summary>Appends an entry to the register's chain inside <paramref name="tx"/>.</summary>
    protected Task<RegisterEntry> AppendEntryAsync(DbConnection c, DbTransaction tx, string kind, string reference, byte[] content, bool keepContent,
        CancellationToken ct) =>
        RegisterRole.AppendEntryAsync(c, tx, kind, reference, content, keepContent, ct);

    /// <summary>Enters a telegram as filed (and the receipt it was filed with) inside <paramref name="tx"/>.</summary>
    protected Task<RegisterEntry> AppendTelegramAsync(DbConnection c, DbTransaction tx, TelegramRecord t, CancellationToken ct) =>
        RegisterRole.AppendTelegramAsync(c, tx, t, ct);
}
