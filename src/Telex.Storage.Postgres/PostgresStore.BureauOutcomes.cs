using System.Data.Common;

using Telex.Core.Model;

namespace Telex.Storage.Postgres;

public sealed partial class PostgresStore
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

    private static async Task<BureauOutcomes?> FindBureauOutcomesAsync(DbConnection c, DbTransaction? tx, Guid bureauId, CancellationToken ct)
    {
        using var cmd = Command(c, tx, "SELECT version, terms FROM bureau_outcomes WHERE bureau_id=@b", ("@b", bureauId.ToString()));
        using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await r.ReadAsync(ct).ConfigureAwait(false)
            ? new BureauOutcomes(bureauId, r.GetInt64(0), OutcomeVocabulary.Parse(r.GetString(1)))
            : null;
    }

    /// <summary>Keeps a bureau's outcomes when the bureau is known and their version is higher than the one held.</summary>
    private static async Task<bool> WriteBureauOutcomesAsync(DbConnection c, DbTransaction tx, BureauOutcomes outcomes, CancellationToken ct)
    {
        using var upsert = Command(c, tx, """
            INSERT INTO bureau_outcomes(bureau_id, version, terms)
            SELECT @b, @v, @t WHERE EXISTS(SELECT 1 FROM bureaus WHERE id=@b)
            ON CONFLICT(bureau_id) DO UPDATE SET version=excluded.version, terms=excluded.terms WHERE excluded.version > bureau_outcomes.version
            """,
            ("@b", outcomes.BureauId.ToString()), ("@v", outcomes.Version), ("@t", OutcomeVocabulary.Write(outcomes.Terms)));
        return await upsert.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
    }
}
