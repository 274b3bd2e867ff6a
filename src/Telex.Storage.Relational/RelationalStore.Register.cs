using System.Text;

using Telex.Core;

namespace Telex.Storage.Relational;

/// <summary>
/// The register: its hash chain (<c>register_log</c>), which every concern appends to in the transaction of the write it
/// records, the cables imported from paper, checkpoints, and the register's export and import.
/// </summary>
public abstract partial class RelationalStore
{
    /// <summary>The columns of <c>register_log</c>, as <see cref="EntryRow"/> reads them.</summary>
    protected const string EntryColumns = "position, kind, reference, time, content_hash, content, prev_hash, hash";

    private const string CableColumns = "id, registry_number, received_at, sender_serial, signer, signed_on, text, trailer, imported_at, source";
    private const string CheckpointColumns = "agency_did, count, head, time, signed, stored_at";

    /// <summary>The setting naming the agency whose chain an imported register is.</summary>
    private const string OriginSetting = "register.origin";

    /// <summary>
    /// Appends an entry to the register chain inside <paramref name="tx"/>, the transaction of the write it records, so
    /// that the write and its entry are committed together or not at all. Every kind of entry goes through here.
    /// </summary>
    protected async Task<RegisterEntry> AppendEntryAsync(DbConnection c, DbTransaction tx, string kind, string reference, byte[] content,
        bool keepContent, CancellationToken ct)
    {
        await LockChainAsync(c, tx, ct).ConfigureAwait(false);
        var previous = await FirstAsync(c, tx, $"SELECT {EntryColumns} FROM register_log ORDER BY position DESC LIMIT 1", EntryRow, ct)
            .ConfigureAwait(false);
        var entry = RegisterChain.Next(previous, kind, reference, Now, content, keepContent);
        await InsertEntryAsync(c, tx, entry, ct).ConfigureAwait(false);
        return entry;
    }

    private async Task InsertEntryAsync(DbConnection c, DbTransaction tx, RegisterEntry e, CancellationToken ct) =>
        await ExecuteAsync(c, tx, $"INSERT INTO register_log({EntryColumns}) VALUES(@p, @k, @r, @t, @ch, @c, @prev, @h)", ct,
            ("@p", e.Position), ("@k", e.Kind), ("@r", e.Reference), ("@t", Time(e.Time)), ("@ch", e.ContentHash),
            ("@c", e.Content is { } content ? Bytes(content) : null), ("@prev", e.PrevHash), ("@h", e.Hash)).ConfigureAwait(false);

    /// <summary>The row mapper of <c>register_log</c>.</summary>
    protected Func<RegisterEntry> EntryRow(DbDataReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        int position = r.GetOrdinal("position"), kind = r.GetOrdinal("kind"), reference = r.GetOrdinal("reference"), time = r.GetOrdinal("time"),
            contentHash = r.GetOrdinal("content_hash"), content = r.GetOrdinal("content"), prevHash = r.GetOrdinal("prev_hash"), hash = r.GetOrdinal("hash");
        return () => new()
        {
            Position = r.GetInt64(position),
            Kind = r.GetString(kind),
            Reference = r.GetString(reference),
            Time = ReadTime(r, time),
            ContentHash = r.GetString(contentHash),
            Content = ReadBytesOrNull(r, content),
            PrevHash = r.GetString(prevHash),
            Hash = r.GetString(hash),
        };
    }

