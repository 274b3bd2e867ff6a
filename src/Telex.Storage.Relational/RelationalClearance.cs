
namespace Telex.Storage.Relational;

/// <summary>
/// Clearance: drafts on their way to release (<c>drafts</c>), each step they take (<c>clearance_log</c>, entered in the
/// register's chain), and the coordination other agencies ask of this one (<c>coordination_requests</c>).
/// </summary>
internal sealed class RelationalClearance(RelationalStore store) : RelationalRole(store), IClearanceStore
{
    /// <summary>The columns of <c>drafts</c>, as <see cref="DraftRow"/> reads them.</summary>
    internal const string DraftColumns =
        "id, status, drafter, draft, steps, created_at, updated_at, return_reason, telegram_id, released_by, released_at, number";

    /// <summary>The columns of <c>clearance_log</c>, as <see cref="ClearanceRow"/> reads them.</summary>
    internal const string ClearanceLogColumns = "seq, draft_id, at, actor, action, detail";

    private const string CoordinationColumns =
        "id, from_did, draft_id, recipient, subject, body, precedence, issue_id, drafter, received_at, state, answered_by, answered_at, reason";

    /// <inheritdoc/>
    public Task CreateDraftAsync(DraftRecord draft, ClearanceLogEntry log, IReadOnlyList<OutboxItem> outbox, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(outbox);
        return WriteAsync(async (c, tx) =>
        {
            await InsertDraftAsync(c, tx, draft, ct).ConfigureAwait(false);
            await InsertLogAsync(c, tx, log, ct).ConfigureAwait(false);
            foreach (var item in outbox)
            {
                await InsertOutboxAsync(c, tx, item, ct).ConfigureAwait(false);
            }

            return 0;
        }, ct);
    }

    /// <summary>Writes a draft's row under the next draft number (the counter's row lock numbers drafts one at a time across nodes).</summary>
    internal async Task InsertDraftAsync(DbConnection c, DbTransaction tx, DraftRecord draft, CancellationToken ct)
    {
        long number = await LongAsync(c, tx, "UPDATE counters SET value=value+1 WHERE name='draft' RETURNING value", ct).ConfigureAwait(false);
        await ExecuteAsync(c, tx, """
            INSERT INTO drafts(id, status, drafter, recipient, draft, steps, created_at, updated_at, return_reason, telegram_id, released_by, released_at, number)
            VALUES(@id, @s, @drafter, @to, @draft, @steps, @created, @updated, @reason, @tid, @rb, @ra, @number)
            """, ct, [.. DraftParameters(draft), ("@number", number)]).ConfigureAwait(false);
    }

    private (string, object?)[] DraftParameters(DraftRecord d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return
        [
            ("@id", Id(d.Id)), ("@s", (int)d.Status), ("@drafter", d.Drafter), ("@to", d.Draft.To), ("@draft", JsonOf(d.Draft)),
            ("@steps", JsonOf(d.Steps)), ("@created", Time(d.CreatedAt)), ("@updated", Time(d.UpdatedAt)),
            ("@reason", d.ReturnReason), ("@tid", Id(d.TelegramId)), ("@rb", d.ReleasedBy), ("@ra", Time(d.ReleasedAt)),
        ];
    }

    private async Task UpdateDraftAsync(DbConnection c, DbTransaction tx, DraftRecord d, CancellationToken ct) =>
        await ExecuteAsync(c, tx, """
            UPDATE drafts SET status=@s, drafter=@drafter, recipient=@to, draft=@draft, steps=@steps, created_at=@created, updated_at=@updated,
                return_reason=@reason, telegram_id=@tid, released_by=@rb, released_at=@ra
            WHERE id=@id
            """, ct, DraftParameters(d)).ConfigureAwait(false);

