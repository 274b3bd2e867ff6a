using System.Text;

using Telex.Core;

namespace Telex.Storage.Relational;

/// <summary>
/// The register: its hash chain (<c>register_log</c>; appending is a step every role shares, in <see cref="RelationalRole"/>), the
/// register's queries over telegrams and imported cables, checkpoints, and the register's export and import.
/// </summary>
internal sealed class RelationalRegister(RelationalStore store) : RelationalRole(store), IRegisterStore
{
    private const string CableColumns = "id, registry_number, received_at, sender_serial, signer, signed_on, text, trailer, imported_at, source";
    private const string CheckpointColumns = "agency_did, count, head, time, signed, stored_at";

    /// <summary>The setting naming the agency whose chain an imported register is.</summary>
    private const string OriginSetting = "register.origin";

    /// <inheritdoc/>
    public Task<RegisterHead> GetRegisterHeadAsync(CancellationToken ct = default) =>
        ReadAsync(async c =>
        {
            using var cmd = Command(c, null, "SELECT position, hash FROM register_log ORDER BY position DESC LIMIT 1");
            using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await r.ReadAsync(ct).ConfigureAwait(false) ? new RegisterHead(r.GetInt64(0), r.GetString(1)) : new RegisterHead(0, RegisterChain.Genesis);
        }, ct);

    /// <inheritdoc/>
    public Task<RegisterSnapshot> ReadRegisterAsync(CancellationToken ct = default) =>
        ReadAsync(async c =>
        {
            // One snapshot: entries and rows agree even while the agency writes.
            await using var tx = await BeginSnapshotAsync(c, ct).ConfigureAwait(false);
            var register = new RegisterSnapshot
            {
                OriginDid = (string?)await ScalarAsync(c, tx, "SELECT value FROM settings WHERE key=@k", ct, ("@k", OriginSetting)).ConfigureAwait(false),
                Entries = await ListAsync(c, tx, $"SELECT {EntryColumns} FROM register_log ORDER BY position", EntryRow, ct).ConfigureAwait(false),
                Cables = await ListAsync(c, tx, $"SELECT {CableColumns} FROM imported_cables ORDER BY imported_at, id", CableRow, ct).ConfigureAwait(false),
                Checkpoints = await ListAsync(c, tx, $"SELECT {CheckpointColumns} FROM checkpoints ORDER BY seq", CheckpointRow, ct).ConfigureAwait(false),
                Telegrams = [],
            };
            return await ReadFiledAsync(c, tx, register, ct).ConfigureAwait(false);
        }, ct);

    /// <summary>
    /// Adds to <paramref name="snapshot"/> the rows the register's entries are about, read in <paramref name="tx"/>:
    /// telegrams, issues and their events, drafts, the clearance log and bureaus.
    /// </summary>
    private async Task<RegisterSnapshot> ReadFiledAsync(DbConnection c, DbTransaction tx, RegisterSnapshot snapshot, CancellationToken ct)
    {
        var telegrams = await ListAsync(c, tx, $"SELECT {TelegramColumns} FROM telegrams ORDER BY seq", TelegramRow, ct).ConfigureAwait(false);
        var issues = await ListAsync(c, tx, $"SELECT {RelationalIssues.IssueColumns} FROM issues ORDER BY {FilingOrder}", Store.IssuesRole.IssueRow, ct).ConfigureAwait(false);
        var events = await ListAsync(c, tx, $"SELECT {RelationalIssues.IssueEventColumns} FROM issue_events ORDER BY seq", Store.IssuesRole.IssueEventRow, ct).ConfigureAwait(false);
        var drafts = await ListAsync(c, tx, $"SELECT {RelationalClearance.DraftColumns} FROM drafts ORDER BY {FilingOrder}", Store.ClearanceRole.DraftRow, ct).ConfigureAwait(false);
        var log = await ListAsync(c, tx, $"SELECT {RelationalClearance.ClearanceLogColumns} FROM clearance_log ORDER BY seq", Store.ClearanceRole.ClearanceRow, ct).ConfigureAwait(false);
        var (bureaus, bureauEpochs) = await Store.BureausRole.ReadBureausAsync(c, tx, ct).ConfigureAwait(false);
        return snapshot with
        {
            Telegrams = telegrams,
            Issues = issues,
            IssueEvents = events,
            Drafts = drafts,
            ClearanceLog = log,
            Bureaus = bureaus,
            BureauEpochs = bureauEpochs,
        };
    }

