using System.Text;
using System.Text.Json;

namespace Telex.Storage.Relational;

/// <summary>
/// Telegrams: releasing outbound ones under the tie's next serial, registering inbound ones under the next registry
/// number, their receipts and reading, and the register's queries over them.
/// </summary>
public abstract partial class RelationalStore
{
    /// <summary>The columns of <c>telegrams</c>, as <see cref="TelegramRow"/> reads them.</summary>
    protected const string TelegramColumns = """
        id, direction, counterpart, serial, registry_number, status, created_at, released_at, registered_at, subject, body,
        precedence, issue_id, on_behalf_of, drafter, releasing_officer, sender_name, attendees, refs, attachments,
        content_hash, plaintext, signed_original, receipt, delivered_at, peer_registry_number, failure_reason, read_at, relay_path,
        bureau_id, bureau_epoch
        """;

    /// <summary>The columns of <c>telegrams</c> aliased <c>t</c>, for a query that joins it (a text search).</summary>
    private static readonly string TelegramColumnsOfT = string.Join(", ", TelegramColumns.Split(',').Select(c => "t." + c.Trim()));

    /// <inheritdoc/>
    public Task<TelegramRecord> ReleaseAsync(string peerDid, Func<long, (TelegramRecord Record, OutboxItem Outbox)> build, IdempotencyClaim? claim = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(build);
        return WriteAsync(async (c, tx) =>
        {
            await ClaimAsync(c, tx, claim, ct).ConfigureAwait(false);
            long serial = await NextSerialAsync(c, tx, CurrentDid("@p"), peerDid, ct).ConfigureAwait(false);
            var (record, outbox) = build(serial);
            if (record.Serial != serial || record.Direction != Direction.Outbound)
            {
                throw new InvalidOperationException("the released entry must be outbound and carry the serial it was given");
            }

            await FileReleasedAsync(c, tx, record, outbox, CurrentDid("@p"), peerDid, ct).ConfigureAwait(false);
            await KeepAnswerAsync(c, tx, claim, [record], ct).ConfigureAwait(false);
            return record;
        }, ct);
    }

    /// <summary>
    /// The next serial of the tie whose DID is <paramref name="tie"/> (SQL over the parameter <c>@p</c>, which is
    /// <paramref name="peerDid"/>). The tie's row stays locked until commit, so serials are taken one at a time across
    /// nodes, without gaps.
    /// </summary>
    private async Task<long> NextSerialAsync(DbConnection c, DbTransaction tx, string tie, string peerDid, CancellationToken ct) =>
        await ScalarAsync(c, tx, $"SELECT last_sent_serial FROM ties WHERE peer_did={tie}{ForUpdate}", ct, ("@p", peerDid)).ConfigureAwait(false) is long last
            ? last + 1
            : throw new InvalidOperationException("no tie with " + peerDid);

