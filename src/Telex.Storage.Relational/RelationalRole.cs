using System.Text.Json;


namespace Telex.Storage.Relational;

/// <summary>
/// What every role of a relational store stands on: the engine it runs through (<see cref="RelationalStore"/>: the writer,
/// reads, locks, the SQL that differs between engines and the hooks by which values are stored, reached here under
/// their own names), and the steps several roles take inside their own transactions: appending to the register's chain,
/// queuing an outbox item, filing a telegram onto a tie, claiming a client's request id. A write that spans the tables of
/// several roles is one method of the role that owns it, which runs these steps in its transaction.
/// </summary>
internal abstract class RelationalRole(RelationalStore store)
{
    /// <summary>The engine this role runs through.</summary>
    protected RelationalStore Store { get; } = store;

    /// <summary>Now, to the millisecond (the precision the store keeps).</summary>
    protected DateTimeOffset Now => Store.Now;

    /// <summary>Now, in Unix milliseconds.</summary>
    protected long NowMs => Store.NowMs;

    /// <summary>The engine's <c>FOR UPDATE</c>, or nothing.</summary>
    protected string ForUpdate => Store.ForUpdate;

    /// <summary>The engine's order of filing for tables without a sequence.</summary>
    protected string FilingOrder => Store.FilingOrder;

    /// <summary>The engine's code-point collation.</summary>
    protected string BinaryCollation => Store.BinaryCollation;