    /// <summary>
    /// Files, in <paramref name="tx"/>, the rows of an imported register that its entries are about: telegrams, issues
    /// and their events, drafts, the clearance log and bureaus.
    /// </summary>
    private async Task ImportFiledAsync(DbConnection c, DbTransaction tx, RegisterSnapshot snapshot, CancellationToken ct)
    {
        foreach (var t in snapshot.Telegrams)
        {
            await InsertTelegramAsync(c, tx, t, t.Direction == Direction.Inbound ? t.RegistryNumber : null, ct).ConfigureAwait(false);
        }

        // Issues as they stand and their events as filed; the verification before the import has checked that each
        // issue stands where its events put it.
        foreach (var issue in snapshot.Issues)
        {
            await Store.IssuesRole.InsertIssueAsync(c, tx, issue, ct).ConfigureAwait(false);
        }

        foreach (var e in snapshot.IssueEvents)
        {
            await Store.IssuesRole.InsertIssueEventAsync(c, tx, e, ct).ConfigureAwait(false);
        }

        foreach (var draft in snapshot.Drafts)
        {
            await Store.ClearanceRole.InsertDraftAsync(c, tx, draft, ct).ConfigureAwait(false);
        }

        foreach (var row in snapshot.ClearanceLog)
        {
            await Store.ClearanceRole.InsertLogRowAsync(c, tx, row.Step, row.Seq, ct).ConfigureAwait(false);
        }

        await Store.BureausRole.ImportBureausAsync(c, tx, snapshot, ct).ConfigureAwait(false);
    }

    private Func<ImportedCable> CableRow(DbDataReader r)
    {
        int id = r.GetOrdinal("id"), number = r.GetOrdinal("registry_number"), receivedAt = r.GetOrdinal("received_at"),
            serial = r.GetOrdinal("sender_serial"), signer = r.GetOrdinal("signer"), signedOn = r.GetOrdinal("signed_on"), text = r.GetOrdinal("text"),
            trailer = r.GetOrdinal("trailer"), importedAt = r.GetOrdinal("imported_at"), source = r.GetOrdinal("source");
        return () => new(ReadId(r, id), RegistryNumber: r.GetInt64(number), ReceivedAt: ReadTime(r, receivedAt), SenderSerial: r.GetInt64(serial),
            Signer: r.GetString(signer), SignedOn: r.GetString(signedOn), Text: r.GetString(text), ImportedAt: ReadTime(r, importedAt),
            Trailer: r.GetString(trailer), Source: ReadStringOrNull(r, source));
    }

    private Func<Checkpoint> CheckpointRow(DbDataReader r)
    {
        int agency = r.GetOrdinal("agency_did"), count = r.GetOrdinal("count"), head = r.GetOrdinal("head"), time = r.GetOrdinal("time"),
            signed = r.GetOrdinal("signed"), storedAt = r.GetOrdinal("stored_at");
        return () => new(r.GetString(agency), r.GetInt64(count), r.GetString(head), Time: ReadTime(r, time), ReadBytes(r, signed),
            StoredAt: ReadTime(r, storedAt));
    }

    private async Task InsertCableAsync(DbConnection c, DbTransaction tx, ImportedCable cable, CancellationToken ct) =>
        await ExecuteAsync(c, tx, $"INSERT INTO imported_cables({CableColumns}) VALUES(@id, @n, @at, @serial, @signer, @on, @text, @trailer, @imported, @source)", ct,
            ("@id", Id(cable.Id)), ("@n", cable.RegistryNumber), ("@at", Time(cable.ReceivedAt)), ("@serial", cable.SenderSerial), ("@signer", cable.Signer),
            ("@on", cable.SignedOn), ("@text", cable.Text), ("@trailer", cable.Trailer), ("@imported", Time(cable.ImportedAt)), ("@source", cable.Source))
            .ConfigureAwait(false);

