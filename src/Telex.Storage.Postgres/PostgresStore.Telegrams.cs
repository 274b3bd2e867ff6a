using System.Data.Common;
using System.Text;
using System.Text.Json;

using Telex.Core.Model;
using Telex.Core.Register;
using Telex.Core.Storage;

namespace Telex.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string ColumnList = """
        id, direction, counterpart, serial, registry_number, status, created_at, released_at, registered_at, subject, body,
        precedence, issue_id, on_behalf_of, drafter, releasing_officer, sender_name, attendees, refs, attachments,
        content_hash, plaintext, signed_original, receipt, delivered_at, peer_registry_number, failure_reason, read_at, relay_path,
        bureau_id, bureau_epoch
        """;

    private const string TelegramColumns = "SELECT " + ColumnList + " FROM telegrams";


    /// <inheritdoc/>
    public Task<TelegramRecord> ReleaseAsync(string peerDid, Func<long, (TelegramRecord Record, OutboxItem Outbox)> build, IdempotencyClaim? claim = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(build);
        return WriteAsync(async (c, tx) =>
        {
            await ClaimAsync(c, tx, claim, ct).ConfigureAwait(false);
            // The tie's row stays locked until commit: serials are taken one at a time across nodes, without gaps.
            using var last = Command(c, tx, "SELECT last_sent_serial FROM ties WHERE peer_did=" + CurrentDid("@p") + " FOR UPDATE", ("@p", peerDid));
            object? value = await last.ExecuteScalarAsync(ct).ConfigureAwait(false);
            if (value is not long lastSerial)
            {
                throw new InvalidOperationException("no tie with " + peerDid);
            }

            long serial = lastSerial + 1;
            var (record, outbox) = build(serial);
            if (record.Serial != serial || record.Direction != Direction.Outbound)
            {
                throw new InvalidOperationException("the released entry must be outbound and carry the serial it was given");
            }

            await InsertTelegramAsync(c, tx, record, registryNumber: null, ct).ConfigureAwait(false);
            await AppendTelegramAsync(c, tx, record, ct).ConfigureAwait(false);
            await InsertOutboxAsync(c, tx, outbox, ct).ConfigureAwait(false);
            using var bump = Command(c, tx, "UPDATE ties SET last_sent_serial=@s WHERE peer_did=" + CurrentDid("@p"), ("@s", serial), ("@p", peerDid));
            await bump.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            await KeepAnswerAsync(c, tx, claim, [record], ct).ConfigureAwait(false);
            return record;
        }, ct);
    }

    /// <inheritdoc/>
    public async Task<RegistrationResult> RegisterInboundAsync(Guid telegramId, Func<long, DateTimeOffset, TelegramRecord> build, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(build);

        // Most arrivals are new; a repeated one is answered from a read without taking the writer.
        var known = await GetTelegramAsync(telegramId, Direction.Inbound, ct).ConfigureAwait(false);
        if (known is not null)
        {
            return new RegistrationResult(known, false);
        }

        return await WriteAsync(async (c, tx) =>
        {
            // The counter's row stays locked until commit, so registrations on every node take numbers one at a time;
            // the telegram is looked for after the lock is held, so one that another node registered meanwhile is seen.
            using var counter = Command(c, tx, "SELECT value FROM counters WHERE name='registry' FOR UPDATE");
            long number = (long)(await counter.ExecuteScalarAsync(ct).ConfigureAwait(false))! + 1;
            var existing = await FindTelegramAsync(c, tx, "WHERE id=@i AND direction=1", ct, ("@i", telegramId.ToString())).ConfigureAwait(false);
            if (existing is not null)
            {
                return new RegistrationResult(existing, false);
            }

            var record = build(number, DateTimeOffset.FromUnixTimeMilliseconds(NowMs));
            if (record.Id != telegramId || record.Direction != Direction.Inbound || record.RegistryNumber != number)
            {
                throw new InvalidOperationException("the registered entry must be the inbound telegram with the number it was given");
            }

            // Another telegram already holds this serial from this counterpart: keep the register as it is.
            var sameSerial = await FindTelegramAsync(c, tx, "WHERE counterpart IN " + DidsOfTie("@c") + " AND direction=1 AND serial=@s", ct,
                ("@c", record.Counterpart), ("@s", record.Serial)).ConfigureAwait(false);
            if (sameSerial is not null)
            {
                return new RegistrationResult(sameSerial, false);
            }

            await InsertTelegramAsync(c, tx, record, number, ct).ConfigureAwait(false);
            await AppendTelegramAsync(c, tx, record, ct).ConfigureAwait(false);
            using var bump = Command(c, tx, "UPDATE counters SET value=@v WHERE name='registry'", ("@v", number));
            await bump.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return new RegistrationResult(record, true);
        }, ct).ConfigureAwait(false);
    }

    private static async Task InsertTelegramAsync(DbConnection c, DbTransaction tx, TelegramRecord t, long? registryNumber, CancellationToken ct)
    {
        using var cmd = Command(c, tx, """
            INSERT INTO telegrams(id, direction, counterpart, serial, registry_number, status, created_at, released_at, registered_at,
                subject, body, precedence, issue_id, on_behalf_of, drafter, releasing_officer, sender_name, attendees, refs, attachments,
                content_hash, plaintext, signed_original, receipt, delivered_at, peer_registry_number, failure_reason, read_at, relay_path,
                bureau_id, bureau_epoch)
            VALUES(@id, @dir, @cp, @serial, @reg, @status, @created, @released, @registered, @subject, @body, @prec, @issue, @obo,
                @drafter, @ro, @sn, @att, @refs, @atts, @hash, @plain, @signed, @receipt, @delivered, @peerreg, @fail, @read, @relay,
                @bureau, @epoch)
            """,
            ("@id", t.Id.ToString()), ("@dir", (int)t.Direction), ("@cp", t.Counterpart), ("@serial", t.Serial), ("@reg", registryNumber),
            ("@status", (int)t.Status), ("@created", t.CreatedAt.ToUnixTimeMilliseconds()), ("@released", t.ReleasedAt.ToUnixTimeMilliseconds()),
            ("@registered", t.RegisteredAt.ToUnixTimeMilliseconds()), ("@subject", t.Subject), ("@body", t.Body), ("@prec", (int)t.Precedence),
            ("@issue", t.IssueId), ("@obo", t.OnBehalfOf), ("@drafter", t.Drafter), ("@ro", t.ReleasingOfficer), ("@sn", t.SenderName),
            ("@att", JsonSerializer.Serialize(t.Attendees)), ("@refs", JsonSerializer.Serialize(t.References)),
            ("@atts", JsonSerializer.Serialize(t.Attachments)), ("@hash", t.ContentHash), ("@plain", t.Plaintext), ("@signed", t.SignedOriginal),
            ("@receipt", t.Receipt), ("@delivered", t.DeliveredAt?.ToUnixTimeMilliseconds()), ("@peerreg", t.PeerRegistryNumber),
            ("@fail", t.FailureReason), ("@read", t.ReadAt?.ToUnixTimeMilliseconds()),
            ("@relay", t.RelayPath.Count == 0 ? null : JsonSerializer.Serialize(t.RelayPath)), ("@bureau", t.BureauId?.ToString()),
            ("@epoch", t.BureauEpoch));
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static async Task<TelegramRecord?> FindTelegramAsync(DbConnection c, DbTransaction? tx, string where, CancellationToken ct,
        params (string, object?)[] parameters)
    {
        using var cmd = Command(c, tx, TelegramColumns + " " + where, parameters);
        using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await r.ReadAsync(ct).ConfigureAwait(false) ? ReadTelegram(r) : null;
    }

    private static TelegramRecord ReadTelegram(DbDataReader r) => new()
    {
        Id = Guid.Parse(r.GetString(0)),
        Direction = (Direction)r.GetInt32(1),
        Counterpart = r.GetString(2),
        Serial = r.GetInt64(3),
        RegistryNumber = r.IsDBNull(4) ? 0 : r.GetInt64(4),
        Status = (TelegramStatus)r.GetInt32(5),
        CreatedAt = Ms(r.GetInt64(6)),
        ReleasedAt = Ms(r.GetInt64(7)),
        RegisteredAt = Ms(r.GetInt64(8)),
        Subject = r.GetString(9),
        Body = r.GetString(10),
        Precedence = (Precedence)r.GetInt32(11),
        IssueId = Str(r, 12),
        OnBehalfOf = Str(r, 13),
        Drafter = Str(r, 14),
        ReleasingOfficer = Str(r, 15),
        SenderName = Str(r, 16),
        Attendees = JsonSerializer.Deserialize<string[]>(r.GetString(17)) ?? [],
        References = JsonSerializer.Deserialize<Guid[]>(r.GetString(18)) ?? [],
        Attachments = JsonSerializer.Deserialize<AttachmentInfo[]>(r.GetString(19)) ?? [],
        ContentHash = r.GetString(20),
        Plaintext = (byte[])r.GetValue(21),
        SignedOriginal = (byte[])r.GetValue(22),
        Receipt = r.IsDBNull(23) ? null : (byte[])r.GetValue(23),
        DeliveredAt = r.IsDBNull(24) ? null : Ms(r.GetInt64(24)),
        PeerRegistryNumber = r.IsDBNull(25) ? null : r.GetInt64(25),
        FailureReason = Str(r, 26),
        ReadAt = r.IsDBNull(27) ? null : Ms(r.GetInt64(27)),
        RelayPath = r.IsDBNull(28) ? [] : JsonSerializer.Deserialize<string[]>(r.GetString(28)) ?? [],
        BureauId = r.IsDBNull(29) ? null : Guid.Parse(r.GetString(29)),
        BureauEpoch = r.IsDBNull(30) ? null : r.GetInt64(30),
    };

    private static DateTimeOffset Ms(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static string? Str(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    /// <inheritdoc/>
    public Task<TelegramRecord?> GetTelegramAsync(Guid id, Direction direction, CancellationToken ct = default) =>
        ReadAsync(c => FindTelegramAsync(c, null, "WHERE id=@i AND direction=@d", ct, ("@i", id.ToString()), ("@d", (int)direction)), ct);

    /// <inheritdoc/>
    public Task<TelegramRecord?> GetByRegistryNumberAsync(long registryNumber, CancellationToken ct = default) =>
        ReadAsync(c => FindTelegramAsync(c, null, "WHERE registry_number=@n", ct, ("@n", registryNumber)), ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<TelegramRecord>> QueryAsync(RegisterQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        int limit = Math.Clamp(query.Limit, 1, 1000);
        int offset = Math.Max(0, query.Offset);
        return ReadAsync<IReadOnlyList<TelegramRecord>>(async c =>
        {
            // One snapshot for the traffic and the imported history it is followed by.
            await using var tx = await c.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct).ConfigureAwait(false);
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

    private static async Task<List<TelegramRecord>> QueryTelegramsAsync(DbConnection c, DbTransaction tx, RegisterQuery query, int limit, int offset,
        CancellationToken ct)
    {
        var (where, parameters) = Where(query);
        where.Append(" ORDER BY seq DESC LIMIT ").Append(limit).Append(" OFFSET ").Append(offset);
        using var cmd = Command(c, tx, TelegramColumns + " " + where, parameters.ToArray());
        using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var list = new List<TelegramRecord>();
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(ReadTelegram(r));
        }

        return list;
    }

    private static async Task<long> CountTelegramsAsync(DbConnection c, DbTransaction? tx, RegisterQuery query, CancellationToken ct)
    {
        var (where, parameters) = Where(query);
        using var cmd = Command(c, tx, "SELECT COUNT(*) FROM telegrams " + where, parameters.ToArray());
        return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    /// <inheritdoc/>
    public Task<long> CountAsync(RegisterQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReadAsync(async c =>
        {
            await using var tx = await c.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct).ConfigureAwait(false);
            long traffic = query.Imported == ImportedScope.Only ? 0 : await CountTelegramsAsync(c, tx, query, ct).ConfigureAwait(false);
            return traffic + (query.MatchesImported ? await CountCablesAsync(c, tx, query, ct).ConfigureAwait(false) : 0);
        }, ct);
    }

    private static (StringBuilder Where, List<(string, object?)> Parameters) Where(RegisterQuery query)
    {
        var where = new StringBuilder("WHERE TRUE");
        var parameters = new List<(string, object?)>();
        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            where.Append(" AND ").Append(TextSearch.Condition("search", query.Text, parameters));
        }

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
            Add("registered_at >= @from", "@from", from.ToUnixTimeMilliseconds());
        }

        if (query.Until is { } until)
        {
            Add("registered_at < @until", "@until", until.ToUnixTimeMilliseconds());
        }

        return (where, parameters);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<long>> ReceivedSerialsAsync(string peerDid, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<long>>(async c =>
        {
            using var cmd = Command(c, null, "SELECT serial FROM telegrams WHERE counterpart IN " + DidsOfTie("@p") + " AND direction=1 ORDER BY serial", ("@p", peerDid));
            using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var list = new List<long>();
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                list.Add(r.GetInt64(0));
            }

            return list;
        }, ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<Guid>> OutboundIdsBySerialAsync(string peerDid, IReadOnlyList<long> serials, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<Guid>>(async c =>
        {
            using var cmd = Command(c, null, $"""
                SELECT id FROM telegrams WHERE counterpart IN {DidsOfTie("@p")} AND direction=0 AND serial = ANY(@s)
                """, ("@p", peerDid), ("@s", serials.ToArray()));
            using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var list = new List<Guid>();
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                list.Add(Guid.Parse(r.GetString(0)));
            }

            return list;
        }, ct);

    /// <inheritdoc/>
    public Task<bool> MarkDeliveredAsync(Guid telegramId, byte[] receipt, long peerRegistryNumber, DateTimeOffset at, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            // Rows are locked in the order every write takes them (outbox item, telegram, chain), so this does not
            // deadlock with a node completing an attempt on the same telegram.
            using (var outbox = Command(c, tx, "SELECT 1 FROM outbox WHERE telegram_id=@i FOR UPDATE", ("@i", telegramId.ToString())))
            {
                await outbox.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            // A repeated receipt changes nothing: the first one is what the register recorded. The condition on
            // delivered_at is checked again under the row's lock, so two nodes given the same receipt record it once.
            using var update = Command(c, tx, """
                UPDATE telegrams SET status=@delivered, receipt=@r, peer_registry_number=@n, delivered_at=@at, failure_reason=NULL
                WHERE id=@i AND direction=0 AND delivered_at IS NULL
                """, ("@delivered", (int)TelegramStatus.Delivered), ("@r", receipt), ("@n", peerRegistryNumber), ("@at", at.ToUnixTimeMilliseconds()),
                ("@i", telegramId.ToString()));
            if (await update.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
            {
                using var known = Command(c, tx, "SELECT 1 FROM telegrams WHERE id=@i AND direction=0", ("@i", telegramId.ToString()));
                return await known.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null;
            }

            await AppendEntryAsync(c, tx, RegisterKinds.Delivery, RegisterChain.TelegramReference(telegramId, Direction.Outbound),
                RegisterChain.DeliveryContent(telegramId, receipt, peerRegistryNumber, at), keepContent: true, ct).ConfigureAwait(false);
            using var remove = Command(c, tx, "DELETE FROM outbox WHERE telegram_id=@i", ("@i", telegramId.ToString()));
            await remove.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return true;
        }, ct);

    /// <inheritdoc/>
    public Task<bool> MarkReadAsync(Guid telegramId, DateTimeOffset at, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            using var cmd = Command(c, tx, "UPDATE telegrams SET read_at=@at WHERE id=@i AND direction=1 AND read_at IS NULL",
                ("@at", at.ToUnixTimeMilliseconds()), ("@i", telegramId.ToString()));
            if (await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) != 1)
            {
                return false;
            }

            await AppendEntryAsync(c, tx, RegisterKinds.Read, RegisterChain.TelegramReference(telegramId, Direction.Inbound),
                RegisterChain.ReadContent(telegramId, at), keepContent: true, ct).ConfigureAwait(false);
            return true;
        }, ct);
}