    /// <summary>Files a released telegram, its entry and its outbox item, and moves the tie's serial on to it.</summary>
    private async Task FileReleasedAsync(DbConnection c, DbTransaction tx, TelegramRecord record, OutboxItem outbox, string tie, string peerDid,
        CancellationToken ct)
    {
        await InsertTelegramAsync(c, tx, record, registryNumber: null, ct).ConfigureAwait(false);
        await AppendTelegramAsync(c, tx, record, ct).ConfigureAwait(false);
        await InsertOutboxAsync(c, tx, outbox, ct).ConfigureAwait(false);
        await ExecuteAsync(c, tx, $"UPDATE ties SET last_sent_serial=@s WHERE peer_did={tie}", ct, ("@s", record.Serial), ("@p", peerDid))
            .ConfigureAwait(false);
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
            long number = await LongAsync(c, tx, "SELECT value FROM counters WHERE name='registry'" + ForUpdate, ct).ConfigureAwait(false) + 1;
            var existing = await FirstAsync(c, tx, $"SELECT {TelegramColumns} FROM telegrams WHERE id=@i AND direction=1", TelegramRow, ct,
                ("@i", Id(telegramId))).ConfigureAwait(false);
            if (existing is not null)
            {
                return new RegistrationResult(existing, false);
            }

            var record = build(number, Now);
            if (record.Id != telegramId || record.Direction != Direction.Inbound || record.RegistryNumber != number)
            {
                throw new InvalidOperationException("the registered entry must be the inbound telegram with the number it was given");
            }

            // Another telegram already holds this serial from this counterpart: keep the register as it is.
            var sameSerial = await FirstAsync(c, tx, $"SELECT {TelegramColumns} FROM telegrams WHERE counterpart IN {DidsOfTie("@c")} AND direction=1 AND serial=@s",
                TelegramRow, ct, ("@c", record.Counterpart), ("@s", record.Serial)).ConfigureAwait(false);
            if (sameSerial is not null)
            {
                return new RegistrationResult(sameSerial, false);
            }

            await InsertTelegramAsync(c, tx, record, number, ct).ConfigureAwait(false);
            await AppendTelegramAsync(c, tx, record, ct).ConfigureAwait(false);
            await ExecuteAsync(c, tx, "UPDATE counters SET value=@v WHERE name='registry'", ct, ("@v", number)).ConfigureAwait(false);
            return new RegistrationResult(record, true);
        }, ct).ConfigureAwait(false);
    }

    /// <summary>Writes a telegram's row, with <paramref name="registryNumber"/> (null for an outbound telegram).</summary>
    protected async Task InsertTelegramAsync(DbConnection c, DbTransaction tx, TelegramRecord t, long? registryNumber, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(t);
        await ExecuteAsync(c, tx, $"""
            INSERT INTO telegrams({TelegramColumns})
            VALUES(@id, @dir, @cp, @serial, @reg, @status, @created, @released, @registered, @subject, @body, @prec, @issue, @obo,
                @drafter, @ro, @sn, @att, @refs, @atts, @hash, @plain, @signed, @receipt, @delivered, @peerreg, @fail, @read, @relay,
                @bureau, @epoch)
            """, ct,
            ("@id", Id(t.Id)), ("@dir", (int)t.Direction), ("@cp", t.Counterpart), ("@serial", t.Serial), ("@reg", registryNumber),
            ("@status", (int)t.Status), ("@created", Time(t.CreatedAt)), ("@released", Time(t.ReleasedAt)), ("@registered", Time(t.RegisteredAt)),
            ("@subject", t.Subject), ("@body", t.Body), ("@prec", (int)t.Precedence), ("@issue", t.IssueId), ("@obo", t.OnBehalfOf),
            ("@drafter", t.Drafter), ("@ro", t.ReleasingOfficer), ("@sn", t.SenderName), ("@att", Json(JsonSerializer.Serialize(t.Attendees))),
            ("@refs", Json(JsonSerializer.Serialize(t.References))), ("@atts", Json(JsonSerializer.Serialize(t.Attachments))), ("@hash", t.ContentHash),
            ("@plain", Bytes(t.Plaintext)), ("@signed", Bytes(t.SignedOriginal)), ("@receipt", t.Receipt is { } receipt ? Bytes(receipt) : null),
            ("@delivered", Time(t.DeliveredAt)), ("@peerreg", t.PeerRegistryNumber), ("@fail", t.FailureReason), ("@read", Time(t.ReadAt)),
            ("@relay", t.RelayPath.Count == 0 ? null : Json(JsonSerializer.Serialize(t.RelayPath))), ("@bureau", Id(t.BureauId)),
            ("@epoch", t.BureauEpoch)).ConfigureAwait(false);
    }

    /// <summary>The row mapper of <c>telegrams</c>.</summary>
    protected Func<TelegramRecord> TelegramRow(DbDataReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        int id = r.GetOrdinal("id"), direction = r.GetOrdinal("direction"), counterpart = r.GetOrdinal("counterpart"), serial = r.GetOrdinal("serial"),
            registryNumber = r.GetOrdinal("registry_number"), status = r.GetOrdinal("status"), createdAt = r.GetOrdinal("created_at"),
            releasedAt = r.GetOrdinal("released_at"), registeredAt = r.GetOrdinal("registered_at"), subject = r.GetOrdinal("subject"),
            body = r.GetOrdinal("body"), precedence = r.GetOrdinal("precedence"), issueId = r.GetOrdinal("issue_id"),
            onBehalfOf = r.GetOrdinal("on_behalf_of"), drafter = r.GetOrdinal("drafter"), releasingOfficer = r.GetOrdinal("releasing_officer"),
            senderName = r.GetOrdinal("sender_name"), attendees = r.GetOrdinal("attendees"), refs = r.GetOrdinal("refs"),
            attachments = r.GetOrdinal("attachments"), contentHash = r.GetOrdinal("content_hash"), plaintext = r.GetOrdinal("plaintext"),
            signedOriginal = r.GetOrdinal("signed_original"), receipt = r.GetOrdinal("receipt"), deliveredAt = r.GetOrdinal("delivered_at"),
            peerRegistryNumber = r.GetOrdinal("peer_registry_number"), failureReason = r.GetOrdinal("failure_reason"), readAt = r.GetOrdinal("read_at"),
            relayPath = r.GetOrdinal("relay_path"), bureauId = r.GetOrdinal("bureau_id"), bureauEpoch = r.GetOrdinal("bureau_epoch");
        return () => new()
        {
            Id = ReadId(r, id),
            Direction = (Direction)r.GetInt32(direction),
            Counterpart = r.GetString(counterpart),
            Serial = r.GetInt64(serial),
            RegistryNumber = ReadLongOrNull(r, registryNumber) ?? 0,
            Status = (TelegramStatus)r.GetInt32(status),
            CreatedAt = ReadTime(r, createdAt),
            ReleasedAt = ReadTime(r, releasedAt),
            RegisteredAt = ReadTime(r, registeredAt),
            Subject = r.GetString(subject),
            Body = r.GetString(body),
            Precedence = (Precedence)r.GetInt32(precedence),
            IssueId = ReadStringOrNull(r, issueId),
            OnBehalfOf = ReadStringOrNull(r, onBehalfOf),
            Drafter = ReadStringOrNull(r, drafter),
            ReleasingOfficer = ReadStringOrNull(r, releasingOfficer),
            SenderName = ReadStringOrNull(r, senderName),
            Attendees = JsonSerializer.Deserialize<string[]>(ReadJson(r, attendees)) ?? [],
            References = JsonSerializer.Deserialize<Guid[]>(ReadJson(r, refs)) ?? [],
            Attachments = JsonSerializer.Deserialize<AttachmentInfo[]>(ReadJson(r, attachments)) ?? [],
            ContentHash = r.GetString(contentHash),
            Plaintext = ReadBytes(r, plaintext),
            SignedOriginal = ReadBytes(r, signedOriginal),
            Receipt = ReadBytesOrNull(r, receipt),
            DeliveredAt = ReadTimeOrNull(r, deliveredAt),
            PeerRegistryNumber = ReadLongOrNull(r, peerRegistryNumber),
            FailureReason = ReadStringOrNull(r, failureReason),
            ReadAt = ReadTimeOrNull(r, readAt),
            RelayPath = r.IsDBNull(relayPath) ? [] : JsonSerializer.Deserialize<string[]>(ReadJson(r, relayPath)) ?? [],
            BureauId = ReadIdOrNull(r, bureauId),
            BureauEpoch = ReadLongOrNull(r, bureauEpoch),
        };
    }

    /// <inheritdoc/>
    public Task<TelegramRecord?> GetTelegramAsync(Guid id, Direction direction, CancellationToken ct = default) =>
        ReadAsync(c => FirstAsync(c, null, $"SELECT {TelegramColumns} FROM telegrams WHERE id=@i AND direction=@d", TelegramRow, ct,
            ("@i", Id(id)), ("@d", (int)direction)), ct);

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

    /// <inheritdoc/>
    public Task<IReadOnlyList<long>> ReceivedSerialsAsync(string peerDid, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<long>>(async c => await ListAsync(c, null,
            $"SELECT serial FROM telegrams WHERE counterpart IN {DidsOfTie("@p")} AND direction=1 ORDER BY serial", SerialRow, ct,
            ("@p", peerDid)).ConfigureAwait(false), ct);

    private static Func<long> SerialRow(DbDataReader r)
    {
        int serial = r.GetOrdinal("serial");
        return () => r.GetInt64(serial);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<Guid>> OutboundIdsBySerialAsync(string peerDid, IReadOnlyList<long> serials, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<Guid>>(async c => await ListAsync(c, null,
            $"SELECT id FROM telegrams WHERE counterpart IN {DidsOfTie("@p")} AND direction=0 AND {AnyOf("serial", "@s")}", TelegramIdRow, ct,
            ("@p", peerDid), ("@s", ListOf(serials))).ConfigureAwait(false), ct);

    private Func<Guid> TelegramIdRow(DbDataReader r)
    {
        int id = r.GetOrdinal("id");
        return () => ReadId(r, id);
    }

    /// <inheritdoc/>
    public Task<bool> MarkDeliveredAsync(Guid telegramId, byte[] receipt, long peerRegistryNumber, DateTimeOffset at, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            // Rows are locked in the order every write takes them (outbox item, telegram, chain), so this does not
            // deadlock with a node completing an attempt on the same telegram.
            await LockRowsAsync(c, tx, "outbox WHERE telegram_id=@i", ct, ("@i", Id(telegramId))).ConfigureAwait(false);

            // A repeated receipt changes nothing: the first one is what the register recorded. The condition on
            // delivered_at is checked under the row's lock, so two nodes given the same receipt record it once.
            int updated = await ExecuteAsync(c, tx, """
                UPDATE telegrams SET status=@delivered, receipt=@r, peer_registry_number=@n, delivered_at=@at, failure_reason=NULL
                WHERE id=@i AND direction=0 AND delivered_at IS NULL
                """, ct, ("@delivered", (int)TelegramStatus.Delivered), ("@r", Bytes(receipt)), ("@n", peerRegistryNumber), ("@at", Time(at)),
                ("@i", Id(telegramId))).ConfigureAwait(false);
            if (updated == 0)
            {
                return await ScalarAsync(c, tx, "SELECT 1 FROM telegrams WHERE id=@i AND direction=0", ct, ("@i", Id(telegramId))).ConfigureAwait(false)
                    is not null;
            }

            await AppendEntryAsync(c, tx, RegisterKinds.Delivery, RegisterChain.TelegramReference(telegramId, Direction.Outbound),
                RegisterChain.DeliveryContent(telegramId, receipt, peerRegistryNumber, at), keepContent: true, ct).ConfigureAwait(false);
            await ExecuteAsync(c, tx, "DELETE FROM outbox WHERE telegram_id=@i", ct, ("@i", Id(telegramId))).ConfigureAwait(false);
            return true;
        }, ct);

    /// <inheritdoc/>
    public Task<bool> MarkReadAsync(Guid telegramId, DateTimeOffset at, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            if (await ExecuteAsync(c, tx, "UPDATE telegrams SET read_at=@at WHERE id=@i AND direction=1 AND read_at IS NULL", ct,
                ("@at", Time(at)), ("@i", Id(telegramId))).ConfigureAwait(false) != 1)
            {
                return false;
            }

            await AppendEntryAsync(c, tx, RegisterKinds.Read, RegisterChain.TelegramReference(telegramId, Direction.Inbound),
                RegisterChain.ReadContent(telegramId, at), keepContent: true, ct).ConfigureAwait(false);
            return true;
        }, ct);

    /// <inheritdoc/>
    public Task<bool> MarkReadByCounterpartAsync(Guid telegramId, string counterpart, DateTimeOffset at, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) => await ExecuteAsync(c, tx,
            $"UPDATE telegrams SET read_at=@at WHERE id=@i AND direction=0 AND counterpart IN {DidsOfTie("@cp")} AND read_at IS NULL", ct,
            ("@at", Time(at)), ("@i", Id(telegramId)), ("@cp", counterpart)).ConfigureAwait(false) == 1, ct);
}
