using System.Text;

using Microsoft.Data.Sqlite;

using Telex.Core;
using Telex.Core.Model;
using Telex.Core.Register;
using Telex.Core.Storage;

namespace Telex.Storage.Sqlite;

public sealed partial class SqliteStore
{
    private const string EntryColumns = "position, kind, reference, time, content_hash, content, prev_hash, hash";
    private const string CableColumns = "id, registry_number, received_at, sender_serial, signer, signed_on, text, trailer, imported_at, source";
    private const string CheckpointColumns = "agency_did, count, head, time, signed, stored_at";

    /// <summary>The setting naming the agency whose chain an imported register is.</summary>
    private const string OriginSetting = "register.origin";

    /// <summary>
    /// Appends an entry to the register chain inside <paramref name="tx"/>, the transaction of the write it records, so
    /// that the write and its entry are committed together or not at all. Every kind of entry goes through here.
    /// </summary>
    internal async Task<RegisterEntry> AppendEntryAsync(SqliteConnection c, SqliteTransaction tx, string kind, string reference, byte[] content,
        bool keepContent, CancellationToken ct)
    {
        using var last = Command(c, tx, $"SELECT {EntryColumns} FROM register_log ORDER BY position DESC LIMIT 1");
        RegisterEntry? previous;
        using (var r = await last.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            previous = await r.ReadAsync(ct).ConfigureAwait(false) ? ReadEntry(r) : null;
        }

        var entry = RegisterChain.Next(previous, kind, reference, DateTimeOffset.FromUnixTimeMilliseconds(NowMs), content, keepContent);
        await InsertEntryAsync(c, tx, entry, ct).ConfigureAwait(false);
        return entry;
    }

    private static async Task InsertEntryAsync(SqliteConnection c, SqliteTransaction tx, RegisterEntry e, CancellationToken ct)
    {
        using var insert = Command(c, tx, $"INSERT INTO register_log({EntryColumns}) VALUES($p, $k, $r, $t, $ch, $c, $prev, $h)",
            ("$p", e.Position), ("$k", e.Kind), ("$r", e.Reference), ("$t", e.Time.ToUnixTimeMilliseconds()), ("$ch", e.ContentHash),
            ("$c", e.Content), ("$prev", e.PrevHash), ("$h", e.Hash));
        await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static RegisterEntry ReadEntry(SqliteDataReader r) => new()
    {
        Position = r.GetInt64(0),
        Kind = r.GetString(1),
        Reference = r.GetString(2),
        Time = Ms(r.GetInt64(3)),
        ContentHash = r.GetString(4),
        Content = r.IsDBNull(5) ? null : (byte[])r.GetValue(5),
        PrevHash = r.GetString(6),
        Hash = r.GetString(7),
    };

    /// <summary>Enters a telegram as filed, and the receipt issued for it if it was filed with one.</summary>
    private async Task<RegisterEntry> AppendTelegramAsync(SqliteConnection c, SqliteTransaction tx, TelegramRecord t, CancellationToken ct)
    {
        var entry = await AppendEntryAsync(c, tx, t.Direction == Direction.Inbound ? RegisterKinds.TelegramIn : RegisterKinds.TelegramOut,
            RegisterChain.TelegramReference(t.Id, t.Direction), RegisterChain.TelegramContent(t), keepContent: false, ct).ConfigureAwait(false);
        if (t.Direction == Direction.Inbound && t.Receipt is { } receipt)
        {
            entry = await AppendEntryAsync(c, tx, RegisterKinds.Receipt, entry.Reference, RegisterChain.ReceiptContent(t.Id, receipt), true, ct)
                .ConfigureAwait(false);
        }

        return entry;
    }

    /// <summary>
    /// Run once, by the migration that created the chain: enters the telegrams already filed, in the order they were
    /// filed, each followed by the state it has reached, so an existing register verifies from then on.
    /// </summary>
    private async Task EnterExistingTelegramsAsync(SqliteConnection c, SqliteTransaction tx, CancellationToken ct)
    {
        var existing = new List<TelegramRecord>();
        // This migration runs before the columns added with relays and bureaus exist.
        using (var cmd = Command(c, tx, LegacyTelegramColumns + " ORDER BY seq"))
        using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                existing.Add(ReadTelegram(r));
            }
        }