    /// <inheritdoc/>
    public Task<RegisterEntry> ImportCableAsync(ImportedCable cable, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(cable);
        return WriteAsync(async (c, tx) =>
        {
            // Under the chain's lock, so two nodes importing the same number at once see each other's cable.
            await LockChainAsync(c, tx, ct).ConfigureAwait(false);
            var same = await FirstAsync(c, tx, $"SELECT {CableColumns} FROM imported_cables WHERE registry_number=@n ORDER BY imported_at, id LIMIT 1",
                CableRow, ct, ("@n", cable.RegistryNumber)).ConfigureAwait(false);
            if (same is not null)
            {
                throw new TelexException(TelexErrorKind.Conflict, ImportedCable.TakenNumber(same));
            }

            await InsertCableAsync(c, tx, cable, ct).ConfigureAwait(false);
            return await AppendEntryAsync(c, tx, RegisterKinds.CableImported, RegisterChain.CableReference(cable.Id), RegisterChain.CableContent(cable),
                keepContent: false, ct).ConfigureAwait(false);
        }, ct);
    }

    /// <inheritdoc/>
    public Task<ImportedCable?> GetImportedCableAsync(Guid id, CancellationToken ct = default) =>
        ReadAsync(c => FirstAsync(c, null, $"SELECT {CableColumns} FROM imported_cables WHERE id=@i", CableRow, ct, ("@i", Id(id))), ct);

    /// <inheritdoc/>
    public Task<ImportedCable?> GetImportedCableByNumberAsync(long registryNumber, CancellationToken ct = default) =>
        ReadAsync(c => FirstAsync(c, null, $"SELECT {CableColumns} FROM imported_cables WHERE registry_number=@n ORDER BY imported_at, id LIMIT 1",
            CableRow, ct, ("@n", registryNumber)), ct);

    /// <summary>Imported cables a register query matches (<see cref="RegisterQuery.MatchesImported"/>), newest first.</summary>
    internal async Task<List<TelegramRecord>> QueryCablesAsync(DbConnection c, DbTransaction? tx, RegisterQuery query, int limit, long offset,
        CancellationToken ct)
    {
        var (where, parameters) = CableWhere(query);
        var cables = await ListAsync(c, tx,
            $"SELECT {CableColumns} FROM imported_cables {where} ORDER BY received_at DESC, registry_number DESC, id LIMIT {limit} OFFSET {offset}",
            CableRow, ct, [.. parameters]).ConfigureAwait(false);
        return cables.Select(cable => cable.AsRegisterEntry()).ToList();
    }

    /// <summary>How many imported cables a register query matches.</summary>
    internal async Task<long> CountCablesAsync(DbConnection c, DbTransaction? tx, RegisterQuery query, CancellationToken ct)
    {
        var (where, parameters) = CableWhere(query);
        return await LongAsync(c, tx, "SELECT COUNT(*) FROM imported_cables " + where, ct, [.. parameters]).ConfigureAwait(false);
    }

    private (string Where, List<(string, object?)> Parameters) CableWhere(RegisterQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var where = new StringBuilder("WHERE 1=1");
        var parameters = new List<(string, object?)>();
        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            where.Append(" AND ").Append(TextCondition("imported_cables", query.Text, parameters));
        }

        if (query.From is { } from)
        {
            where.Append(" AND received_at >= @from");
            parameters.Add(("@from", Time(from)));
        }

        if (query.Until is { } until)
        {
            where.Append(" AND received_at < @until");
            parameters.Add(("@until", Time(until)));
        }

