using System.Data.Common;
using System.Text.Json;

using Telex.Core.Model;
using Telex.Core.Register;
using Telex.Core.Storage;

namespace Telex.Storage.Sqlite;

public sealed partial class SqliteStore
{
    private const string BureauColumns =
        "SELECT id, name, purpose, founder, secretariat, rule, status, epoch, created_at, changed_at FROM bureaus";

    /// <summary>How an epoch's members are kept in its row.</summary>
    private sealed record EpochMemberRow(string Did, string Name, string? Endpoint);

    /// <summary>
    /// Run by the migration that added bureaus: the columns naming a bulletin's bureau and epoch, added to the telegrams
    /// table where they are missing (SQLite has no <c>ADD COLUMN IF NOT EXISTS</c>).
    /// </summary>
    private static async Task AddBureauColumnsAsync(DbConnection c, DbTransaction tx, CancellationToken ct)
    {
        var columns = await ListByPositionAsync(c, tx, "SELECT name FROM pragma_table_info('telegrams')", r => r.GetString(0), ct).ConfigureAwait(false);
        foreach (var (name, type) in new[] { ("bureau_id", "TEXT"), ("bureau_epoch", "INTEGER") })
        {
            if (!columns.Contains(name))
            {
                using var add = Command(c, tx, $"ALTER TABLE telegrams ADD COLUMN {name} {type}");
                await add.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc/>
    public Task<bool> CreateBureauAsync(BureauChange change, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        return WriteAsync(async (c, tx) =>
        {
            using var exists = Command(c, tx, "SELECT 1 FROM bureaus WHERE id=$i", ("$i", change.Bureau.Id.ToString()));
            if (await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null)
            {
                return false;
            }

            await WriteBureauChangeAsync(c, tx, change, insert: true, ct).ConfigureAwait(false);
            return true;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<Bureau?> ChangeBureauAsync(Guid id, Func<Bureau, BureauEpoch?, BureauOutcomes?, BureauChange?> change, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        return WriteAsync(async (c, tx) =>
        {
            var bureau = await FindBureauAsync(c, tx, id, ct).ConfigureAwait(false);
            if (bureau is null)
            {
                return null;
            }

            var current = bureau.Epoch > 0 ? await FindEpochAsync(c, tx, id, bureau.Epoch, ct).ConfigureAwait(false) : null;
            var outcomes = await FindBureauOutcomesAsync(c, tx, id, ct).ConfigureAwait(false);
            var next = change(bureau, current, outcomes);
            if (next is null)
            {
                return bureau;
            }

            if (next.Bureau.Id != id || next.NewEpoch is { } e && e.BureauId != id)
            {
                throw new InvalidOperationException("the change must be to this bureau");
            }

            if (next.NewEpoch is { } epoch && await FindEpochAsync(c, tx, id, epoch.Number, ct).ConfigureAwait(false) is not null)
            {
                return bureau;
            }

            await WriteBureauChangeAsync(c, tx, next, insert: false, ct).ConfigureAwait(false);
            if (next.Outcomes is { } set)
            {
                if (set.BureauId != id)
                {
                    throw new InvalidOperationException("the outcomes must be this bureau's");
                }

                await WriteBureauOutcomesAsync(c, tx, set, ct).ConfigureAwait(false);
            }

            return next.Bureau;
        }, ct);
    }

    private async Task WriteBureauChangeAsync(DbConnection c, DbTransaction tx, BureauChange change, bool insert, CancellationToken ct)
    {
        var b = change.Bureau;
        string id = b.Id.ToString();
        using (var write = Command(c, tx, insert
            ? """
              INSERT INTO bureaus(id, name, purpose, founder, secretariat, rule, status, epoch, created_at, changed_at)
              VALUES($i, $n, $p, $f, $s, $r, $st, $e, $created, $changed)
              """
            : """
              UPDATE bureaus SET name=$n, purpose=$p, founder=$f, secretariat=$s, rule=$r, status=$st, epoch=$e, created_at=$created,
                  changed_at=$changed WHERE id=$i
              """,
            ("$i", id), ("$n", b.Name), ("$p", b.Purpose), ("$f", b.Founder), ("$s", b.Secretariat), ("$r", b.Rule.ToString()),
            ("$st", (int)b.Status), ("$e", b.Epoch), ("$created", b.CreatedAt.ToUnixTimeMilliseconds()), ("$changed", b.ChangedAt.ToUnixTimeMilliseconds())))
        {
            await write.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        using (var clear = Command(c, tx, "DELETE FROM bureau_members WHERE bureau_id=$i", ("$i", id)))
        {
            await clear.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        for (int i = 0; i < b.Members.Count; i++)
        {
            var m = b.Members[i];
            using var member = Command(c, tx, """
                INSERT INTO bureau_members(bureau_id, position, did, name, endpoint, state) VALUES($b, $pos, $d, $n, $e, $s)
                """, ("$b", id), ("$pos", i), ("$d", m.Did), ("$n", m.Name), ("$e", m.Endpoint), ("$s", (int)m.State));
            await member.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        using (var clear = Command(c, tx, "DELETE FROM bureau_prospects WHERE bureau_id=$i", ("$i", id)))
        {
            await clear.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        for (int i = 0; i < b.Prospects.Count; i++)
        {
            var p = b.Prospects[i];
            using var prospect = Command(c, tx, """
                INSERT INTO bureau_prospects(bureau_id, position, entry_id, name, added_at) VALUES($b, $pos, $e, $n, $at)
                """, ("$b", id), ("$pos", i), ("$e", p.EntryId.ToString()), ("$n", p.Name), ("$at", p.AddedAt.ToUnixTimeMilliseconds()));
            await prospect.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        if (change.NewEpoch is { } epoch)
        {
            string members = JsonSerializer.Serialize(epoch.Members.Select(m => new EpochMemberRow(m.Did, m.Name, m.Endpoint)).ToArray());
            using var insertEpoch = Command(c, tx, "INSERT INTO bureau_epochs(bureau_id, number, members, opened_at) VALUES($b, $n, $m, $at)",
                ("$b", id), ("$n", epoch.Number), ("$m", members), ("$at", epoch.OpenedAt.ToUnixTimeMilliseconds()));
            await insertEpoch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        foreach (var entry in change.Log)
        {
            await AppendEntryAsync(c, tx, RegisterKinds.Bureau, RegisterChain.BureauReference(b.Id, entry), RegisterChain.BureauContent(b.Id, entry),
                keepContent: true, ct).ConfigureAwait(false);
        }

        foreach (var item in change.Outbox)
        {
            await InsertOutboxAsync(c, tx, item, ct).ConfigureAwait(false);
        }
    }

    private static async Task<Bureau?> FindBureauAsync(DbConnection c, DbTransaction? tx, Guid id, CancellationToken ct)
    {
        Bureau bureau;
        using (var cmd = Command(c, tx, BureauColumns + " WHERE id=$i", ("$i", id.ToString())))
        using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            if (!await r.ReadAsync(ct).ConfigureAwait(false))
            {
                return null;
            }

            bureau = ReadBureau(r);
        }

        var members = await ListByPositionAsync(c, tx, "SELECT did, name, endpoint, state FROM bureau_members WHERE bureau_id=$b ORDER BY position",
            r => new BureauMember { Did = r.GetString(0), Name = r.GetString(1), Endpoint = Str(r, 2), State = (MemberState)r.GetInt32(3) }, ct,
            ("$b", id.ToString())).ConfigureAwait(false);
        var prospects = await ListByPositionAsync(c, tx, "SELECT entry_id, name, added_at FROM bureau_prospects WHERE bureau_id=$b ORDER BY position",
            r => new BureauProspect { EntryId = Guid.Parse(r.GetString(0)), Name = r.GetString(1), AddedAt = Ms(r.GetInt64(2)) }, ct,
            ("$b", id.ToString())).ConfigureAwait(false);
        return bureau with { Members = members, Prospects = prospects };
    }

    private static Bureau ReadBureau(DbDataReader r) => new()
    {
        Id = Guid.Parse(r.GetString(0)),
        Name = r.GetString(1),
        Purpose = r.GetString(2),
        Founder = r.GetString(3),
        Secretariat = r.GetString(4),
        Rule = ReadinessRule.TryParse(r.GetString(5), out var rule) ? rule : ReadinessRule.All,
        Status = (BureauStatus)r.GetInt32(6),
        Epoch = r.GetInt64(7),
        CreatedAt = Ms(r.GetInt64(8)),
        ChangedAt = Ms(r.GetInt64(9)),
    };

    private static async Task<BureauEpoch?> FindEpochAsync(DbConnection c, DbTransaction? tx, Guid bureauId, long number, CancellationToken ct)
    {
        using var cmd = Command(c, tx, "SELECT number, members, opened_at FROM bureau_epochs WHERE bureau_id=$b AND number=$n",
            ("$b", bureauId.ToString()), ("$n", number));
        using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await r.ReadAsync(ct).ConfigureAwait(false) ? ReadEpoch(bureauId, r) : null;
    }

    private static BureauEpoch ReadEpoch(Guid bureauId, DbDataReader r) => new()
    {
        BureauId = bureauId,
        Number = r.GetInt64(0),
        Members = (JsonSerializer.Deserialize<EpochMemberRow[]>(r.GetString(1)) ?? [])
            .Select(m => new BureauMember { Did = m.Did, Name = m.Name, Endpoint = m.Endpoint, State = MemberState.Joined }).ToArray(),
        OpenedAt = Ms(r.GetInt64(2)),
    };

    /// <summary>Every bureau with its members, and every epoch, for a snapshot of the register.</summary>
    private static async Task<(List<Bureau> Bureaus, List<BureauEpoch> Epochs)> ReadBureausAsync(DbConnection c, DbTransaction tx, CancellationToken ct)
    {
        var bureaus = new List<Bureau>();
        foreach (var id in await ListByPositionAsync(c, tx, "SELECT id FROM bureaus ORDER BY rowid", r => Guid.Parse(r.GetString(0)), ct).ConfigureAwait(false))
        {
            bureaus.Add((await FindBureauAsync(c, tx, id, ct).ConfigureAwait(false))!);
        }

        var epochs = await ListByPositionAsync(c, tx, "SELECT number, members, opened_at, bureau_id FROM bureau_epochs ORDER BY rowid",
            r => ReadEpoch(Guid.Parse(r.GetString(3)), r), ct).ConfigureAwait(false);
        return (bureaus, epochs);
    }

    /// <summary>Writes an imported register's bureaus and epochs (their entries are in the imported chain already).</summary>
    private async Task ImportBureausAsync(DbConnection c, DbTransaction tx, RegisterSnapshot register, CancellationToken ct)
    {
        var epochs = register.BureauEpochs.ToLookup(e => e.BureauId);
        foreach (var bureau in register.Bureaus)
        {
            await WriteBureauChangeAsync(c, tx, new BureauChange { Bureau = bureau }, insert: true, ct).ConfigureAwait(false);
            foreach (var epoch in epochs[bureau.Id])
            {
                await WriteBureauChangeAsync(c, tx, new BureauChange { Bureau = bureau, NewEpoch = epoch }, insert: false, ct).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc/>
    public Task<Bureau?> GetBureauAsync(Guid id, CancellationToken ct = default) => ReadAsync(c => FindBureauAsync(c, null, id, ct), ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<Bureau>> ListBureausAsync(CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<Bureau>>(async c =>
        {
            var ids = await ListByPositionAsync(c, null, "SELECT id FROM bureaus ORDER BY changed_at DESC, id", r => Guid.Parse(r.GetString(0)), ct).ConfigureAwait(false);
            var list = new List<Bureau>(ids.Count);
            foreach (var id in ids)
            {
                list.Add((await FindBureauAsync(c, null, id, ct).ConfigureAwait(false))!);
            }

            return list;
        }, ct);

    /// <inheritdoc/>
    public Task<BureauEpoch?> GetBureauEpochAsync(Guid bureauId, long number, CancellationToken ct = default) =>
        ReadAsync(c => FindEpochAsync(c, null, bureauId, number, ct), ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<BureauEpoch>> ListBureauEpochsAsync(Guid bureauId, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<BureauEpoch>>(async c =>
        {
            using var cmd = Command(c, null, "SELECT number, members, opened_at FROM bureau_epochs WHERE bureau_id=$b ORDER BY number",
                ("$b", bureauId.ToString()));
            using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var list = new List<BureauEpoch>();
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                list.Add(ReadEpoch(bureauId, r));
            }

            return list;
        }, ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<TelegramRecord>> ReleaseFanOutAsync(IReadOnlyList<string> peerDids, Func<string, long, (TelegramRecord Record, OutboxItem Outbox)> build,
        IdempotencyClaim? claim = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(peerDids);
        ArgumentNullException.ThrowIfNull(build);
        return WriteAsync<IReadOnlyList<TelegramRecord>>(async (c, tx) =>
        {
            await ClaimAsync(c, tx, claim, ct).ConfigureAwait(false);
            var released = new List<TelegramRecord>(peerDids.Count);
            foreach (string peerDid in peerDids)
            {
                using var last = Command(c, tx, "SELECT last_sent_serial FROM ties WHERE peer_did=$p", ("$p", peerDid));
                if (await last.ExecuteScalarAsync(ct).ConfigureAwait(false) is not long lastSerial)
                {
                    throw new InvalidOperationException("no tie with " + peerDid);
                }

                long serial = lastSerial + 1;
                var (record, outbox) = build(peerDid, serial);
                if (record.Serial != serial || record.Direction != Direction.Outbound || record.Counterpart != peerDid)
                {
                    throw new InvalidOperationException("each released entry must be outbound to its peer and carry the serial it was given");
                }

                await InsertTelegramAsync(c, tx, record, registryNumber: null, ct).ConfigureAwait(false);
                await AppendTelegramAsync(c, tx, record, ct).ConfigureAwait(false);
                await InsertOutboxAsync(c, tx, outbox, ct).ConfigureAwait(false);
                using var bump = Command(c, tx, "UPDATE ties SET last_sent_serial=$s WHERE peer_did=$p", ("$s", serial), ("$p", peerDid));
                await bump.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                released.Add(record);
            }

            await KeepAnswerAsync(c, tx, claim, released, ct).ConfigureAwait(false);
            return released;
        }, ct);
    }
}