    /// <summary>Writes a step to the clearance log and its entry in the register's chain, in the transaction of the write.</summary>
    private async Task InsertLogAsync(DbConnection c, DbTransaction tx, ClearanceLogEntry log, CancellationToken ct)
    {
        // The next place in the log is taken under the chain's lock, which the entry needs anyway: one writer at a time.
        await LockChainAsync(c, tx, ct).ConfigureAwait(false);
        var row = await InsertLogRowAsync(c, tx, log, seq: null, ct).ConfigureAwait(false);
        await AppendEntryAsync(c, tx, RegisterKinds.Clearance, RegisterChain.ClearanceReference(row), RegisterChain.ClearanceContent(row), keepContent: false, ct)
            .ConfigureAwait(false);
    }

    /// <summary>Writes a clearance log row: with the next place in the log, or with <paramref name="seq"/> (an import).</summary>
    internal async Task<ClearanceLogRow> InsertLogRowAsync(DbConnection c, DbTransaction tx, ClearanceLogEntry log, long? seq, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(log);
        long written = await LongAsync(c, tx, $"""
            INSERT INTO clearance_log({ClearanceLogColumns})
            VALUES(COALESCE(CAST(@seq AS BIGINT), (SELECT COALESCE(MAX(seq), 0) + 1 FROM clearance_log)), @d, @at, @actor, @action, @detail) RETURNING seq
            """, ct, ("@seq", seq), ("@d", Id(log.DraftId)), ("@at", Time(log.At)), ("@actor", log.Actor), ("@action", log.Action), ("@detail", log.Detail))
            .ConfigureAwait(false);
        return new ClearanceLogRow(written, log);
    }

    /// <summary>The row mapper of <c>clearance_log</c>.</summary>
    internal Func<ClearanceLogRow> ClearanceRow(DbDataReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        int seq = r.GetOrdinal("seq"), draftId = r.GetOrdinal("draft_id"), at = r.GetOrdinal("at"), actor = r.GetOrdinal("actor"),
            action = r.GetOrdinal("action"), detail = r.GetOrdinal("detail");
        return () => new(r.GetInt64(seq),
            new ClearanceLogEntry(ReadId(r, draftId), ReadTime(r, at), r.GetString(actor), r.GetString(action), ReadStringOrNull(r, detail)));
    }

    /// <summary>The row mapper of <c>drafts</c>.</summary>
    internal Func<DraftRecord> DraftRow(DbDataReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        int id = r.GetOrdinal("id"), status = r.GetOrdinal("status"), drafter = r.GetOrdinal("drafter"), draft = r.GetOrdinal("draft"),
            steps = r.GetOrdinal("steps"), createdAt = r.GetOrdinal("created_at"), updatedAt = r.GetOrdinal("updated_at"),
            returnReason = r.GetOrdinal("return_reason"), telegramId = r.GetOrdinal("telegram_id"), releasedBy = r.GetOrdinal("released_by"),
            releasedAt = r.GetOrdinal("released_at"), number = r.GetOrdinal("number");
        return () => new()
        {
            Id = ReadId(r, id),
            Status = (DraftStatus)r.GetInt32(status),
            Drafter = r.GetString(drafter),
            Draft = ReadJson<TelegramDraft>(r, draft) ?? throw new InvalidDataException("a draft row holds no draft"),
            Steps = ReadJsonArray<ClearanceStep>(r, steps),
            CreatedAt = ReadTime(r, createdAt),
            UpdatedAt = ReadTime(r, updatedAt),
            ReturnReason = ReadStringOrNull(r, returnReason),
            TelegramId = ReadIdOrNull(r, telegramId),
            ReleasedBy = ReadStringOrNull(r, releasedBy),
            ReleasedAt = ReadTimeOrNull(r, releasedAt),
            Number = r.GetInt64(number),
        };
    }

    /// <summary>The draft; in a write transaction its row stays locked until commit.</summary>
    private Task<DraftRecord?> FindDraftAsync(DbConnection c, DbTransaction? tx, Guid id, CancellationToken ct) =>
        FirstAsync(c, tx, $"SELECT {DraftColumns} FROM drafts WHERE id=@i" + (tx is null ? "" : ForUpdate), DraftRow, ct, ("@i", Id(id)));

    /// <inheritdoc/>
    public Task<DraftRecord?> GetDraftAsync(Guid id, CancellationToken ct = default) => ReadAsync(c => FindDraftAsync(c, null, id, ct), ct);