        foreach (var t in existing)
        {
            await AppendTelegramAsync(c, tx, t, ct).ConfigureAwait(false);
            string reference = RegisterChain.TelegramReference(t.Id, t.Direction);
            if (t.Status == TelegramStatus.Delivered && t.Receipt is not null && t.PeerRegistryNumber is { } n && t.DeliveredAt is { } at)
            {
                await AppendEntryAsync(c, tx, RegisterKinds.Delivery, reference, RegisterChain.DeliveryContent(t.Id, t.Receipt, n, at), true, ct).ConfigureAwait(false);
            }

            if (t.Status == TelegramStatus.Failed)
            {
                await AppendEntryAsync(c, tx, RegisterKinds.Failure, reference, RegisterChain.FailureContent(t.Id, t.FailureReason ?? ""), true, ct).ConfigureAwait(false);
            }

            if (t.ReadAt is { } read)
            {
                await AppendEntryAsync(c, tx, RegisterKinds.Read, reference, RegisterChain.ReadContent(t.Id, read), true, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Run once, by the migration that entered issues and clearance into the chain: enters the issue events and clearance
    /// steps already filed, each in the order it was filed, so an existing register verifies from then on.
    /// </summary>
    private async Task EnterExistingIssuesAndClearanceAsync(SqliteConnection c, SqliteTransaction tx, CancellationToken ct)
    {
        var events = await ListAsync(c, tx, """
            SELECT e.id, e.issue_id, e.clock, e.agency, e.officer, e.at, e.status, e.title, e.outcome, e.referred_to, NULL, NULL, i.counterpart
            FROM issue_events e JOIN issues i ON i.id = e.issue_id ORDER BY e.seq
            """, r => (Event: ReadIssueEvent(r), Counterpart: r.GetString(12)), ct).ConfigureAwait(false);
        foreach (var (e, counterpart) in events)
        {
            await AppendEntryAsync(c, tx, RegisterKinds.IssueStatus, RegisterChain.IssueEventReference(e), RegisterChain.IssueEventContent(e, counterpart),
                keepContent: false, ct).ConfigureAwait(false);
        }

        foreach (var row in await ListAsync(c, tx, ClearanceLogColumns + " ORDER BY seq", ReadLogRow, ct).ConfigureAwait(false))
        {
            await AppendEntryAsync(c, tx, RegisterKinds.Clearance, RegisterChain.ClearanceReference(row), RegisterChain.ClearanceContent(row), keepContent: false, ct)
                .ConfigureAwait(false);
        }
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
            // One read transaction: WAL gives it a snapshot, so entries and rows agree even while the agency writes.
            using var tx = c.BeginTransaction(deferred: true);
            var entries = await ListAsync(c, tx, $"SELECT {EntryColumns} FROM register_log ORDER BY position", ReadEntry, ct).ConfigureAwait(false);
            var telegrams = await ListAsync(c, tx, TelegramColumns + " ORDER BY seq", ReadTelegram, ct).ConfigureAwait(false);
            var cables = await ListAsync(c, tx, $"SELECT {CableColumns} FROM imported_cables ORDER BY imported_at, id", ReadCable, ct).ConfigureAwait(false);
            var checkpoints = await ListAsync(c, tx, $"SELECT {CheckpointColumns} FROM checkpoints ORDER BY seq", ReadCheckpoint, ct).ConfigureAwait(false);
            var issues = await ListAsync(c, tx, IssueColumns + " ORDER BY rowid", ReadIssue, ct).ConfigureAwait(false);
            var events = await ListAsync(c, tx, IssueEventColumns + " ORDER BY seq", ReadIssueEvent, ct).ConfigureAwait(false);
            var drafts = await ListAsync(c, tx, DraftColumns + " ORDER BY rowid", ReadDraft, ct).ConfigureAwait(false);
            var log = await ListAsync(c, tx, ClearanceLogColumns + " ORDER BY seq", ReadLogRow, ct).ConfigureAwait(false);
            var (bureaus, bureauEpochs) = await ReadBureausAsync(c, tx, ct).ConfigureAwait(false);
            using var origin = Command(c, tx, "SELECT value FROM settings WHERE key=$k", ("$k", OriginSetting));
            string? originDid = (string?)await origin.ExecuteScalarAsync(ct).ConfigureAwait(false);
            return new RegisterSnapshot
            {
                OriginDid = originDid,
                Entries = entries,
                Telegrams = telegrams,
                Cables = cables,
                Checkpoints = checkpoints,
                Issues = issues,
                IssueEvents = events,
                Drafts = drafts,
                ClearanceLog = log,
                Bureaus = bureaus,
                BureauEpochs = bureauEpochs,
            };
        }, ct);

    private static async Task<List<T>> ListAsync<T>(SqliteConnection c, SqliteTransaction? tx, string sql, Func<SqliteDataReader, T> read,
        CancellationToken ct, params (string, object?)[] parameters)
    {
        using var cmd = Command(c, tx, sql, parameters);
        using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var list = new List<T>();
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(read(r));
        }

        return list;
    }

    private static ImportedCable ReadCable(SqliteDataReader r) => new()
    {
        Id = Guid.Parse(r.GetString(0)),
        RegistryNumber = r.GetInt64(1),
        ReceivedAt = Ms(r.GetInt64(2)),
        SenderSerial = r.GetInt64(3),
        Signer = r.GetString(4),
        SignedOn = r.GetString(5),
        Text = r.GetString(6),
        Trailer = r.GetString(7),
        ImportedAt = Ms(r.GetInt64(8)),
        Source = Str(r, 9),
    };

    private static Checkpoint ReadCheckpoint(SqliteDataReader r) => new()
    {
        AgencyDid = r.GetString(0),
        Count = r.GetInt64(1),
        Head = r.GetString(2),
        Time = Ms(r.GetInt64(3)),
        SignedMessage = (byte[])r.GetValue(4),
        StoredAt = Ms(r.GetInt64(5)),
    };

    private static async Task InsertCableAsync(SqliteConnection c, SqliteTransaction tx, ImportedCable cable, CancellationToken ct)
    {
        using var insert = Command(c, tx, $"INSERT INTO imported_cables({CableColumns}) VALUES($id, $n, $at, $serial, $signer, $on, $text, $trailer, $imported, $source)",
            ("$id", cable.Id.ToString()), ("$n", cable.RegistryNumber), ("$at", cable.ReceivedAt.ToUnixTimeMilliseconds()),
            ("$serial", cable.SenderSerial), ("$signer", cable.Signer), ("$on", cable.SignedOn), ("$text", cable.Text), ("$trailer", cable.Trailer),
            ("$imported", cable.ImportedAt.ToUnixTimeMilliseconds()), ("$source", cable.Source));
        await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<RegisterEntry> ImportCableAsync(ImportedCable cable, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(cable);
        return WriteAsync(async (c, tx) =>
        {
            var same = await ListAsync(c, tx, $"SELECT {CableColumns} FROM imported_cables WHERE registry_number=$n ORDER BY imported_at, id LIMIT 1", ReadCable, ct,
                ("$n", cable.RegistryNumber)).ConfigureAwait(false);
            if (same.Count > 0)
            {
                throw new TelexException(TelexErrorKind.Conflict, ImportedCable.TakenNumber(same[0]));
            }

            await InsertCableAsync(c, tx, cable, ct).ConfigureAwait(false);
            return await AppendEntryAsync(c, tx, RegisterKinds.CableImported, RegisterChain.CableReference(cable.Id), RegisterChain.CableContent(cable),
                keepContent: false, ct).ConfigureAwait(false);
        }, ct);
    }

    /// <inheritdoc/>
    public Task<ImportedCable?> GetImportedCableAsync(Guid id, CancellationToken ct = default) =>
        ReadAsync(async c => (await ListAsync(c, null, $"SELECT {CableColumns} FROM imported_cables WHERE id=$i", ReadCable, ct, ("$i", id.ToString()))
            .ConfigureAwait(false)).FirstOrDefault(), ct);

    /// <inheritdoc/>
    public Task<ImportedCable?> GetImportedCableByNumberAsync(long registryNumber, CancellationToken ct = default) =>
        ReadAsync(async c => (await ListAsync(c, null, $"SELECT {CableColumns} FROM imported_cables WHERE registry_number=$n ORDER BY imported_at, id LIMIT 1",
            ReadCable, ct, ("$n", registryNumber)).ConfigureAwait(false)).FirstOrDefault(), ct);

    /// <summary>Imported cables a register query matches (<see cref="RegisterQuery.MatchesImported"/>), newest first.</summary>
    private static async Task<List<TelegramRecord>> QueryCablesAsync(SqliteConnection c, SqliteTransaction? tx, RegisterQuery query, int limit, long offset,
        CancellationToken ct)
    {
        var (where, parameters) = CableWhere(query);
        var cables = await ListAsync(c, tx, $"SELECT {CableColumns} FROM imported_cables {where} ORDER BY received_at DESC, registry_number DESC, id LIMIT {limit} OFFSET {offset}",
            ReadCable, ct, parameters.ToArray()).ConfigureAwait(false);
        return cables.Select(cable => cable.AsRegisterEntry()).ToList();
    }

    private static async Task<long> CountCablesAsync(SqliteConnection c, SqliteTransaction? tx, RegisterQuery query, CancellationToken ct)
    {
        var (where, parameters) = CableWhere(query);
        using var cmd = Command(c, tx, "SELECT COUNT(*) FROM imported_cables " + where, parameters.ToArray());
        return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    private static (string Where, List<(string, object?)> Parameters) CableWhere(RegisterQuery query)
    {
        var where = new StringBuilder("WHERE 1=1");
        var parameters = new List<(string, object?)>();
        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            where.Append(" AND id IN (SELECT id FROM imported_cables_fts WHERE imported_cables_fts MATCH $q)");
            parameters.Add(("$q", FtsQuery(query.Text)));
        }

        if (query.From is { } from)
        {
            where.Append(" AND received_at >= $from");
            parameters.Add(("$from", from.ToUnixTimeMilliseconds()));
        }

        if (query.Until is { } until)
        {
            where.Append(" AND received_at < $until");
            parameters.Add(("$until", until.ToUnixTimeMilliseconds()));
        }

        return (where.ToString(), parameters);
    }

    /// <inheritdoc/>
    public Task<bool> AddCheckpointAsync(Checkpoint checkpoint, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return WriteAsync(async (c, tx) => await InsertCheckpointAsync(c, tx, checkpoint, ct).ConfigureAwait(false), ct);
    }

    private static async Task<bool> InsertCheckpointAsync(SqliteConnection c, SqliteTransaction tx, Checkpoint cp, CancellationToken ct)
    {
        using var insert = Command(c, tx, $"INSERT INTO checkpoints({CheckpointColumns}) VALUES($a, $n, $h, $t, $s, $at) ON CONFLICT DO NOTHING",
            ("$a", cp.AgencyDid), ("$n", cp.Count), ("$h", cp.Head), ("$t", cp.Time.ToUnixTimeMilliseconds()), ("$s", cp.SignedMessage),
            ("$at", cp.StoredAt.ToUnixTimeMilliseconds()));
        return await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<Checkpoint>> ListCheckpointsAsync(string? agencyDid = null, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<Checkpoint>>(async c => agencyDid is null
            ? await ListAsync(c, null, $"SELECT {CheckpointColumns} FROM checkpoints ORDER BY seq", ReadCheckpoint, ct).ConfigureAwait(false)
            : await ListAsync(c, null, $"SELECT {CheckpointColumns} FROM checkpoints WHERE agency_did=$a ORDER BY seq", ReadCheckpoint, ct,
                ("$a", agencyDid)).ConfigureAwait(false), ct);

    /// <inheritdoc/>
    public Task ImportRegisterAsync(RegisterSnapshot snapshot, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var register = snapshot;
        return WriteAsync(async (c, tx) =>
        {
            using var any = Command(c, tx, """
                SELECT (SELECT COUNT(*) FROM register_log) + (SELECT COUNT(*) FROM telegrams) + (SELECT COUNT(*) FROM imported_cables)
                    + (SELECT COUNT(*) FROM issues) + (SELECT COUNT(*) FROM drafts)
                """);
            if ((long)(await any.ExecuteScalarAsync(ct).ConfigureAwait(false))! > 0)
            {
                throw new TelexException(TelexErrorKind.Conflict, "the register is not empty: an export is imported only into a fresh agency");
            }

            foreach (var e in register.Entries)
            {
                await InsertEntryAsync(c, tx, e, ct).ConfigureAwait(false);
            }

            foreach (var t in register.Telegrams)
            {
                await InsertTelegramAsync(c, tx, t, t.Direction == Direction.Inbound ? t.RegistryNumber : null, ct).ConfigureAwait(false);
            }

            foreach (var cable in register.Cables)
            {
                await InsertCableAsync(c, tx, cable, ct).ConfigureAwait(false);
            }

            foreach (var cp in register.Checkpoints)
            {
                await InsertCheckpointAsync(c, tx, cp, ct).ConfigureAwait(false);
            }

            // Issues as they stand and their events as filed; the verification before the import has checked that each
            // issue stands where its events put it.
            foreach (var issue in register.Issues)
            {
                await InsertIssueAsync(c, tx, issue, ct).ConfigureAwait(false);
            }

            foreach (var e in register.IssueEvents)
            {
                await InsertIssueEventAsync(c, tx, e, ct).ConfigureAwait(false);
            }

            foreach (var draft in register.Drafts)
            {
                await InsertDraftAsync(c, tx, draft, ct).ConfigureAwait(false);
            }

            foreach (var row in register.ClearanceLog)
            {
                await InsertLogRowAsync(c, tx, row.Step, row.Seq, ct).ConfigureAwait(false);
            }

            await ImportBureausAsync(c, tx, register, ct).ConfigureAwait(false);
            long highest = register.Telegrams.Where(t => t.Direction == Direction.Inbound).Select(t => t.RegistryNumber).DefaultIfEmpty(0).Max();
            using var counter = Command(c, tx, "UPDATE counters SET value=MAX(value, $v) WHERE name='registry'", ("$v", highest));
            await counter.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            if (register.OriginDid is not null)
            {
                using var origin = Command(c, tx, "INSERT INTO settings(key, value) VALUES($k, $v) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                    ("$k", OriginSetting), ("$v", register.OriginDid));
                await origin.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            return 0;
        }, ct);
    }
}
