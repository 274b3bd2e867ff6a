namespace Telex.Storage.Relational;

/// <summary>A bureau's outcome vocabulary: kept when the bureau is known and the version is newer than the one held.</summary>
public abstract partial class RelationalStore
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
    protected Task<BureauOutcomes?> FindBureauOutcomesAsync(DbConnection c, DbTransaction? tx, Guid bureauId, CancellationToken ct) =>
        FirstAsync(c, tx, "SELECT bureau_id, version, terms FROM bureau_outcomes WHERE bureau_id=@b", BureauOutcomesRow, ct, ("@b", Id(bureauId)));

    /// <summary>The row mapper of <c>bureau_outcomes</c>.</summary>
    private Func<BureauOutcomes> BureauOutcomesRow(DbDataReader r)
    {
        int bureauId = r.GetOrdinal("bureau_id"), version = r.GetOrdinal("version"), terms = r.GetOrdinal("terms");
        return () => new BureauOutcomes(ReadId(r, bureauId), r.GetInt64(version), OutcomeVocabulary.Parse(ReadJson(r, terms)));
    }

    /// <summary>Keeps a bureau's outcomes when the bureau is known and their version is higher than the one held.</summary>
    protected async Task<bool> WriteBureauOutcomesAsync(DbConnection c, DbTransaction tx, BureauOutcomes outcomes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        return await ExecuteAsync(c, tx, """
            INSERT INTO bureau_outcomes(bureau_id, version, terms)
            SELECT @b, @v, @t WHERE EXISTS(SELECT 1 FROM bureaus WHERE id=@b)
            ON CONFLICT(bureau_id) DO UPDATE SET version=excluded.version, terms=excluded.terms WHERE excluded.version > bureau_outcomes.version
            """, ct, ("@b", Id(outcomes.BureauId)), ("@v", outcomes.Version), ("@t", Json(OutcomeVocabulary.Write(outcomes.Terms)))).ConfigureAwait(false) > 0;
    }
}
