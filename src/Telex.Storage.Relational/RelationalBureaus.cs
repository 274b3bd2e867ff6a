
namespace Telex.Storage.Relational;

/// <summary>A bureau's outcome vocabulary: kept when the bureau is known and the version is newer than the one held.</summary>
internal sealed class RelationalBureaus(RelationalStore store) : RelationalRole(store), IBureauStore
{
    /// <inheritdoc/>
    public Task<BureauOutcomes?> GetBureauOutcomesAsync(Guid bureauId, CancellationToken ct = default) =>
        ReadAsync(c => FindBureauOutcomesAsync(c, null, bureauId, ct), ct);

    /// <inheritdoc/>
    public Task<bool> SetBureauOutcomesAsync(BureauOutcomes outcomes, IReadOnlyList<OutboxItem> outbox, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        ArgumentNullException.ThrowIfNull(outbox);
        return WriteAsync(async (c, tx) =>
        {
            if (!await WriteBureauOutcomesAsync(c, tx, outcomes, ct).ConfigureAwait(false))
            {
                return false;
            }

            foreach (var item in outbox)
            {
                await InsertOutboxAsync(c, tx, item, ct).ConfigureAwait(false);
            }

            return true;
        }, ct);
    }

    /// <summary>The outcomes held for a bureau, or null.</summary>
    internal Task<BureauOutcomes?> FindBureauOutcomesAsync(DbConnection c, DbTransaction? tx, Guid bureauId, CancellationToken ct) =>
        FirstAsync(c, tx, "SELECT bureau_id, version, terms FROM bureau_outcomes WHERE bureau_id=@b", BureauOutcomesRow, ct, ("@b", Id(bureauId)));

    /// <summary>The row mapper of <c>bureau_outcomes</c>.</summary>
    private Func<BureauOutcomes> BureauOutcomesRow(DbDataReader r)
    {
        int bureauId = r.GetOrdinal("bureau_id"), version = r.GetOrdinal("version"), terms = r.GetOrdinal("terms");
        return () => new BureauOutcomes(ReadId(r, bureauId), r.GetInt64(version), OutcomeVocabulary.Parse(ReadJson(r, terms)));
    }

    /// <summary>Keeps a bureau's outcomes when the bureau is known and their version is higher than the one held.</summary>
    internal async Task<bool> WriteBureauOutcomesAsync(DbConnection c, DbTransaction tx, BureauOutcomes outcomes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        return await ExecuteAsync(c, tx, """
            INSERT INTO bureau_outcomes(bureau_id, version, terms)
            SELECT @b, @v, @t WHERE EXISTS(SELECT 1 FROM bureaus WHERE id=@b)
            ON CONFLICT(bureau_id) DO UPDATE SET version=excluded.version, terms=excluded.terms WHERE excluded.version > bureau_outcomes.version
            """, ct, ("@b", Id(outcomes.BureauId)), ("@v", outcomes.Version), ("@t", Json(OutcomeVocabulary.Write(outcomes.Terms)))).ConfigureAwait(false) > 0;
    }

    private const string BureauColumns = "id, name, purpose, founder, secretariat, rule, status, epoch, created_at, changed_at";
    private const string EpochColumns = "bureau_id, number, members, opened_at";

    /// <summary>How an epoch's members are kept in its row.</summary>
    private sealed record EpochMemberRow(string Did, string Name, string? Endpoint);

