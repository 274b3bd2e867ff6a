namespace Telex.Storage.Relational;

/// <summary>
/// Telegrams: releasing outbound ones under the tie's next serial (one, or one to each of several ties at once), registering
/// inbound ones under the next registry number, their receipts and reading.
/// </summary>
internal sealed class RelationalTelegrams(RelationalStore store) : RelationalRole(store), ITelegramStore
{
    /// <inheritdoc/>
    public Task<int> AttachReceiptAsync(IReadOnlyList<Guid> inboundIds, byte[] receipt, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(inboundIds);
        ArgumentNullException.ThrowIfNull(receipt);
        return WriteAsync(async (c, tx) =>
        {
            // One command, run for each telegram with its id.
            using var cmd = Command(c, tx, "UPDATE telegrams SET receipt=@r WHERE id=@i AND direction=1 AND receipt IS NULL",
                ("@r", Bytes(receipt)), ("@i", ""));
            int changed = 0;
            foreach (var id in inboundIds)
            {
                cmd.Parameters[1].Value = Id(id);
                if (await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1)
                {
                    changed++;
                    await AppendEntryAsync(c, tx, RegisterKinds.Receipt, RegisterChain.TelegramReference(id, Direction.Inbound),
                        RegisterChain.ReceiptContent(id, receipt), true, ct).ConfigureAwait(false);
                }
            }

            return changed;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<TelegramRecord>> ReleaseFanOutAsync(IReadOnlyList<string> peerDids, Func<string, long, (TelegramRecord Record, OutboxItem Outbox)> build,
        IdempotencyClaim? claim = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(peerDids);
        ArgumentNullException.ThrowIfNull(build);
        return WriteAsync<IReadOnlyList<TelegramRecord>>(async (c, tx) =>
        {
            await ClaimAsync(c, tx, claim, ct).ConfigureAwait(false);

            // Every tie's row is locked until commit, in one order whichever node releases, so serials are taken one at a
            // time across nodes, without gaps, and two fan-outs to overlapping members do not deadlock.
            await LockRowsAsync(c, tx, $"ties WHERE {AnyOf("peer_did", "@ps")} ORDER BY peer_did", ct, ("@ps", ListOf(peerDids))).ConfigureAwait(false);
            var released = new List<TelegramRecord>(peerDids.Count);
            foreach (string peerDid in peerDids)
            {
                long serial = await NextSerialAsync(c, tx, "@p", peerDid, ct).ConfigureAwait(false);
                var (record, outbox) = build(peerDid, serial);
                if (record.Serial != serial || record.Direction != Direction.Outbound || record.Counterpart != peerDid)
                {
                    throw new InvalidOperationException("each released entry must be outbound to its peer and carry the serial it was given");
                }

                await FileReleasedAsync(c, tx, record, outbox, "@p", peerDid, ct).ConfigureAwait(false);
                released.Add(record);
            }

            await KeepAnswerAsync(c, tx, claim, released, ct).ConfigureAwait(false);
            return released;
        }, ct);
    }

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

    /// <inheritdoc/>
    public Task<TelegramRecord?> GetTelegramAsync(Guid id, Direction direction, CancellationToken ct = default) =>
        ReadAsync(c => FirstAsync(c, null, $"SELECT {TelegramColumns} FROM telegrams WHERE id=@i AND direction=@d", TelegramRow, ct,
            ("@i", Id(id)), ("@d", (int)direction)), ct);

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

    /// <summary>
    /// Appends inbound entries in one transaction, each under the next registry number and entered in the chain (see
    /// <see cref="RelationalStore.BulkRegisterAsync"/>). Returns the last number given.
    /// </summary>
    internal Task<long> BulkRegisterAsync(IReadOnlyList<TelegramRecord> records, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(records);
        return WriteAsync(async (c, tx) =>
        {
            // The counter's row stays locked until commit, as for a registration.
            long number = await LongAsync(c, tx, "SELECT value FROM counters WHERE name='registry'" + ForUpdate, ct).ConfigureAwait(false);
            foreach (var record in records)
            {
                if (record.Direction != Direction.Inbound)
                {
                    throw new ArgumentException("bulk registration takes inbound entries only", nameof(records));
                }

                number++;
                var entry = record with { RegistryNumber = number };
                await InsertTelegramAsync(c, tx, entry, number, ct).ConfigureAwait(false);
                await AppendTelegramAsync(c, tx, entry, ct).ConfigureAwait(false);
            }

            await ExecuteAsync(c, tx, "UPDATE counters SET value=@v WHERE name='registry'", ct, ("@v", number)).ConfigureAwait(false);
            return number;
        }, ct);
    }
}
