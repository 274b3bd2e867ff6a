using System.Data.Common;

using Telex.Core.Model;
using Telex.Core.Register;
using Telex.Core.Storage;

namespace Telex.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string IssueColumns =
        "SELECT id, counterpart, title, opened_by, opened_at, status, outcome, referred_to, clock, changed_at, term, number FROM issues";

    private const string IssueEventColumns =
        "SELECT id, issue_id, clock, agency, officer, at, status, title, outcome, referred_to, term, referred_to_did FROM issue_events";

    /// <inheritdoc/>
    public Task<bool> OpenIssueAsync(Issue issue, IssueEvent opening, OutboxItem? outbox, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(issue);
        ArgumentNullException.ThrowIfNull(opening);
        return WriteAsync(async (c, tx) =>
        {
            // Under the chain's lock (which the opening's entry takes anyway), so two nodes opening one issue file it once.
            await LockChainAsync(c, tx, ct).ConfigureAwait(false);
            using var exists = Command(c, tx, "SELECT 1 FROM issues WHERE id=@i UNION ALL SELECT 1 FROM issue_events WHERE id=@e",
                ("@i", issue.Id), ("@e", opening.Id.ToString()));
            if (await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null)
            {
                return false;
            }

            await InsertIssueAsync(c, tx, issue, ct).ConfigureAwait(false);
            await FileIssueEventAsync(c, tx, opening, issue.Counterpart, ct).ConfigureAwait(false);
            await RecomputeIssueAsync(c, tx, issue.Id, ct).ConfigureAwait(false);
            if (outbox is not null)
            {
                await InsertOutboxAsync(c, tx, outbox, ct).ConfigureAwait(false);
            }

            return true;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<IssueEvent?> AppendIssueEventAsync(string issueId, Func<Issue, long, IssueChange> build, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(build);
        return WriteAsync(async (c, tx) =>
        {
            var issue = await FindIssueAsync(c, tx, issueId, ct).ConfigureAwait(false);
            if (issue is null)
            {
                return null;
            }

            using var max = Command(c, tx, "SELECT COALESCE(MAX(clock), 0) FROM issue_events WHERE issue_id=@i", ("@i", issueId));
            long clock = (long)(await max.ExecuteScalarAsync(ct).ConfigureAwait(false))! + 1;
            var change = build(issue, clock);
            var e = change.Event;
            if (e.IssueId != issueId || e.Clock != clock || e.IsOpening || (change.Joins is { } j && j.IssueId != issueId))
            {
                throw new InvalidOperationException("the event must be a change to this issue carrying the clock it was given");
            }

            await FileIssueEventAsync(c, tx, e, issue.Counterpart, ct).ConfigureAwait(false);
            await RecomputeIssueAsync(c, tx, issueId, ct).ConfigureAwait(false);
            await AddParticipantsAsync(c, tx, change.Joins is null ? [] : [change.Joins], ct).ConfigureAwait(false);
            foreach (var item in change.Outbox)
            {
                await InsertOutboxAsync(c, tx, item, ct).ConfigureAwait(false);
            }

            if (change.Share is { } share)
            {
                var events = await ListByPositionAsync(c, tx, IssueEventColumns + " WHERE issue_id=@i ORDER BY clock, agency, id", ReadIssueEvent, ct, ("@i", issueId))
                    .ConfigureAwait(false);
                await InsertOutboxAsync(c, tx, share(events), ct).ConfigureAwait(false);
            }

            return (IssueEvent?)e;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<bool> RecordIssueEventAsync(IssueEvent issueEvent, IReadOnlyList<OutboxItem>? forward = null, IssueParticipant? joins = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(issueEvent);
        return WriteAsync(async (c, tx) =>
        {
            if (!await RecordEventAsync(c, tx, issueEvent, ct).ConfigureAwait(false))
            {
                return false;
            }

            await AddParticipantsAsync(c, tx, joins is null || joins.IssueId != issueEvent.IssueId ? [] : [joins], ct).ConfigureAwait(false);
            foreach (var item in forward ?? [])
            {
                await InsertOutboxAsync(c, tx, item, ct).ConfigureAwait(false);
            }

            return true;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<bool> ShareIssueAsync(Issue issue, IReadOnlyList<IssueEvent> events, IReadOnlyList<IssueParticipant> participants, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(issue);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(participants);
        return WriteAsync(async (c, tx) =>
        {
            // Under the chain's lock (which each event's entry takes anyway), so two nodes filing one referral file it once.
            await LockChainAsync(c, tx, ct).ConfigureAwait(false);
            bool isNew = await FindIssueAsync(c, tx, issue.Id, ct).ConfigureAwait(false) is null;
            if (isNew)
            {
                await InsertIssueAsync(c, tx, issue, ct).ConfigureAwait(false);
            }

            foreach (var e in events)
            {
                await RecordEventAsync(c, tx, e, ct).ConfigureAwait(false);
            }

            await AddParticipantsAsync(c, tx, participants.Where(p => p.IssueId == issue.Id).ToList(), ct).ConfigureAwait(false);
            return isNew;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<IssueParticipant>> ListIssueParticipantsAsync(string issueId, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<IssueParticipant>>(async c => await ListByPositionAsync(c, null, "SELECT issue_id, did, name FROM issue_participants WHERE issue_id=@i ORDER BY seq",
            r => new IssueParticipant(r.GetString(0), r.GetString(1), r.GetString(2)), ct, ("@i", issueId)).ConfigureAwait(false), ct);

    /// <inheritdoc/>
    public Task<Issue?> GetIssueByNumberAsync(long number, CancellationToken ct = default) =>
        ReadAsync(async c =>
        {
            using var cmd = Command(c, null, IssueColumns + " WHERE number=@n", ("@n", number));
            using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await r.ReadAsync(ct).ConfigureAwait(false) ? ReadIssue(r) : null;
        }, ct);

    /// <summary>Files a change made elsewhere unless filed before, and recomputes the issue; false if known or the issue is unknown.</summary>
    private async Task<bool> RecordEventAsync(DbConnection c, DbTransaction tx, IssueEvent issueEvent, CancellationToken ct)
    {
        // The issue's row is locked first, so the same event arriving at two nodes is filed once.
        using var issueRow = Command(c, tx, "SELECT counterpart FROM issues WHERE id=@i FOR UPDATE", ("@i", issueEvent.IssueId));
        if (await issueRow.ExecuteScalarAsync(ct).ConfigureAwait(false) is not string counterpart)
        {
            return false;
        }

        using var known = Command(c, tx, "SELECT 1 FROM issue_events WHERE id=@e", ("@e", issueEvent.Id.ToString()));
        if (await known.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null)
        {
            return false;
        }

        await FileIssueEventAsync(c, tx, issueEvent, counterpart, ct).ConfigureAwait(false);
        await RecomputeIssueAsync(c, tx, issueEvent.IssueId, ct).ConfigureAwait(false);
        return true;
    }

    private static async Task AddParticipantsAsync(DbConnection c, DbTransaction tx, IReadOnlyList<IssueParticipant> participants, CancellationToken ct)
    {
        foreach (var p in participants)
        {
            using var insert = Command(c, tx, "INSERT INTO issue_participants(issue_id, did, name) VALUES(@i, @d, @n) ON CONFLICT DO NOTHING",
                ("@i", p.IssueId), ("@d", p.Did), ("@n", p.Name));
            await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    private static async Task InsertIssueAsync(DbConnection c, DbTransaction tx, Issue issue, CancellationToken ct)
    {
        // The counter's row lock numbers issues one at a time across nodes, without gaps.
        using var insert = Command(c, tx, """
            WITH n AS (UPDATE counters SET value=value+1 WHERE name='issue' RETURNING value)
            INSERT INTO issues(id, counterpart, title, opened_by, opened_at, status, outcome, referred_to, clock, changed_at, term, number)
            VALUES(@i, @cp, @t, @by, @at, @s, @o, @r, @clock, @changed, @term, (SELECT value FROM n))
            """,
            ("@i", issue.Id), ("@cp", issue.Counterpart), ("@t", issue.Title), ("@by", issue.OpenedBy), ("@at", issue.OpenedAt.ToUnixTimeMilliseconds()),
            ("@s", (int)issue.Status), ("@o", issue.Outcome), ("@r", issue.ReferredTo), ("@clock", issue.Clock),
            ("@changed", issue.ChangedAt.ToUnixTimeMilliseconds()), ("@term", issue.Term));
        await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Files an issue event and its entry in the register's chain, in the transaction of the write.</summary>
    private async Task FileIssueEventAsync(DbConnection c, DbTransaction tx, IssueEvent e, string counterpart, CancellationToken ct)
    {
        await InsertIssueEventAsync(c, tx, e, ct).ConfigureAwait(false);
        await AppendEntryAsync(c, tx, RegisterKinds.IssueStatus, RegisterChain.IssueEventReference(e), RegisterChain.IssueEventContent(e, counterpart),
            keepContent: false, ct).ConfigureAwait(false);
    }

    private static async Task InsertIssueEventAsync(DbConnection c, DbTransaction tx, IssueEvent e, CancellationToken ct)
    {
        using var cmd = Command(c, tx, """
            INSERT INTO issue_events(id, issue_id, clock, agency, officer, at, status, title, outcome, referred_to, term, referred_to_did)
            VALUES(@id, @issue, @clock, @agency, @officer, @at, @status, @title, @outcome, @ref, @term, @refdid)
            """,
            ("@id", e.Id.ToString()), ("@issue", e.IssueId), ("@clock", e.Clock), ("@agency", e.Agency), ("@officer", e.Officer),
            ("@at", e.At.ToUnixTimeMilliseconds()), ("@status", (int)e.Status), ("@title", e.Title), ("@outcome", e.Outcome), ("@ref", e.ReferredTo),
            ("@term", e.Term), ("@refdid", e.ReferredToDid));
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The issue's current state is its greatest event's: the same rule at both ends, so both converge (and the rule of
    /// <see cref="IssueEvent.Order"/>, which the register's verifier applies).
    /// </summary>
    private static async Task RecomputeIssueAsync(DbConnection c, DbTransaction tx, string issueId, CancellationToken ct)
    {
        using var cmd = Command(c, tx, """
            UPDATE issues SET (status, outcome, referred_to, clock, changed_at, term) =
                (SELECT status, outcome, referred_to, clock, at, term FROM issue_events WHERE issue_id=@i
                 ORDER BY clock DESC, agency DESC, id DESC LIMIT 1)
            WHERE id=@i
            """, ("@i", issueId));
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static async Task<Issue?> FindIssueAsync(DbConnection c, DbTransaction? tx, string id, CancellationToken ct)
    {
        using var cmd = Command(c, tx, IssueColumns + " WHERE id=@i" + (tx is null ? "" : " FOR UPDATE"), ("@i", id));
        using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await r.ReadAsync(ct).ConfigureAwait(false) ? ReadIssue(r) : null;
    }

    private static Issue ReadIssue(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        Counterpart = r.GetString(1),
        Title = r.GetString(2),
        OpenedBy = r.GetString(3),
        OpenedAt = Ms(r.GetInt64(4)),
        Status = (IssueStatus)r.GetInt32(5),
        Outcome = Str(r, 6),
        ReferredTo = Str(r, 7),
        Clock = r.GetInt64(8),
        ChangedAt = Ms(r.GetInt64(9)),
        Term = Str(r, 10),
        Number = r.GetInt64(11),
    };

    private static IssueEvent ReadIssueEvent(DbDataReader r) => new()
    {
        Id = Guid.Parse(r.GetString(0)),
        IssueId = r.GetString(1),
        Clock = r.GetInt64(2),
        Agency = r.GetString(3),
        Officer = Str(r, 4),
        At = Ms(r.GetInt64(5)),
        Status = (IssueStatus)r.GetInt32(6),
        Title = Str(r, 7),
        Outcome = Str(r, 8),
        ReferredTo = Str(r, 9),
        Term = Str(r, 10),
        ReferredToDid = Str(r, 11),
    };

    /// <inheritdoc/>
    public Task<Issue?> GetIssueAsync(string id, CancellationToken ct = default) => ReadAsync(c => FindIssueAsync(c, null, id, ct), ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<Issue>> ListIssuesAsync(IssueQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var where = new System.Text.StringBuilder(" WHERE TRUE");
        var parameters = new List<(string, object?)>();
        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            where.Append(" AND id IN (SELECT issue_id FROM issue_events WHERE ").Append(TextSearch.Condition("search", query.Text, parameters)).Append(')');
        }

        if (query.Counterpart is not null)
        {
            where.Append(" AND counterpart IN " + DidsOfTie("@cp"));
            parameters.Add(("@cp", query.Counterpart));
        }

        if (query.Status is { } s)
        {
            where.Append(" AND status=@s");
            parameters.Add(("@s", (int)s));
        }

        if (query.Term is not null)
        {
            where.Append(" AND COALESCE(term, CASE status WHEN 0 THEN 'open' WHEN 1 THEN 'deferred' WHEN 2 THEN 'agreed' WHEN 3 THEN 'referred' ELSE 'closed' END)=@term");
            parameters.Add(("@term", query.Term));
        }

        where.Append(" ORDER BY changed_at DESC, id LIMIT ").Append(Math.Clamp(query.Limit, 1, 1000));
        return ReadAsync<IReadOnlyList<Issue>>(async c =>
        {
            using var cmd = Command(c, null, IssueColumns + where, parameters.ToArray());
            using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var list = new List<Issue>();
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                list.Add(ReadIssue(r));
            }

            return list;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<IssueEvent>> ListIssueEventsAsync(string issueId, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<IssueEvent>>(async c =>
        {
            using var cmd = Command(c, null, IssueEventColumns + " WHERE issue_id=@i ORDER BY clock, agency, id", ("@i", issueId));
            using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var list = new List<IssueEvent>();
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                list.Add(ReadIssueEvent(r));
            }

            return list;
        }, ct);
}