    /// <inheritdoc/>
    public Task<bool> CreateBureauAsync(BureauChange change, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        return WriteAsync(async (c, tx) =>
        {
            // Under the chain's lock (which the bureau's entries take anyway), so two nodes creating one bureau file it once.
            await LockChainAsync(c, tx, ct).ConfigureAwait(false);
            if (await ScalarAsync(c, tx, "SELECT 1 FROM bureaus WHERE id=@i", ct, ("@i", Id(change.Bureau.Id))).ConfigureAwait(false) is not null)
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
            // The bureau's row stays locked until commit: changes (and the epochs they open) are made one at a time
            // across nodes, each on the bureau as the one before left it.
            var bureau = await FindBureauAsync(c, tx, id, forUpdate: true, ct).ConfigureAwait(false);
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
        object id = Id(b.Id);
        await ExecuteAsync(c, tx, insert
            ? $"INSERT INTO bureaus({BureauColumns}) VALUES(@i, @n, @p, @f, @s, @r, @st, @e, @created, @changed)"
            : """
              UPDATE bureaus SET name=@n, purpose=@p, founder=@f, secretariat=@s, rule=@r, status=@st, epoch=@e, created_at=@created,
                  changed_at=@changed WHERE id=@i
              """, ct,
            ("@i", id), ("@n", b.Name), ("@p", b.Purpose), ("@f", b.Founder), ("@s", b.Secretariat), ("@r", b.Rule.ToString()),
            ("@st", (int)b.Status), ("@e", b.Epoch), ("@created", Time(b.CreatedAt)), ("@changed", Time(b.ChangedAt))).ConfigureAwait(false);

        await ExecuteAsync(c, tx, "DELETE FROM bureau_members WHERE bureau_id=@i", ct, ("@i", id)).ConfigureAwait(false);
        for (int i = 0; i < b.Members.Count; i++)
        {
            var m = b.Members[i];
            await ExecuteAsync(c, tx, "INSERT INTO bureau_members(bureau_id, position, did, name, endpoint, state) VALUES(@b, @pos, @d, @n, @e, @s)", ct,
                ("@b", id), ("@pos", i), ("@d", m.Did), ("@n", m.Name), ("@e", m.Endpoint), ("@s", (int)m.State)).ConfigureAwait(false);
        }

        await ExecuteAsync(c, tx, "DELETE FROM bureau_prospects WHERE bureau_id=@i", ct, ("@i", id)).ConfigureAwait(false);
        for (int i = 0; i < b.Prospects.Count; i++)
        {
            var p = b.Prospects[i];
            await ExecuteAsync(c, tx, "INSERT INTO bureau_prospects(bureau_id, position, entry_id, name, added_at) VALUES(@b, @pos, @e, @n, @at)", ct,
                ("@b", id), ("@pos", i), ("@e", Id(p.EntryId)), ("@n", p.Name), ("@at", Time(p.AddedAt))).ConfigureAwait(false);
        }

        if (change.NewEpoch is { } epoch)
        {
            var members = epoch.Members.Select(m => new EpochMemberRow(m.Did, m.Name, m.Endpoint)).ToArray();
            await ExecuteAsync(c, tx, $"INSERT INTO bureau_epochs({EpochColumns}) VALUES(@b, @n, @m, @at)", ct,
                ("@b", id), ("@n", epoch.Number), ("@m", JsonOf(members)), ("@at", Time(epoch.OpenedAt))).ConfigureAwait(false);
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

    /// <summary>The bureau with its members; with <paramref name="forUpdate"/> its row is locked until <paramref name="tx"/> commits.</summary>
    private async Task<Bureau?> FindBureauAsync(DbConnection c, DbTransaction? tx, Guid id, bool forUpdate, CancellationToken ct)
    {
        var bureau = await FirstAsync(c, tx, $"SELECT {BureauColumns} FROM bureaus WHERE id=@i" + (forUpdate ? ForUpdate : ""), BureauRow, ct,
            ("@i", Id(id))).ConfigureAwait(false);
        return bureau is null ? null : bureau with
        {
            Members = await ListAsync(c, tx, "SELECT did, name, endpoint, state FROM bureau_members WHERE bureau_id=@b ORDER BY position", MemberRow, ct,
                ("@b", Id(id))).ConfigureAwait(false),
            Prospects = await ListAsync(c, tx, "SELECT entry_id, name, added_at FROM bureau_prospects WHERE bureau_id=@b ORDER BY position", ProspectRow, ct,
                ("@b", Id(id))).ConfigureAwait(false),
        };
    }

    /// <summary>The row mapper of <c>bureaus</c> (without members and prospects, which have rows of their own).</summary>
    private Func<Bureau> BureauRow(DbDataReader r)
    {
        int id = r.GetOrdinal("id"), name = r.GetOrdinal("name"), purpose = r.GetOrdinal("purpose"), founder = r.GetOrdinal("founder"),
            secretariat = r.GetOrdinal("secretariat"), rule = r.GetOrdinal("rule"), status = r.GetOrdinal("status"), epoch = r.GetOrdinal("epoch"),
            createdAt = r.GetOrdinal("created_at"), changedAt = r.GetOrdinal("changed_at");
        return () => new()
        {
            Id = ReadId(r, id),
            Name = r.GetString(name),
            Purpose = r.GetString(purpose),
            Founder = r.GetString(founder),
            Secretariat = r.GetString(secretariat),
            Rule = ReadinessRule.TryParse(r.GetString(rule), out var parsed) ? parsed : ReadinessRule.All,
            Status = (BureauStatus)r.GetInt32(status),
            Epoch = r.GetInt64(epoch),
            CreatedAt = ReadTime(r, createdAt),
            ChangedAt = ReadTime(r, changedAt),
        };
    }

    /// <summary>The row mapper of <c>bureau_members</c>.</summary>
    private static Func<BureauMember> MemberRow(DbDataReader r)
    {
        int did = r.GetOrdinal("did"), name = r.GetOrdinal("name"), endpoint = r.GetOrdinal("endpoint"), state = r.GetOrdinal("state");
        return () => new() { Did = r.GetString(did), Name = r.GetString(name), Endpoint = ReadStringOrNull(r, endpoint), State = (MemberState)r.GetInt32(state) };
    }

    /// <summary>The row mapper of <c>bureau_prospects</c>.</summary>
    private Func<BureauProspect> ProspectRow(DbDataReader r)
    {
        int entryId = r.GetOrdinal("entry_id"), name = r.GetOrdinal("name"), addedAt = r.GetOrdinal("added_at");
        return () => new() { EntryId = ReadId(r, entryId), Name = r.GetString(name), AddedAt = ReadTime(r, addedAt) };
    }

    private Task<BureauEpoch?> FindEpochAsync(DbConnection c, DbTransaction? tx, Guid bureauId, long number, CancellationToken ct) =>
        FirstAsync(c, tx, $"SELECT {EpochColumns} FROM bureau_epochs WHERE bureau_id=@b AND number=@n", EpochRow, ct, ("@b", Id(bureauId)), ("@n", number));

    /// <summary>The row mapper of <c>bureau_epochs</c>.</summary>
    private Func<BureauEpoch> EpochRow(DbDataReader r)
    {
        int bureauId = r.GetOrdinal("bureau_id"), number = r.GetOrdinal("number"), members = r.GetOrdinal("members"), openedAt = r.GetOrdinal("opened_at");
        return () => new()
        {
            BureauId = ReadId(r, bureauId),
            Number = r.GetInt64(number),
            Members = ReadJsonArray<EpochMemberRow>(r, members)
                .Select(m => new BureauMember { Did = m.Did, Name = m.Name, Endpoint = m.Endpoint, State = MemberState.Joined }).ToArray(),
            OpenedAt = ReadTime(r, openedAt),
        };
    }

    /// <summary>Every bureau with its members, and every epoch, for a snapshot of the register (in the snapshot's transaction).</summary>
    internal async Task<(List<Bureau> Bureaus, List<BureauEpoch> Epochs)> ReadBureausAsync(DbConnection c, DbTransaction tx, CancellationToken ct)
    {
        var bureaus = new List<Bureau>();
        foreach (var id in await ListAsync(c, tx, $"SELECT id FROM bureaus ORDER BY {FilingOrder}", BureauIdRow, ct).ConfigureAwait(false))
        {
            bureaus.Add((await FindBureauAsync(c, tx, id, forUpdate: false, ct).ConfigureAwait(false))!);
        }

        var epochs = await ListAsync(c, tx, $"SELECT {EpochColumns} FROM bureau_epochs ORDER BY {FilingOrder}", EpochRow, ct).ConfigureAwait(false);
        return (bureaus, epochs);
    }

    private Func<Guid> BureauIdRow(DbDataReader r)
    {
        int id = r.GetOrdinal("id");
        return () => ReadId(r, id);
    }

    /// <summary>Writes an imported register's bureaus and epochs (their entries are in the imported chain already).</summary>
    internal async Task ImportBureausAsync(DbConnection c, DbTransaction tx, RegisterSnapshot register, CancellationToken ct)
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
    public Task<Bureau?> GetBureauAsync(Guid id, CancellationToken ct = default) => ReadAsync(c => FindBureauAsync(c, null, id, forUpdate: false, ct), ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<Bureau>> ListBureausAsync(CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<Bureau>>(async c =>
        {
            var ids = await ListAsync(c, null, "SELECT id FROM bureaus ORDER BY changed_at DESC, id", BureauIdRow, ct).ConfigureAwait(false);
            var list = new List<Bureau>(ids.Count);
            foreach (var id in ids)
            {
                // A bureau is never deleted, so every id listed is found.
                list.Add((await FindBureauAsync(c, null, id, forUpdate: false, ct).ConfigureAwait(false))!);
            }

            return list;
        }, ct);

    /// <inheritdoc/>
    public Task<BureauEpoch?> GetBureauEpochAsync(Guid bureauId, long number, CancellationToken ct = default) =>
        ReadAsync(c => FindEpochAsync(c, null, bureauId, number, ct), ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<BureauEpoch>> ListBureauEpochsAsync(Guid bureauId, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<BureauEpoch>>(async c => await ListAsync(c, null,
            $"SELECT {EpochColumns} FROM bureau_epochs WHERE bureau_id=@b ORDER BY number", EpochRow, ct, ("@b", Id(bureauId))).ConfigureAwait(false), ct);

    /// <inheritdoc/>
    public Task<bool> OpenBureauIssueAsync(Issue issue, IssueEvent opening, IReadOnlyList<OutboxItem> outbox, CancellationToken ct = default) =>
        Store.IssuesRole.OpenAsync(issue, opening, outbox, ct);
}
