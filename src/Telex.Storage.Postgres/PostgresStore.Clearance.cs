using System.Data.Common;
using System.Text.Json;

using Telex.Core.Model;
using Telex.Core.Register;
using Telex.Core.Storage;

namespace Telex.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string DraftColumns =
        "SELECT id, status, drafter, draft, steps, created_at, updated_at, return_reason, telegram_id, released_by, released_at, number FROM drafts";

    private const string ClearanceLogColumns = "SELECT seq, draft_id, at, actor, action, detail FROM clearance_log";

    private const string CoordinationColumns = """
        SELECT id, from_did, draft_id, recipient, subject, body, precedence, issue_id, drafter, received_at, state, answered_by, answered_at, reason
        FROM coordination_requests
        """;

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

    private static async Task InsertDraftAsync(DbConnection c, DbTransaction tx, DraftRecord draft, CancellationToken ct)
    {
        // The counter's row lock numbers drafts one at a time across nodes, without gaps.
        using var insert = Command(c, tx, """
            WITH n AS (UPDATE counters SET value=value+1 WHERE name='draft' RETURNING value)
            INSERT INTO drafts(id, status, drafter, recipient, draft, steps, created_at, updated_at, return_reason, telegram_id, released_by, released_at, number)
            VALUES(@id, @s, @drafter, @to, @draft, @steps, @created, @updated, @reason, @tid, @rb, @ra, (SELECT value FROM n))
            """, DraftParameters(draft));
        await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static (string, object?)[] DraftParameters(DraftRecord d) =>
    [
        ("@id", d.Id.ToString()), ("@s", (int)d.Status), ("@drafter", d.Drafter), ("@to", d.Draft.To), ("@draft", JsonSerializer.Serialize(d.Draft)),
        ("@steps", JsonSerializer.Serialize(d.Steps)), ("@created", d.CreatedAt.ToUnixTimeMilliseconds()), ("@updated", d.UpdatedAt.ToUnixTimeMilliseconds()),
        ("@reason", d.ReturnReason), ("@tid", d.TelegramId?.ToString()), ("@rb", d.ReleasedBy), ("@ra", d.ReleasedAt?.ToUnixTimeMilliseconds()),
    ];

    private static async Task UpdateDraftAsync(DbConnection c, DbTransaction tx, DraftRecord d, CancellationToken ct)
    {
        using var update = Command(c, tx, """
            UPDATE drafts SET status=@s, drafter=@drafter, recipient=@to, draft=@draft, steps=@steps, created_at=@created, updated_at=@updated,
                return_reason=@reason, telegram_id=@tid, released_by=@rb, released_at=@ra
            WHERE id=@id
            """, DraftParameters(d));
        await update.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

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
    private static async Task<ClearanceLogRow> InsertLogRowAsync(DbConnection c, DbTransaction tx, ClearanceLogEntry log, long? seq, CancellationToken ct)
    {
        using var cmd = Command(c, tx, """
            INSERT INTO clearance_log(seq, draft_id, at, actor, action, detail)
            VALUES(COALESCE(@seq::bigint, (SELECT COALESCE(MAX(seq), 0) + 1 FROM clearance_log)), @d, @at, @actor, @action, @detail) RETURNING seq
            """,
            ("@seq", seq), ("@d", log.DraftId.ToString()), ("@at", log.At.ToUnixTimeMilliseconds()), ("@actor", log.Actor), ("@action", log.Action),
            ("@detail", log.Detail));
        long written = (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        return new ClearanceLogRow(written, log);
    }

    private static ClearanceLogRow ReadLogRow(DbDataReader r) =>
        new(r.GetInt64(0), new ClearanceLogEntry(Guid.Parse(r.GetString(1)), Ms(r.GetInt64(2)), r.GetString(3), r.GetString(4), Str(r, 5)));

    private static DraftRecord ReadDraft(DbDataReader r) => new()
    {
        Id = Guid.Parse(r.GetString(0)),
        Status = (DraftStatus)r.GetInt32(1),
        Drafter = r.GetString(2),
        Draft = JsonSerializer.Deserialize<TelegramDraft>(r.GetString(3)) ?? throw new InvalidDataException("a draft row holds no draft"),
        Steps = JsonSerializer.Deserialize<ClearanceStep[]>(r.GetString(4)) ?? [],
        CreatedAt = Ms(r.GetInt64(5)),
        UpdatedAt = Ms(r.GetInt64(6)),
        ReturnReason = Str(r, 7),
        TelegramId = r.IsDBNull(8) ? null : Guid.Parse(r.GetString(8)),
        ReleasedBy = Str(r, 9),
        ReleasedAt = r.IsDBNull(10) ? null : Ms(r.GetInt64(10)),
        Number = r.GetInt64(11),
    };

    private static async Task<DraftRecord?> FindDraftAsync(DbConnection c, DbTransaction? tx, Guid id, CancellationToken ct)
    {
        using var cmd = Command(c, tx, DraftColumns + " WHERE id=@i" + (tx is null ? "" : " FOR UPDATE"), ("@i", id.ToString()));
        using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await r.ReadAsync(ct).ConfigureAwait(false) ? ReadDraft(r) : null;
    }

    /// <inheritdoc/>
    public Task<DraftRecord?> GetDraftAsync(Guid id, CancellationToken ct = default) => ReadAsync(c => FindDraftAsync(c, null, id, ct), ct);

    /// <inheritdoc/>
    public Task<DraftRecord?> GetDraftByNumberAsync(long number, CancellationToken ct = default) =>
        ReadAsync(async c =>
        {
            using var cmd = Command(c, null, DraftColumns + " WHERE number=@n", ("@n", number));
            using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await r.ReadAsync(ct).ConfigureAwait(false) ? ReadDraft(r) : null;
        }, ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<DraftRecord>> ListDraftsAsync(DraftStatus? status, int limit, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<DraftRecord>>(async c =>
        {
            using var cmd = Command(c, null, DraftColumns + " WHERE @s::integer IS NULL OR status=@s::integer ORDER BY created_at DESC, id LIMIT @l",
                ("@s", status is { } s ? (int)s : null), ("@l", Math.Clamp(limit, 1, 1000)));
            using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var list = new List<DraftRecord>();
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                list.Add(ReadDraft(r));
            }

            return list;
        }, ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<ClearanceLogEntry>> ListClearanceLogAsync(Guid draftId, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<ClearanceLogEntry>>(async c =>
        {
            using var cmd = Command(c, null, "SELECT at, actor, action, detail FROM clearance_log WHERE draft_id=@d ORDER BY seq", ("@d", draftId.ToString()));
            using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var list = new List<ClearanceLogEntry>();
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                list.Add(new ClearanceLogEntry(draftId, Ms(r.GetInt64(0)), r.GetString(1), r.GetString(2), Str(r, 3)));
            }

            return list;
        }, ct);

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

            using var last = Command(c, tx, "SELECT last_sent_serial FROM ties WHERE peer_did=" + CurrentDid("@p") + " FOR UPDATE", ("@p", peerDid));
            if (await last.ExecuteScalarAsync(ct).ConfigureAwait(false) is not long lastSerial)
            {
                throw new InvalidOperationException("no tie with " + peerDid);
            }

            long serial = lastSerial + 1;
            var (record, outbox, change) = build(draft, serial);
            if (record.Serial != serial || record.Direction != Direction.Outbound || change.Draft.Id != id || change.Log.DraftId != id)
            {
                throw new InvalidOperationException("the released entry must be outbound, carry its serial and belong to the draft");
            }

            await InsertTelegramAsync(c, tx, record, registryNumber: null, ct).ConfigureAwait(false);
            await AppendTelegramAsync(c, tx, record, ct).ConfigureAwait(false);
            await InsertOutboxAsync(c, tx, outbox, ct).ConfigureAwait(false);
            using var bump = Command(c, tx, "UPDATE ties SET last_sent_serial=@s WHERE peer_did=" + CurrentDid("@p"), ("@s", serial), ("@p", peerDid));
            await bump.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            await UpdateDraftAsync(c, tx, change.Draft, ct).ConfigureAwait(false);
            await InsertLogAsync(c, tx, change.Log, ct).ConfigureAwait(false);
            await KeepAnswerAsync(c, tx, claim, [record], ct).ConfigureAwait(false);
            return record;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<bool> RecordCoordinationRequestAsync(CoordinationRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return WriteAsync(async (c, tx) =>
        {
            using var cmd = Command(c, tx, """
                INSERT INTO coordination_requests(id, from_did, draft_id, recipient, subject, body, precedence, issue_id, drafter, received_at,
                    state, answered_by, answered_at, reason)
                VALUES(@id, @from, @draft, @to, @subject, @body, @prec, @issue, @drafter, @received, @state, @by, @at, @reason)
                ON CONFLICT(id) DO NOTHING
                """, CoordinationParameters(request));
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, ct);
    }

    private static (string, object?)[] CoordinationParameters(CoordinationRequest q) =>
    [
        ("@id", q.Id.ToString()), ("@from", q.From), ("@draft", q.DraftId.ToString()), ("@to", q.Recipient), ("@subject", q.Subject), ("@body", q.Body),
        ("@prec", (int)q.Precedence), ("@issue", q.IssueId), ("@drafter", q.Drafter), ("@received", q.ReceivedAt.ToUnixTimeMilliseconds()),
        ("@state", (int)q.State), ("@by", q.AnsweredBy), ("@at", q.AnsweredAt?.ToUnixTimeMilliseconds()), ("@reason", q.Reason),
    ];

    private static CoordinationRequest ReadCoordination(DbDataReader r) => new()
    {
        Id = Guid.Parse(r.GetString(0)),
        From = r.GetString(1),
        DraftId = Guid.Parse(r.GetString(2)),
        Recipient = r.GetString(3),
        Subject = r.GetString(4),
        Body = r.GetString(5),
        Precedence = (Precedence)r.GetInt32(6),
        IssueId = Str(r, 7),
        Drafter = Str(r, 8),
        ReceivedAt = Ms(r.GetInt64(9)),
        State = (ClearanceState)r.GetInt32(10),
        AnsweredBy = Str(r, 11),
        AnsweredAt = r.IsDBNull(12) ? null : Ms(r.GetInt64(12)),
        Reason = Str(r, 13),
    };

    private static async Task<CoordinationRequest?> FindCoordinationAsync(DbConnection c, DbTransaction? tx, Guid id, CancellationToken ct)
    {
        using var cmd = Command(c, tx, CoordinationColumns + " WHERE id=@i" + (tx is null ? "" : " FOR UPDATE"), ("@i", id.ToString()));
        using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await r.ReadAsync(ct).ConfigureAwait(false) ? ReadCoordination(r) : null;
    }

    /// <inheritdoc/>
    public Task<CoordinationRequest?> GetCoordinationRequestAsync(Guid id, CancellationToken ct = default) =>
        ReadAsync(c => FindCoordinationAsync(c, null, id, ct), ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<CoordinationRequest>> ListCoordinationRequestsAsync(ClearanceState? state, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<CoordinationRequest>>(async c =>
        {
            using var cmd = Command(c, null, CoordinationColumns + " WHERE @s::integer IS NULL OR state=@s::integer ORDER BY received_at DESC, id LIMIT 1000",
                ("@s", state is { } s ? (int)s : null));
            using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var list = new List<CoordinationRequest>();
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                list.Add(ReadCoordination(r));
            }

            return list;
        }, ct);

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

            using var cmd = Command(c, tx, """
                UPDATE coordination_requests SET state=@state, answered_by=@by, answered_at=@at, reason=@reason WHERE id=@id
                """, CoordinationParameters(updated));
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            await InsertOutboxAsync(c, tx, outbox, ct).ConfigureAwait(false);
            return updated;
        }, ct);
    }
}