    /// <summary>Runs a write transaction through the engine's writer.</summary>
    protected Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct) => Store.WriteAsync(work, ct);

    /// <summary>Runs a read on a connection of its own.</summary>
    protected Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken ct) => Store.ReadAsync(work, ct);

    /// <summary>A read-only transaction over one snapshot.</summary>
    protected Task<DbTransaction> BeginSnapshotAsync(DbConnection c, CancellationToken ct) => Store.BeginSnapshotAsync(c, ct);

    /// <summary>Takes the chain's lock for the rest of <paramref name="tx"/>.</summary>
    protected Task LockChainAsync(DbConnection c, DbTransaction tx, CancellationToken ct) => Store.LockChainAsync(c, tx, ct);

    /// <summary>Takes a counter's lock for the rest of <paramref name="tx"/>.</summary>
    protected Task LockCounterAsync(DbConnection c, DbTransaction tx, string name, CancellationToken ct) => Store.LockCounterAsync(c, tx, name, ct);

    /// <summary>Takes a named lock for the rest of <paramref name="tx"/>.</summary>
    protected Task LockAsync(DbConnection c, DbTransaction tx, string name, CancellationToken ct) => Store.LockAsync(c, tx, name, ct);

    /// <summary>Locks the rows <paramref name="from"/> names for the rest of <paramref name="tx"/>.</summary>
    protected Task LockRowsAsync(DbConnection c, DbTransaction tx, string from, CancellationToken ct, params (string Name, object? Value)[] parameters) =>
        Store.LockRowsAsync(c, tx, from, ct, parameters);

    /// <summary>The engine's text condition.</summary>
    protected string TextCondition(string table, string text, List<(string, object?)> parameters) => Store.TextCondition(table, text, parameters);

    /// <summary>The engine's text search of telegrams.</summary>
    protected (string From, string Match, string Order) TelegramSearch(string text, List<(string, object?)> parameters) => Store.TelegramSearch(text, parameters);

    /// <summary>The larger of two values, as SQL.</summary>
    protected string Greatest(string a, string b) => Store.Greatest(a, b);

    /// <summary>The smaller of two values, as SQL.</summary>
    protected string Least(string a, string b) => Store.Least(a, b);

    /// <summary>The engine's claiming statement.</summary>
    protected string ClaimStatement(string table, string condition, string order, string columns) => Store.ClaimStatement(table, condition, order, columns);

    /// <summary>The next <c>seq</c> of <paramref name="table"/>, as SQL.</summary>
    protected string NextSeq(string table) => Store.NextSeq(table);

    /// <summary>The condition that a column is one of a list.</summary>
    protected string AnyOf(string column, string parameter) => Store.AnyOf(column, parameter);

    /// <summary>A list of values as a parameter.</summary>
    protected object ListOf<T>(IReadOnlyList<T> values) => Store.ListOf(values);

    /// <summary>The columns of <c>outbox</c>.</summary>
    internal const string OutboxColumns = "id, kind, telegram_id, peer_did, endpoint, payload, attempts, due_at, expires_at, precedence";

    // How values are stored: the engine's hooks (RelationalStore.Types.cs), and what or-null reads from them.
    protected object Time(DateTimeOffset value) => Store.Time(value);

    protected object? Time(DateTimeOffset? value) => value is { } v ? Time(v) : null;

    protected DateTimeOffset ReadTime(DbDataReader r, int i) => Store.ReadTime(r, i);

    protected DateTimeOffset? ReadTimeOrNull(DbDataReader r, int i) => r.IsDBNull(i) ? null : ReadTime(r, i);

    protected object Id(Guid value) => Store.Id(value);

    protected object? Id(Guid? value) => value is { } v ? Id(v) : null;

    protected Guid ReadId(DbDataReader r, int i) => Store.ReadId(r, i);

    protected Guid? ReadIdOrNull(DbDataReader r, int i) => r.IsDBNull(i) ? null : ReadId(r, i);

    protected object Json(string json) => Store.Json(json);

    protected string ReadJson(DbDataReader r, int i) => Store.ReadJson(r, i);

    /// <summary><paramref name="value"/> serialized as a JSON document, as a parameter value.</summary>
    protected object JsonOf<T>(T value) => Json(JsonSerializer.Serialize(value));

    /// <summary>The JSON document in column <paramref name="i"/>, read as <typeparamref name="T"/> (null for JSON's null).</summary>
    protected T? ReadJson<T>(DbDataReader r, int i) => JsonSerializer.Deserialize<T>(ReadJson(r, i));

    /// <summary>The JSON array in column <paramref name="i"/>, empty for JSON's null.</summary>
    protected T[] ReadJsonArray<T>(DbDataReader r, int i) => ReadJson<T[]>(r, i) ?? [];

    protected object Bool(bool value) => Store.Bool(value);

    protected bool ReadBool(DbDataReader r, int i) => Store.ReadBool(r, i);

    protected object Bytes(byte[] value) => Store.Bytes(value);

    protected byte[] ReadBytes(DbDataReader r, int i) => Store.ReadBytes(r, i);

    protected byte[]? ReadBytesOrNull(DbDataReader r, int i) => r.IsDBNull(i) ? null : ReadBytes(r, i);

    /// <summary>
    /// Claims a client's request id inside the release's transaction, before anything else is written, after dropping that
    /// officer's expired keys; throws <see cref="IdempotencyKeyTakenException"/> if the key is held. The key's row is the
    /// first lock a release takes (a draft's release takes it after the draft's row): a second release under the same key
    /// on another node waits on it and, once the first commits, finds the key held.
    /// </summary>
    internal async Task ClaimAsync(DbConnection c, DbTransaction tx, IdempotencyClaim? claim, CancellationToken ct)
    {
        if (claim is null)
        {
            return;
        }

        await ExecuteAsync(c, tx, "DELETE FROM idempotency_keys WHERE officer=@o AND expires_at <= @now", ct,
            ("@o", claim.Officer), ("@now", Time(claim.CreatedAt))).ConfigureAwait(false);
        if (await ExecuteAsync(c, tx, """
            INSERT INTO idempotency_keys(officer, key, request_hash, created_at, expires_at, telegrams, answer)
            VALUES(@o, @k, @h, @at, @until, @none, NULL) ON CONFLICT(officer, key) DO NOTHING
            """, ct, ("@o", claim.Officer), ("@k", claim.Key), ("@h", claim.RequestHash), ("@at", Time(claim.CreatedAt)),
            ("@until", Time(claim.ExpiresAt)), ("@none", Json("[]"))).ConfigureAwait(false) == 0)
        {
            throw new IdempotencyKeyTakenException();
        }
    }

    /// <summary>Keeps, with the claimed key, the telegrams the release filed and the answer made from them.</summary>
    internal async Task KeepAnswerAsync(DbConnection c, DbTransaction tx, IdempotencyClaim? claim, IReadOnlyList<TelegramRecord> released,
        CancellationToken ct)
    {
        if (claim is null)
        {
            return;
        }

        await ExecuteAsync(c, tx, "UPDATE idempotency_keys SET telegrams=@t, answer=@a WHERE officer=@o AND key=@k", ct,
            ("@t", JsonOf(released.Select(r => r.Id))), ("@a", Bytes(claim.Answer(released))), ("@o", claim.Officer),
            ("@k", claim.Key)).ConfigureAwait(false);
    }

    /// <summary>SQL for the tie's current DID given any DID it has held (an alias resolves; any other DID is itself).</summary>
    internal static string CurrentDid(string p) => $"COALESCE((SELECT tie_did FROM key_rotations WHERE old_did={p} AND NOT own), {p})";

    /// <summary>SQL for the set of every DID the tie named by <paramref name="p"/> (current or an alias) has held.</summary>
    internal static string DidsOfTie(string p) =>
        $"(SELECT {CurrentDid(p)} UNION SELECT old_did FROM key_rotations WHERE NOT own AND tie_did={CurrentDid(p)})";

    /// <summary>Queues <paramref name="o"/> inside <paramref name="tx"/>, the transaction of the write that produced it.</summary>
    internal async Task InsertOutboxAsync(DbConnection c, DbTransaction tx, OutboxItem o, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(o);
        await ExecuteAsync(c, tx, $"""
            INSERT INTO outbox({OutboxColumns}) VALUES(@id, @kind, @tid, @peer, @endpoint, @payload, @attempts, @due, @expires, @prec)
            """, ct,
            ("@id", Id(o.Id)), ("@kind", (int)o.Kind), ("@tid", Id(o.TelegramId)), ("@peer", o.PeerDid), ("@endpoint", o.Endpoint),
            ("@payload", Bytes(o.Payload)), ("@attempts", o.Attempts), ("@due", Time(o.DueAt)), ("@expires", Time(o.ExpiresAt)),
            ("@prec", (int)o.Precedence)).ConfigureAwait(false);
    }

    /// <summary>The columns of <c>register_log</c>, as <see cref="EntryRow"/> reads them.</summary>
    internal const string EntryColumns = "position, kind, reference, time, content_hash, content, prev_hash, hash";

    /// <summary>
    /// Appends an entry to the register chain inside <paramref name="tx"/>, the transaction of the write it records, so
    /// that the write and its entry are committed together or not at all. Every kind of entry goes through here.
    /// </summary>
    internal async Task<RegisterEntry> AppendEntryAsync(DbConnection c, DbTransaction tx, string kind, string reference, byte[] content,
        bool keepContent, CancellationToken ct)
    {
        await LockChainAsync(c, tx, ct).ConfigureAwait(false);
        var previous = await FirstAsync(c, tx, $"SELECT {EntryColumns} FROM register_log ORDER BY position DESC LIMIT 1", EntryRow, ct)
            .ConfigureAwait(false);
        var entry = RegisterChain.Next(previous, kind, reference, Now, content, keepContent);
        await InsertEntryAsync(c, tx, entry, ct).ConfigureAwait(false);
        return entry;
    }

    internal async Task InsertEntryAsync(DbConnection c, DbTransaction tx, RegisterEntry e, CancellationToken ct) =>
        await ExecuteAsync(c, tx, $"INSERT INTO register_log({EntryColumns}) VALUES(@p, @k, @r, @t, @ch, @c, @prev, @h)", ct,
            ("@p", e.Position), ("@k", e.Kind), ("@r", e.Reference), ("@t", Time(e.Time)), ("@ch", e.ContentHash),
            ("@c", e.Content is { } content ? Bytes(content) : null), ("@prev", e.PrevHash), ("@h", e.Hash)).ConfigureAwait(false);

    /// <summary>The row mapper of <c>register_log</c>.</summary>
    internal Func<RegisterEntry> EntryRow(DbDataReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        int position = r.GetOrdinal("position"), kind = r.GetOrdinal("kind"), reference = r.GetOrdinal("reference"), time = r.GetOrdinal("time"),
            contentHash = r.GetOrdinal("content_hash"), content = r.GetOrdinal("content"), prevHash = r.GetOrdinal("prev_hash"), hash = r.GetOrdinal("hash");
        return () => new(r.GetInt64(position), Kind: r.GetString(kind), Reference: r.GetString(reference), ReadTime(r, time),
            ContentHash: r.GetString(contentHash), PrevHash: r.GetString(prevHash), Hash: r.GetString(hash), Content: ReadBytesOrNull(r, content));
    }

    /// <summary>Enters a telegram as filed, and the receipt issued for it if it was filed with one.</summary>
    internal async Task<RegisterEntry> AppendTelegramAsync(DbConnection c, DbTransaction tx, TelegramRecord t, CancellationToken ct)
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

    /// <summary>The columns of <c>telegrams</c>, as <see cref="TelegramRow"/> reads them.</summary>
    internal const string TelegramColumns = """
        id, direction, counterpart, serial, registry_number, status, created_at, released_at, registered_at, subject, body,
        precedence, issue_id, on_behalf_of, drafter, releasing_officer, sender_name, attendees, refs, attachments,
        content_hash, plaintext, signed_original, receipt, delivered_at, peer_registry_number, failure_reason, read_at, relay_path,
        bureau_id, bureau_epoch
        """;

    /// <summary>
    /// The next serial of the tie whose DID is <paramref name="tie"/> (SQL over the parameter <c>@p</c>, which is
    /// <paramref name="peerDid"/>). The tie's row stays locked until commit, so serials are taken one at a time across
    /// nodes, without gaps.
    /// </summary>
    internal async Task<long> NextSerialAsync(DbConnection c, DbTransaction tx, string tie, string peerDid, CancellationToken ct) =>
        await ScalarAsync(c, tx, $"SELECT last_sent_serial FROM ties WHERE peer_did={tie}{ForUpdate}", ct, ("@p", peerDid)).ConfigureAwait(false) is long last
            ? last + 1
            : throw new InvalidOperationException("no tie with " + peerDid);

    /// <summary>Files a released telegram, its entry and its outbox item, and moves the tie's serial on to it.</summary>
    internal async Task FileReleasedAsync(DbConnection c, DbTransaction tx, TelegramRecord record, OutboxItem outbox, string tie, string peerDid,
        CancellationToken ct)
    {
        await InsertTelegramAsync(c, tx, record, registryNumber: null, ct).ConfigureAwait(false);
        await AppendTelegramAsync(c, tx, record, ct).ConfigureAwait(false);
        await InsertOutboxAsync(c, tx, outbox, ct).ConfigureAwait(false);
        await ExecuteAsync(c, tx, $"UPDATE ties SET last_sent_serial=@s WHERE peer_did={tie}", ct, ("@s", record.Serial), ("@p", peerDid))
            .ConfigureAwait(false);
    }

    /// <summary>Writes a telegram's row, with <paramref name="registryNumber"/> (null for an outbound telegram).</summary>
    internal async Task InsertTelegramAsync(DbConnection c, DbTransaction tx, TelegramRecord t, long? registryNumber, CancellationToken ct)
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
            ("@drafter", t.Drafter), ("@ro", t.ReleasingOfficer), ("@sn", t.SenderName), ("@att", JsonOf(t.Attendees)),
            ("@refs", JsonOf(t.References)), ("@atts", JsonOf(t.Attachments)), ("@hash", t.ContentHash),
            ("@plain", Bytes(t.Plaintext)), ("@signed", Bytes(t.SignedOriginal)), ("@receipt", t.Receipt is { } receipt ? Bytes(receipt) : null),
            ("@delivered", Time(t.DeliveredAt)), ("@peerreg", t.PeerRegistryNumber), ("@fail", t.FailureReason), ("@read", Time(t.ReadAt)),
            ("@relay", t.RelayPath.Count == 0 ? null : JsonOf(t.RelayPath)), ("@bureau", Id(t.BureauId)),
            ("@epoch", t.BureauEpoch)).ConfigureAwait(false);
    }

    /// <summary>The row mapper of <c>telegrams</c>.</summary>
    internal Func<TelegramRecord> TelegramRow(DbDataReader r)
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
            Attendees = ReadJsonArray<string>(r, attendees),
            References = ReadJsonArray<Guid>(r, refs),
            Attachments = ReadJsonArray<AttachmentInfo>(r, attachments),
            ContentHash = r.GetString(contentHash),
            Plaintext = ReadBytes(r, plaintext),
            SignedOriginal = ReadBytes(r, signedOriginal),
            Receipt = ReadBytesOrNull(r, receipt),
            DeliveredAt = ReadTimeOrNull(r, deliveredAt),
            PeerRegistryNumber = ReadLongOrNull(r, peerRegistryNumber),
            FailureReason = ReadStringOrNull(r, failureReason),
            ReadAt = ReadTimeOrNull(r, readAt),
            RelayPath = r.IsDBNull(relayPath) ? [] : ReadJsonArray<string>(r, relayPath),
            BureauId = ReadIdOrNull(r, bureauId),
            BureauEpoch = ReadLongOrNull(r, bureauEpoch),
        };
    }
}
