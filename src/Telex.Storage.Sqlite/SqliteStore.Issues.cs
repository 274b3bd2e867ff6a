using Microsoft.Data.Sqlite;

using Telex.Core.Model;
using Telex.Core.Register;
using Telex.Core.Storage;

namespace Telex.Storage.Sqlite;

public sealed partial class SqliteStore
{
    private const string IssueColumns =
        "SELECT id, counterpart, title, opened_by, opened_at, status, outcome, referred_to, clock, changed_at FROM issues";

    private const string IssueEventColumns =
        "SELECT id, issue_id, clock, agency, officer, at, status, title, outcome, referred_to FROM issue_events";

    /// <inheritdoc/>
    public Task<bool> OpenIssueAsync(Issue issue, IssueEvent opening, OutboxItem? outbox, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(issue);
        ArgumentNullException.ThrowIfNull(opening);
        return WriteAsync(async (c, tx) =>
        {
            using var exists = Command(c, tx, "SELECT 1 FROM issues WHERE id=$i UNION ALL SELECT 1 FROM issue_events WHERE id=$e",
                ("$i", issue.Id), ("$e", opening.Id.ToString()));
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
    public Task<IssueEvent?> AppendIssueEventAsync(string issueId, Func<Issue, long, (IssueEvent Event, OutboxItem Outbox)> build, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(build);
        return WriteAsync(async (c, tx) =>
        {
            var issue = await FindIssueAsync(c, tx, issueId, ct).ConfigureAwait(false);
            if (issue is null)
            {
                return null;
            }

            using var max = Command(c, tx, "SELECT COALESCE(MAX(clock), 0) FROM issue_events WHERE issue_id=$i", ("$i", issueId));
            long clock = (long)(await max.ExecuteScalarAsync(ct).ConfigureAwait(false))! + 1;
            var (e, outbox) = build(issue, clock);
            if (e.IssueId != issueId || e.Clock != clock || e.IsOpening)
            {
                throw new InvalidOperationException("the event must be a change to this issue carrying the clock it was given");
            }

            await FileIssueEventAsync(c, tx, e, issue.Counterpart, ct).ConfigureAwait(false);
            await RecomputeIssueAsync(c, tx, issueId, ct).ConfigureAwait(false);
            await InsertOutboxAsync(c, tx, outbox, ct).ConfigureAwait(false);
            return e;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<bool> RecordIssueEventAsync(IssueEvent issueEvent, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(issueEvent);
        return WriteAsync(async (c, tx) =>
        {
            using var known = Command(c, tx, "SELECT (SELECT counterpart FROM issues WHERE id=$i), (SELECT 1 FROM issue_events WHERE id=$e)",
                ("$i", issueEvent.IssueId), ("$e", issueEvent.Id.ToString()));
            string counterpart;
            using (var r = await known.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                await r.ReadAsync(ct).ConfigureAwait(false);
                if (r.IsDBNull(0) || !r.IsDBNull(1))
                {
                    return false;
                }

                counterpart = r.GetString(0);
            }

            await FileIssueEventAsync(c, tx, issueEvent, counterpart, ct).ConfigureAwait(false);
            await RecomputeIssueAsync(c, tx, issueEvent.IssueId, ct).ConfigureAwait(false);
            return true;
        }, ct);
    }

    private static async Task InsertIssueAsync(SqliteConnection c, SqliteTransaction tx, Issue issue, CancellationToken ct)
    {
        using var insert = Command(c, tx, """
            INSERT INTO issues(id, counterpart, title, opened_by, opened_at, status, outcome, referred_to, clock, changed_at)
            VALUES($i, $cp, $t, $by, $at, $s, $o, $r, $clock, $changed)
            """,
            ("$i", issue.Id), ("$cp", issue.Counterpart), ("$t", issue.Title), ("$by", issue.OpenedBy), ("$at", issue.OpenedAt.ToUnixTimeMilliseconds()),
            ("$s", (int)issue.Status), ("$o", issue.Outcome), ("$r", issue.ReferredTo), ("$clock", issue.Clock),
            ("$changed", issue.ChangedAt.ToUnixTimeMilliseconds()));
        await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Files an issue event and its entry in the register's chain, in the transaction of the write.</summary>
    private async Task FileIssueEventAsync(SqliteConnection c, SqliteTransaction tx, IssueEvent e, string counterpart, CancellationToken ct)
    {
        await InsertIssueEventAsync(c, tx, e, ct).ConfigureAwait(false);
        await AppendEntryAsync(c, tx, RegisterKinds.IssueStatus, RegisterChain.IssueEventReference(e), RegisterChain.IssueEventContent(e, counterpart),
            keepContent: false, ct).ConfigureAwait(false);
    }

    private static async Task InsertIssueEventAsync(SqliteConnection c, SqliteTransaction tx, IssueEvent e, CancellationToken ct)
    {
        using var cmd = Command(c, tx, """
            INSERT INTO issue_events(id, issue_id, clock, agency, officer, at, status, title, outcome, referred_to)
            VALUES($id, $issue, $clock, $agency, $officer, $at, $status, $title, $outcome, $ref)
            """,
            ("$id", e.Id.ToString()), ("$issue", e.IssueId), ("$clock", e.Clock), ("$agency", e.Agency), ("$officer", e.Officer),
            ("$at", e.At.ToUnixTimeMilliseconds()), ("$status", (int)e.Status), ("$title", e.Title), ("$outcome", e.Outcome), ("$ref", e.ReferredTo));
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The issue's current state is its greatest event's: the same rule at both ends, so both converge (and the rule of
    /// <see cref="IssueEvent.Order"/>, which the register's verifier applies).
    /// </summary>
    private static async Task RecomputeIssueAsync(SqliteConnection c, SqliteTransaction tx, string issueId, CancellationToken ct)
    {
        using var cmd = Command(c, tx, """
            UPDATE issues SET (status, outcome, referred_to, clock, changed_at) =
                (SELECT status, outcome, referred_to, clock, at FROM issue_events WHERE issue_id=$i
                 ORDER BY clock DESC, agency DESC, id DESC LIMIT 1)
            WHERE id=$i
            """, ("$i", issueId));
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static async Task<Issue?> FindIssueAsync(SqliteConnection c, SqliteTransaction? tx, string id, CancellationToken ct)
    {
        using var cmd = Command(c, tx, IssueColumns + " WHERE id=$i", ("$i", id));
        using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await r.ReadAsync(ct).ConfigureAwait(false) ? ReadIssue(r) : null;
    }

    private static Issue ReadIssue(SqliteDataReader r) => new()
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
    };

    private static IssueEvent ReadIssueEvent(SqliteDataReader r) => new()
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
    };

    /// <inheritdoc/>
    public Task<Issue?> GetIssueAsync(string id, CancellationToken ct = default) => ReadAsync(c => FindIssueAsync(c, null, id, ct), ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<Issue>> ListIssuesAsync(IssueQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var where = new System.Text.StringBuilder(" WHERE 1=1");
        var parameters = new List<(string, object?)>();
        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            where.Append(" AND id IN (SELECT issue_id FROM issue_events WHERE seq IN (SELECT rowid FROM issue_events_fts WHERE issue_events_fts MATCH $q))");
            parameters.Add(("$q", FtsQuery(query.Text)));
        }

        if (query.Counterpart is not null)
        {
            where.Append(" AND counterpart IN " + DidsOfTie("$cp"));
            parameters.Add(("$cp", query.Counterpart));
        }

        if (query.Status is { } s)
        {
            where.Append(" AND status=$s");
            parameters.Add(("$s", (int)s));
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
            using var cmd = Command(c, null, IssueEventColumns + " WHERE issue_id=$i ORDER BY clock, agency, id", ("$i", issueId));
            using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var list = new List<IssueEvent>();
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                list.Add(ReadIssueEvent(r));
            }

            return list;
        }, ct);

    /// <inheritdoc/>
    public Task<bool> MarkReadByCounterpartAsync(Guid telegramId, string counterpart, DateTimeOffset at, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            using var cmd = Command(c, tx, "UPDATE telegrams SET read_at=$at WHERE id=$i AND direction=0 AND counterpart IN " + DidsOfTie("$cp") + " AND read_at IS NULL",
                ("$at", at.ToUnixTimeMilliseconds()), ("$i", telegramId.ToString()), ("$cp", counterpart));
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, ct);
}