    /// <inheritdoc/>
    public Task<DraftRecord?> GetDraftByNumberAsync(long number, CancellationToken ct = default) =>
        ReadAsync(c => FirstAsync(c, null, $"SELECT {DraftColumns} FROM drafts WHERE number=@n", DraftRow, ct, ("@n", number)), ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<DraftRecord>> ListDraftsAsync(DraftStatus? status, int limit, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<DraftRecord>>(async c => await ListAsync(c, null,
            $"SELECT {DraftColumns} FROM drafts{(status is null ? "" : " WHERE status=@s")} ORDER BY created_at DESC, id LIMIT {Math.Clamp(limit, 1, 1000)}",
            DraftRow, ct, ("@s", status is { } s ? (int)s : null)).ConfigureAwait(false), ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<ClearanceLogEntry>> ListClearanceLogAsync(Guid draftId, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<ClearanceLogEntry>>(async c => (await ListAsync(c, null,
            $"SELECT {ClearanceLogColumns} FROM clearance_log WHERE draft_id=@d ORDER BY seq", ClearanceRow, ct, ("@d", Id(draftId))).ConfigureAwait(false))
            .Select(row => row.Step).ToList(), ct);

    /// <inheritdoc/>
    public Task<DraftRecord?> ChangeDraftAsync(Guid id, Func<DraftRecord, DraftChange> change, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        return WriteAsync(async (c, tx) =>
        {
            var draft = await FindDraftAsync(c, tx, id, ct).ConfigureAwait(false);
            if (draft is null)
            {
                return null;
            }

            var result = change(draft);
            if (result.Draft.Id != id || result.Log.DraftId != id)
            {
                throw new InvalidOperationException("the change must be to the draft it was given");
            }

            await UpdateDraftAsync(c, tx, result.Draft, ct).ConfigureAwait(false);
            await InsertLogAsync(c, tx, result.Log, ct).ConfigureAwait(false);
            foreach (var item in result.Outbox ?? [])
            {
                await InsertOutboxAsync(c, tx, item, ct).ConfigureAwait(false);
            }

            return result.Draft;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<TelegramRecord?> ReleaseDraftAsync(Guid id, string peerDid,
        Func<DraftRecord, long, (TelegramRecord Record, OutboxItem Outbox, DraftChange Change)> build, IdempotencyClaim? claim = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(build);
        return WriteAsync(async (c, tx) =>
        {
            var draft = await FindDraftAsync(c, tx, id, ct).ConfigureAwait(false);
            if (draft is null)
            {
                return null;
            }

            await ClaimAsync(c, tx, claim, ct).ConfigureAwait(false);
            long serial = await NextSerialAsync(c, tx, CurrentDid("@p"), peerDid, ct).ConfigureAwait(false);
            var (record, outbox, change) = build(draft, serial);
            if (record.Serial != serial || record.Direction != Direction.Outbound || change.Draft.Id != id || change.Log.DraftId != id)
            {
                throw new InvalidOperationException("the released entry must be outbound, carry its serial and belong to the draft");
            }

            await FileReleasedAsync(c, tx, record, outbox, CurrentDid("@p"), peerDid, ct).ConfigureAwait(false);
            await UpdateDraftAsync(c, tx, change.Draft, ct).ConfigureAwait(false);
            await InsertLogAsync(c, tx, change.Log, ct).ConfigureAwait(false);
            await KeepAnswerAsync(c, tx, claim, [record], ct).ConfigureAwait(false);
            return (TelegramRecord?)record;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<bool> RecordCoordinationRequestAsync(CoordinationRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return WriteAsync(async (c, tx) => await ExecuteAsync(c, tx, $"""
            INSERT INTO coordination_requests({CoordinationColumns})
            VALUES(@id, @from, @draft, @to, @subject, @body, @prec, @issue, @drafter, @received, @state, @by, @at, @reason)
            ON CONFLICT(id) DO NOTHING
            """, ct, CoordinationParameters(request)).ConfigureAwait(false) == 1, ct);
    }

    private (string, object?)[] CoordinationParameters(CoordinationRequest q) =>
    [
        ("@id", Id(q.Id)), ("@from", q.From), ("@draft", Id(q.DraftId)), ("@to", q.Recipient), ("@subject", q.Subject), ("@body", q.Body),
        ("@prec", (int)q.Precedence), ("@issue", q.IssueId), ("@drafter", q.Drafter), ("@received", Time(q.ReceivedAt)),
        ("@state", (int)q.State), ("@by", q.AnsweredBy), ("@at", Time(q.AnsweredAt)), ("@reason", q.Reason),
    ];

    /// <summary>The row mapper of <c>coordination_requests</c>.</summary>
    private Func<CoordinationRequest> CoordinationRow(DbDataReader r)
    {
        int id = r.GetOrdinal("id"), from = r.GetOrdinal("from_did"), draftId = r.GetOrdinal("draft_id"), recipient = r.GetOrdinal("recipient"),
            subject = r.GetOrdinal("subject"), body = r.GetOrdinal("body"), precedence = r.GetOrdinal("precedence"), issueId = r.GetOrdinal("issue_id"),
            drafter = r.GetOrdinal("drafter"), receivedAt = r.GetOrdinal("received_at"), state = r.GetOrdinal("state"),
            answeredBy = r.GetOrdinal("answered_by"), answeredAt = r.GetOrdinal("answered_at"), reason = r.GetOrdinal("reason");
        return () => new(ReadId(r, id), From: r.GetString(from), ReadId(r, draftId), Recipient: r.GetString(recipient),
            Subject: r.GetString(subject), Body: r.GetString(body), (Precedence)r.GetInt32(precedence), ReceivedAt: ReadTime(r, receivedAt),
            IssueId: ReadStringOrNull(r, issueId), Drafter: ReadStringOrNull(r, drafter), State: (ClearanceState)r.GetInt32(state),
            AnsweredBy: ReadStringOrNull(r, answeredBy), AnsweredAt: ReadTimeOrNull(r, answeredAt), Reason: ReadStringOrNull(r, reason));
    }

    /// <summary>The coordination request; in a write transaction its row stays locked until commit.</summary>
    private Task<CoordinationRequest?> FindCoordinationAsync(DbConnection c, DbTransaction? tx, Guid id, CancellationToken ct) =>
        FirstAsync(c, tx, $"SELECT {CoordinationColumns} FROM coordination_requests WHERE id=@i" + (tx is null ? "" : ForUpdate), CoordinationRow, ct,
            ("@i", Id(id)));

    /// <inheritdoc/>
    public Task<CoordinationRequest?> GetCoordinationRequestAsync(Guid id, CancellationToken ct = default) =>
        ReadAsync(c => FindCoordinationAsync(c, null, id, ct), ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<CoordinationRequest>> ListCoordinationRequestsAsync(ClearanceState? state, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<CoordinationRequest>>(async c => await ListAsync(c, null,
            $"SELECT {CoordinationColumns} FROM coordination_requests{(state is null ? "" : " WHERE state=@s")} ORDER BY received_at DESC, id LIMIT 1000",
            CoordinationRow, ct, ("@s", state is { } s ? (int)s : null)).ConfigureAwait(false), ct);

    /// <inheritdoc/>
    public Task<CoordinationRequest?> AnswerCoordinationRequestAsync(Guid id,
        Func<CoordinationRequest, (CoordinationRequest Request, OutboxItem Outbox)> answer, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return WriteAsync(async (c, tx) =>
        {
            var request = await FindCoordinationAsync(c, tx, id, ct).ConfigureAwait(false);
            if (request is null)
            {
                return null;
            }

            var (updated, outbox) = answer(request);
            if (updated.Id != id)
            {
                throw new InvalidOperationException("the answer must be to the request it was given");
            }

            await ExecuteAsync(c, tx, "UPDATE coordination_requests SET state=@state, answered_by=@by, answered_at=@at, reason=@reason WHERE id=@id", ct,
                CoordinationParameters(updated)).ConfigureAwait(false);
            await InsertOutboxAsync(c, tx, outbox, ct).ConfigureAwait(false);
            return (CoordinationRequest?)updated;
        }, ct);
    }
}
