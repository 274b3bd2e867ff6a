using System.Data.Common;

using Telex.Core.Model;
using Telex.Core.Storage;

namespace Telex.Storage.Relational;

/// <summary>
/// The steps of concerns whose SQL the engines still hold (keys, idempotency, the outbox, bureau outcomes) that the
/// concerns here take inside their own transactions. Each engine forwards them to its own statements; they go once
/// those concerns move here too.
/// </summary>
public abstract partial class RelationalStore
{
    /// <summary>SQL for the tie's current DID given any DID it has held, named by the parameter <paramref name="p"/>.</summary>
    protected abstract string TieDidSql(string p);

    /// <summary>SQL for the set of every DID the tie named by the parameter <paramref name="p"/> has held.</summary>
    protected abstract string TieDidsSql(string p);

    /// <summary>Claims a client's request id in <paramref name="tx"/>; throws <see cref="IdempotencyKeyTakenException"/> if it is held.</summary>
    protected abstract Task ClaimRequestAsync(DbConnection c, DbTransaction tx, IdempotencyClaim? claim, CancellationToken ct);

    /// <summary>Keeps, with the claimed request id, the telegrams a release filed and the answer made from them.</summary>
    protected abstract Task KeepReleasedAsync(DbConnection c, DbTransaction tx, IdempotencyClaim? claim, IReadOnlyList<TelegramRecord> released,
        CancellationToken ct);

    /// <summary>Queues <paramref name="item"/> in the outbox, in <paramref name="tx"/>.</summary>
    protected abstract Task QueueAsync(DbConnection c, DbTransaction tx, OutboxItem item, CancellationToken ct);

    /// <summary>The outcomes a bureau has settled, read in <paramref name="tx"/>.</summary>
    protected abstract Task<BureauOutcomes?> ReadOutcomesAsync(DbConnection c, DbTransaction? tx, Guid bureauId, CancellationToken ct);

    /// <summary>Writes a bureau's outcomes in <paramref name="tx"/>; false if they are not newer than those kept.</summary>
    protected abstract Task<bool> StoreOutcomesAsync(DbConnection c, DbTransaction tx, BureauOutcomes outcomes, CancellationToken ct);
}