    /// <summary>Enters a telegram as filed, and the receipt issued for it if it was filed with one.</summary>
    protected async Task<RegisterEntry> AppendTelegramAsync(DbConnection c, DbTransaction tx, TelegramRecord t, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(t);
        var entry = await AppendEntryAsync(c, tx, t.Direction == Direction.Inbound ? RegisterKinds.TelegramIn : RegisterKinds.TelegramOut,
            RegisterChain.TelegramReference(t.Id, t.Direction), RegisterChain.TelegramContent(t), keepContent: false, ct).ConfigureAwait(false);
        if (t.Direction == Direction.Inbound && t.Receipt is { } receipt)
        {
            entry = await AppendEntryAsync(c, tx, RegisterKinds.Receipt, entry.Reference, RegisterChain.ReceiptContent(t.Id, receipt), true, ct)
                .ConfigureAwait(false);
        }

        return entry;
    }

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
        var issues = await ListAsync(c, tx, $"SELECT {IssueColumns} FROM issues ORDER BY {FilingOrder}", IssueRow, ct).ConfigureAwait(false);
        var events = await ListAsync(c, tx, $"SELECT {IssueEventColumns} FROM issue_events ORDER BY seq", IssueEventRow, ct).ConfigureAwait(false);
        var drafts = await ListAsync(c, tx, $"SELECT {DraftColumns} FROM drafts ORDER BY {FilingOrder}", DraftRow, ct).ConfigureAwait(false);
        var log = await ListAsync(c, tx, $"SELECT {ClearanceLogColumns} FROM clearance_log ORDER BY seq", ClearanceRow, ct).ConfigureAwait(false);
        var (bureaus, bureauEpochs) = await ReadBureausAsync(c, tx, ct).ConfigureAwait(false);
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
            await InsertIssueAsync(c, tx, issue, ct).ConfigureAwait(false);
        }

        foreach (var e in snapshot.IssueEvents)
        {
            await InsertIssueEventAsync(c, tx, e, ct).ConfigureAwait(false);
        }

        foreach (var draft in snapshot.Drafts)
        {
            await InsertDraftAsync(c, tx, draft, ct).ConfigureAwait(false);
        }

        foreach (var row in snapshot.ClearanceLog)
        {
            await InsertLogRowAsync(c, tx, row.Step, row.Seq, ct).ConfigureAwait(false);
        }

        await ImportBureausAsync(c, tx, snapshot, ct).ConfigureAwait(false);
    }

    private Func<ImportedCable> CableRow(DbDataReader r)
    {
        int id = r.GetOrdinal("id"), number = r.GetOrdinal("registry_number"), receivedAt = r.GetOrdinal("received_at"),
            serial = r.GetOrdinal("sender_serial"), signer = r.GetOrdinal("signer"), signedOn = r.GetOrdinal("signed_on"), text = r.GetOrdinal("text"),
            trailer = r.GetOrdinal("trailer"), importedAt = r.GetOrdinal("imported_at"), source = r.GetOrdinal("source");
        return () => new()
        {
            Id = ReadId(r, id),
            RegistryNumber = r.GetInt64(number),
            ReceivedAt = ReadTime(r, receivedAt),
            SenderSerial = r.GetInt64(serial),
            Signer = r.GetString(signer),
            SignedOn = r.GetString(signedOn),
            Text = r.GetString(text),
            Trailer = r.GetString(trailer),
            ImportedAt = ReadTime(r, importedAt),
            Source = ReadStringOrNull(r, source),
        };
    }

    private Func<Checkpoint> CheckpointRow(DbDataReader r)
    {
        int agency = r.GetOrdinal("agency_did"), count = r.GetOrdinal("count"), head = r.GetOrdinal("head"), time = r.GetOrdinal("time"),
            signed = r.GetOrdinal("signed"), storedAt = r.GetOrdinal("stored_at");
        return () => new()
        {
            AgencyDid = r.GetString(agency),
            Count = r.GetInt64(count),
            Head = r.GetString(head),
            Time = ReadTime(r, time),
            SignedMessage = ReadBytes(r, signed),
            StoredAt = ReadTime(r, storedAt),
        };
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
    protected async Task<List<TelegramRecord>> QueryCablesAsync(DbConnection c, DbTransaction? tx, RegisterQuery query, int limit, long offset,
        CancellationToken ct)
    {
        var (where, parameters) = CableWhere(query);
        var cables = await ListAsync(c, tx,
            $"SELECT {CableColumns} FROM imported_cables {where} ORDER BY received_at DESC, registry_number DESC, id LIMIT {limit} OFFSET {offset}",
            CableRow, ct, [.. parameters]).ConfigureAwait(false);
        return cables.Select(cable => cable.AsRegisterEntry()).ToList();
    }

    /// <summary>How many imported cables a register query matches.</summary>
    protected async Task<long> CountCablesAsync(DbConnection c, DbTransaction? tx, RegisterQuery query, CancellationToken ct)
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
                await SetSettingAsync(c, tx, OriginSetting, register.OriginDid, ct).ConfigureAwait(false);
            }

            return 0;
        }, ct);
    }
}
