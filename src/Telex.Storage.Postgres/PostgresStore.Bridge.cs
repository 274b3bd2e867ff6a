using System.Data.Common;

using Telex.Core.Model;
using Telex.Core.Storage;

namespace Telex.Storage.Postgres;

/// <summary>The steps of this engine's concerns that the relational store's concerns take in their transactions (see <c>RelationalStore.Bridge.cs</c>).</summary>
public sealed partial class PostgresStore
{
    /// <inheritdoc/>
    protected override string TieDidSql(string p) => CurrentDid(p);

    /// <inheritdoc/>
    protected override string TieDidsSql(string p) => DidsOfTie(p);

    /// <inheritdoc/>
    protected override Task ClaimRequestAsync(DbConnection c, DbTransaction tx, IdempotencyClaim? claim, CancellationToken ct) => ClaimAsync(c, tx, claim, ct);

    /// <inheritdoc/>
    protected override Task KeepReleasedAsync(DbConnection c, DbTransaction tx, IdempotencyClaim? claim, IReadOnlyList<TelegramRecord> released,
        CancellationToken ct) => KeepAnswerAsync(c, tx, claim, released, ct);

    /// <inheritdoc/>
    protected override Task QueueAsync(DbConnection c, DbTransaction tx, OutboxItem item, CancellationToken ct) => InsertOutboxAsync(c, tx, item, ct);

    /// <inheritdoc/>
    protected override Task<BureauOutcomes?> ReadOutcomesAsync(DbConnection c, DbTransaction? tx, Guid bureauId, CancellationToken ct) =>
        FindBureauOutcomesAsync(c, tx, bureauId, ct);

    /// <inheritdoc/>
    protected override Task<bool> StoreOutcomesAsync(DbConnection c, DbTransaction tx, BureauOutcomes outcomes, CancellationToken ct) =>
        WriteBureauOutcomesAsync(c, tx, outcomes, ct);
}