        return (where.ToString(), parameters);
    }

    /// <inheritdoc/>
    public Task<bool> AddCheckpointAsync(Checkpoint checkpoint, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return WriteAsync(async (c, tx) => await InsertCheckpointAsync(c, tx, checkpoint, ct).ConfigureAwait(false), ct);
    }

    private async Task<bool> InsertCheckpointAsync(DbConnection c, DbTransaction tx, Checkpoint cp, CancellationToken ct) =>
        await ExecuteAsync(c, tx, $"INSERT INTO checkpoints({CheckpointColumns}) VALUES(@a, @n, @h, @t, @s, @at) ON CONFLICT DO NOTHING", ct,
            ("@a", cp.AgencyDid), ("@n", cp.Count), ("@h", cp.Head), ("@t", Time(cp.Time)), ("@s", Bytes(cp.SignedMessage)), ("@at", Time(cp.StoredAt)))
            .ConfigureAwait(false) == 1;

    /// <inheritdoc/>
    public Task<IReadOnlyList<Checkpoint>> ListCheckpointsAsync(string? agencyDid = null, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<Checkpoint>>(async c => agencyDid is null
            ? await ListAsync(c, null, $"SELECT {CheckpointColumns} FROM checkpoints ORDER BY seq", CheckpointRow, ct).ConfigureAwait(false)
            : await ListAsync(c, null, $"SELECT {CheckpointColumns} FROM checkpoints WHERE agency_did=@a ORDER BY seq", CheckpointRow, ct,
                ("@a", agencyDid)).ConfigureAwait(false), ct);

    /// <inheritdoc/>
    public Task ImportRegisterAsync(RegisterSnapshot snapshot, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var register = snapshot;
        return WriteAsync(async (c, tx) =>
        {
            // The locks every registration and every entry take, in their order: nothing is filed while the import runs.
            await LockCounterAsync(c, tx, "registry", ct).ConfigureAwait(false);
            await LockChainAsync(c, tx, ct).ConfigureAwait(false);
            long filed = await LongAsync(c, tx, """
                SELECT (SELECT COUNT(*) FROM register_log) + (SELECT COUNT(*) FROM telegrams) + (SELECT COUNT(*) FROM imported_cables)
                    + (SELECT COUNT(*) FROM issues) + (SELECT COUNT(*) FROM drafts)
                """, ct).ConfigureAwait(false);
            if (filed > 0)
            {
                throw new TelexException(TelexErrorKind.Conflict, "the register is not empty: an export is imported only into a fresh agency");
            }

            foreach (var e in register.Entries)
            {
                await InsertEntryAsync(c, tx, e, ct).ConfigureAwait(false);
            }

            foreach (var cable in register.Cables)
            {
                await InsertCableAsync(c, tx, cable, ct).ConfigureAwait(false);
            }

            foreach (var cp in register.Checkpoints)
            {
                await InsertCheckpointAsync(c, tx, cp, ct).ConfigureAwait(false);
            }

            await ImportFiledAsync(c, tx, register, ct).ConfigureAwait(false);
            long highest = register.Telegrams.Where(t => t.Direction == Direction.Inbound).Select(t => t.RegistryNumber).DefaultIfEmpty(0).Max();
            await ExecuteAsync(c, tx, $"UPDATE counters SET value={Greatest("value", "@v")} WHERE name='registry'", ct, ("@v", highest)).ConfigureAwait(false);
            if (register.OriginDid is not null)
            {
                await RelationalSettings.SetSettingAsync(c, tx, OriginSetting, register.OriginDid, ct).ConfigureAwait(false);
            }

            return 0;
        }, ct);
    }

    /// <summary>The columns of <c>telegrams</c> aliased <c>t</c>, for a query that joins it (a text search).</summary>
    private static readonly string TelegramColumnsOfT = string.Join(", ", TelegramColumns.Split(',').Select(c => "t." + c.Trim()));

    /// <inheritdoc/>
    public Task<TelegramRecord?> GetByRegistryNumberAsync(long registryNumber, CancellationToken ct = default) =>
        ReadAsync(c => FirstAsync(c, null, $"SELECT {TelegramColumns} FROM telegrams WHERE registry_number=@n", TelegramRow, ct,
            ("@n", registryNumber)), ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<TelegramRecord>> QueryAsync(RegisterQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        int limit = Math.Clamp(query.Limit, 1, 1000);
        int offset = Math.Max(0, query.Offset);
        return ReadAsync<IReadOnlyList<TelegramRecord>>(async c =>
        {
            // One read transaction: the traffic and the imported history it is followed by come from one snapshot.
            await using var tx = await BeginSnapshotAsync(c, ct).ConfigureAwait(false);
            var list = query.Imported == ImportedScope.Only ? [] : await QueryTelegramsAsync(c, tx, query, limit, offset, ct).ConfigureAwait(false);
            if (list.Count < limit && query.MatchesImported)
            {
                // Imported history follows the last telegram: skip what the offset leaves of it after the traffic.
                long skip = query.Imported == ImportedScope.Only ? offset
                    : list.Count > 0 ? 0
                    : Math.Max(0, offset - await CountTelegramsAsync(c, tx, query, ct).ConfigureAwait(false));
                list.AddRange(await QueryCablesAsync(c, tx, query, limit - list.Count, skip, ct).ConfigureAwait(false));
            }

            return list;
        }, ct);
    }

    private async Task<List<TelegramRecord>> QueryTelegramsAsync(DbConnection c, DbTransaction tx, RegisterQuery query, int limit, int offset,
        CancellationToken ct)
    {
        var parameters = new List<(string, object?)>();
        var (from, match, order) = string.IsNullOrWhiteSpace(query.Text)
            ? ("telegrams t", "1=1", "t.seq DESC")
            : TelegramSearch(query.Text, parameters);
        string where = Where(query, match, parameters);
        return await ListAsync(c, tx, $"SELECT {TelegramColumnsOfT} FROM {from} {where} ORDER BY {order} LIMIT {limit} OFFSET {offset}",
            TelegramRow, ct, [.. parameters]).ConfigureAwait(false);
    }

    private async Task<long> CountTelegramsAsync(DbConnection c, DbTransaction? tx, RegisterQuery query, CancellationToken ct)
    {
        var parameters = new List<(string, object?)>();
        string match = string.IsNullOrWhiteSpace(query.Text) ? "1=1" : TextCondition("telegrams", query.Text, parameters);
        return await LongAsync(c, tx, "SELECT COUNT(*) FROM telegrams " + Where(query, match, parameters), ct, [.. parameters]).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<long> CountAsync(RegisterQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReadAsync(async c =>
        {
            await using var tx = await BeginSnapshotAsync(c, ct).ConfigureAwait(false);
            long traffic = query.Imported == ImportedScope.Only ? 0 : await CountTelegramsAsync(c, tx, query, ct).ConfigureAwait(false);
            return traffic + (query.MatchesImported ? await CountCablesAsync(c, tx, query, ct).ConfigureAwait(false) : 0);
        }, ct);
    }

    /// <summary>The condition a register query sets on telegrams, after <paramref name="match"/> (its text search).</summary>
    private string Where(RegisterQuery query, string match, List<(string, object?)> parameters)
    {
        var where = new StringBuilder("WHERE ").Append(match);
        void Add(string clause, string name, object? value)
        {
            where.Append(" AND ").Append(clause);
            parameters.Add((name, value));
        }

        if (query.Counterpart is not null)
        {
            Add("counterpart IN " + DidsOfTie("@cp"), "@cp", query.Counterpart);
        }

        if (query.IssueId is not null)
        {
            Add("issue_id=@issue", "@issue", query.IssueId);
        }

        if (query.Precedence is { } p)
        {
            Add("precedence=@prec", "@prec", (int)p);
        }

        if (query.Status is { } s)
        {
            Add("status=@status", "@status", (int)s);
        }

        if (query.Direction is { } d)
        {
            Add("direction=@dir", "@dir", (int)d);
        }

        if (query.From is { } from)
        {
            Add("registered_at >= @from", "@from", Time(from));
        }

        if (query.Until is { } until)
        {
            Add("registered_at < @until", "@until", Time(until));
        }

        return where.ToString();
    }
}
