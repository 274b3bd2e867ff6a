using System.Text;

namespace Telex.Storage.Relational;

/// <summary>
/// Issues: each a history of events both sides file (<c>issue_events</c>), its current state the greatest event's
/// (<c>issues</c>), and the agencies taking part (<c>issue_participants</c>).
/// </summary>
internal sealed class RelationalIssues(RelationalStore store) : RelationalRole(store), IIssueStore
{
    /// <summary>The columns of <c>issues</c>, as <see cref="IssueRow"/> reads them.</summary>
    internal const string IssueColumns = "id, counterpart, title, opened_by, opened_at, status, outcome, referred_to, clock, changed_at, term, number";

    /// <summary>The columns of <c>issue_events</c>, as <see cref="IssueEventRow"/> reads them.</summary>
    internal const string IssueEventColumns = "id, issue_id, clock, agency, officer, at, status, title, outcome, referred_to, term, referred_to_did";

    /// <inheritdoc/>
    public Task<bool> OpenIssueAsync(Issue issue, IssueEvent opening, OutboxItem? outbox, CancellationToken ct = default) =>
        OpenAsync(issue, opening, outbox is null ? [] : [outbox], ct);

    internal Task<bool> OpenAsync(Issue issue, IssueEvent opening, IReadOnlyList<OutboxItem> outbox, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(issue);
        ArgumentNullException.ThrowIfNull(opening);
        ArgumentNullException.ThrowIfNull(outbox);
        return WriteAsync(async (c, tx) =>
        {
            // Under the chain's lock (which the opening's entry takes anyway), so two nodes opening one issue file it once.
            await LockChainAsync(c, tx, ct).ConfigureAwait(false);
            if (await ScalarAsync(c, tx, "SELECT 1 FROM issues WHERE id=@i UNION ALL SELECT 1 FROM issue_events WHERE id=@e", ct,
                ("@i", issue.Id), ("@e", Id(opening.Id))).ConfigureAwait(false) is not null)
            {
                return false;
            }

            await InsertIssueAsync(c, tx, issue, ct).ConfigureAwait(false);
            await FileIssueEventAsync(c, tx, opening, issue.Counterpart, ct).ConfigureAwait(false);
            await RecomputeIssueAsync(c, tx, issue.Id, ct).ConfigureAwait(false);
            foreach (var item in outbox)
            {
                await InsertOutboxAsync(c, tx, item, ct).ConfigureAwait(false);
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

            long clock = await LongAsync(c, tx, "SELECT COALESCE(MAX(clock), 0) FROM issue_events WHERE issue_id=@i", ct, ("@i", issueId))
                .ConfigureAwait(false) + 1;
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
                await InsertOutboxAsync(c, tx, share(await ListIssueEventsAsync(c, tx, issueId, ct).ConfigureAwait(false)), ct).ConfigureAwait(false);
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
            // Under the chain's lock (which each event's entry takes anyway), so two nodes filing one referral file it once.
            await LockChainAsync(c, tx, ct).ConfigureAwait(false);
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
        ReadAsync<IReadOnlyList<IssueParticipant>>(async c => await ListAsync(c, null,
            $"SELECT issue_id, did, name FROM issue_participants WHERE issue_id=@i ORDER BY {FilingOrder}", ParticipantRow, ct,
            ("@i", issueId)).ConfigureAwait(false), ct);

    private static Func<IssueParticipant> ParticipantRow(DbDataReader r)
    {
        int issueId = r.GetOrdinal("issue_id"), did = r.GetOrdinal("did"), name = r.GetOrdinal("name");
        return () => new IssueParticipant(r.GetString(issueId), r.GetString(did), r.GetString(name));
    }

    /// <inheritdoc/>
    public Task<Issue?> GetIssueByNumberAsync(long number, CancellationToken ct = default) =>
        ReadAsync(c => FirstAsync(c, null, $"SELECT {IssueColumns} FROM issues WHERE number=@n", IssueRow, ct, ("@n", number)), ct);

    /// <summary>Files a change made elsewhere unless filed before, and recomputes the issue; false if known or the issue is unknown.</summary>
    private async Task<bool> RecordEventAsync(DbConnection c, DbTransaction tx, IssueEvent issueEvent, CancellationToken ct)
    {
        // The issue's row is locked first, so the same event arriving at two nodes is filed once.
        if (await ScalarAsync(c, tx, "SELECT counterpart FROM issues WHERE id=@i" + ForUpdate, ct, ("@i", issueEvent.IssueId)).ConfigureAwait(false)
            is not string counterpart
            || await ScalarAsync(c, tx, "SELECT 1 FROM issue_events WHERE id=@e", ct, ("@e", Id(issueEvent.Id))).ConfigureAwait(false) is not null)
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
            await ExecuteAsync(c, tx, "INSERT INTO issue_participants(issue_id, did, name) VALUES(@i, @d, @n) ON CONFLICT DO NOTHING", ct,
                ("@i", p.IssueId), ("@d", p.Did), ("@n", p.Name)).ConfigureAwait(false);
        }
    }

    /// <summary>Writes an issue's row under the next issue number (the counter's row lock numbers issues one at a time across nodes).</summary>
    internal async Task InsertIssueAsync(DbConnection c, DbTransaction tx, Issue issue, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(issue);
        long number = await LongAsync(c, tx, "UPDATE counters SET value=value+1 WHERE name='issue' RETURNING value", ct).ConfigureAwait(false);
        await ExecuteAsync(c, tx, $"""
            INSERT INTO issues({IssueColumns}) VALUES(@i, @cp, @t, @by, @at, @s, @o, @r, @clock, @changed, @term, @number)
            """, ct,
            ("@i", issue.Id), ("@cp", issue.Counterpart), ("@t", issue.Title), ("@by", issue.OpenedBy), ("@at", Time(issue.OpenedAt)),
            ("@s", (int)issue.Status), ("@o", issue.Outcome), ("@r", issue.ReferredTo), ("@clock", issue.Clock), ("@changed", Time(issue.ChangedAt)),
            ("@term", issue.Term), ("@number", number)).ConfigureAwait(false);
    }

    /// <summary>Files an issue event and its entry in the register's chain, in the transaction of the write.</summary>
    private async Task FileIssueEventAsync(DbConnection c, DbTransaction tx, IssueEvent e, string counterpart, CancellationToken ct)
    {
        await InsertIssueEventAsync(c, tx, e, ct).ConfigureAwait(false);
        await AppendEntryAsync(c, tx, RegisterKinds.IssueStatus, RegisterChain.IssueEventReference(e), RegisterChain.IssueEventContent(e, counterpart),
            keepContent: false, ct).ConfigureAwait(false);
    }

    /// <summary>Writes an issue event's row.</summary>
    internal async Task InsertIssueEventAsync(DbConnection c, DbTransaction tx, IssueEvent e, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(e);
        await ExecuteAsync(c, tx, $"""
            INSERT INTO issue_events({IssueEventColumns}) VALUES(@id, @issue, @clock, @agency, @officer, @at, @status, @title, @outcome, @ref, @term, @refdid)
            """, ct,
            ("@id", Id(e.Id)), ("@issue", e.IssueId), ("@clock", e.Clock), ("@agency", e.Agency), ("@officer", e.Officer), ("@at", Time(e.At)),
            ("@status", (int)e.Status), ("@title", e.Title), ("@outcome", e.Outcome), ("@ref", e.ReferredTo), ("@term", e.Term),
            ("@refdid", e.ReferredToDid)).ConfigureAwait(false);
    }

    /// <summary>
    /// The issue's current state is its greatest event's: the same rule at both ends, so both converge (and the rule of
    /// <see cref="IssueEvent.Order"/>, which the register's verifier applies).
    /// </summary>
    private static async Task RecomputeIssueAsync(DbConnection c, DbTransaction tx, string issueId, CancellationToken ct) =>
        await ExecuteAsync(c, tx, """
            UPDATE issues SET (status, outcome, referred_to, clock, changed_at, term) =
                (SELECT status, outcome, referred_to, clock, at, term FROM issue_events WHERE issue_id=@i
                 ORDER BY clock DESC, agency DESC, id DESC LIMIT 1)
            WHERE id=@i
            """, ct, ("@i", issueId)).ConfigureAwait(false);

    /// <summary>The issue; in a write transaction its row stays locked until commit.</summary>
    private Task<Issue?> FindIssueAsync(DbConnection c, DbTransaction? tx, string id, CancellationToken ct) =>
        FirstAsync(c, tx, $"SELECT {IssueColumns} FROM issues WHERE id=@i" + (tx is null ? "" : ForUpdate), IssueRow, ct, ("@i", id));

    /// <summary>The row mapper of <c>issues</c>.</summary>
    internal Func<Issue> IssueRow(DbDataReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        int id = r.GetOrdinal("id"), counterpart = r.GetOrdinal("counterpart"), title = r.GetOrdinal("title"), openedBy = r.GetOrdinal("opened_by"),
            openedAt = r.GetOrdinal("opened_at"), status = r.GetOrdinal("status"), outcome = r.GetOrdinal("outcome"),
            referredTo = r.GetOrdinal("referred_to"), clock = r.GetOrdinal("clock"), changedAt = r.GetOrdinal("changed_at"), term = r.GetOrdinal("term"),
            number = r.GetOrdinal("number");
        return () => new()
        {
            Id = r.GetString(id),
            Counterpart = r.GetString(counterpart),
            Title = r.GetString(title),
            OpenedBy = r.GetString(openedBy),
            OpenedAt = ReadTime(r, openedAt),
            Status = (IssueStatus)r.GetInt32(status),
            Outcome = ReadStringOrNull(r, outcome),
            ReferredTo = ReadStringOrNull(r, referredTo),
            Clock = r.GetInt64(clock),
            ChangedAt = ReadTime(r, changedAt),
            Term = ReadStringOrNull(r, term),
            Number = r.GetInt64(number),
        };
    }

    /// <summary>The row mapper of <c>issue_events</c>.</summary>
    internal Func<IssueEvent> IssueEventRow(DbDataReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        int id = r.GetOrdinal("id"), issueId = r.GetOrdinal("issue_id"), clock = r.GetOrdinal("clock"), agency = r.GetOrdinal("agency"),
            officer = r.GetOrdinal("officer"), at = r.GetOrdinal("at"), status = r.GetOrdinal("status"), title = r.GetOrdinal("title"),
            outcome = r.GetOrdinal("outcome"), referredTo = r.GetOrdinal("referred_to"), term = r.GetOrdinal("term"),
            referredToDid = r.GetOrdinal("referred_to_did");
        return () => new()
        {
            Id = ReadId(r, id),
            IssueId = r.GetString(issueId),
            Clock = r.GetInt64(clock),
            Agency = r.GetString(agency),
            Officer = ReadStringOrNull(r, officer),
            At = ReadTime(r, at),
            Status = (IssueStatus)r.GetInt32(status),
            Title = ReadStringOrNull(r, title),
            Outcome = ReadStringOrNull(r, outcome),
            ReferredTo = ReadStringOrNull(r, referredTo),
            Term = ReadStringOrNull(r, term),
            ReferredToDid = ReadStringOrNull(r, referredToDid),
        };
    }

    /// <inheritdoc/>
    public Task<Issue?> GetIssueAsync(string id, CancellationToken ct = default) => ReadAsync(c => FindIssueAsync(c, null, id, ct), ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<Issue>> ListIssuesAsync(IssueQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var where = new StringBuilder(" WHERE 1=1");
        var parameters = new List<(string, object?)>();
        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            where.Append(" AND id IN (SELECT issue_id FROM issue_events WHERE ").Append(TextCondition("issue_events", query.Text, parameters)).Append(')');
        }

        if (query.Counterpart is not null)
        {
            where.Append(" AND counterpart IN ").Append(DidsOfTie("@cp"));
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
        return ReadAsync<IReadOnlyList<Issue>>(async c => await ListAsync(c, null, $"SELECT {IssueColumns} FROM issues{where}", IssueRow, ct, [.. parameters])
            .ConfigureAwait(false), ct);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<IssueEvent>> ListIssueEventsAsync(string issueId, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<IssueEvent>>(async c => await ListIssueEventsAsync(c, null, issueId, ct).ConfigureAwait(false), ct);

    private Task<List<IssueEvent>> ListIssueEventsAsync(DbConnection c, DbTransaction? tx, string issueId, CancellationToken ct) =>
        ListAsync(c, tx, $"SELECT {IssueEventColumns} FROM issue_events WHERE issue_id=@i ORDER BY clock, agency, id", IssueEventRow, ct, ("@i", issueId));
}
