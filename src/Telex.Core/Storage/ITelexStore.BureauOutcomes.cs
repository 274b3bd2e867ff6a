using Telex.Core.Model;

namespace Telex.Core.Storage;

public partial interface ITelexStore
{
    /// <summary>The outcomes a bureau's issues are named by, as held here; null when none were set (the default applies).</summary>
    Task<BureauOutcomes?> GetBureauOutcomesAsync(Guid bureauId, CancellationToken ct = default);

    /// <summary>
    /// Keeps a bureau's outcomes when their version is higher than the one held (or none is held), with the outbox
    /// items that carry them to the members, in one transaction. False, and nothing written, when the bureau is unknown
    /// or a version as high or higher is held.
    /// </summary>
    Task<bool> SetBureauOutcomesAsync(BureauOutcomes outcomes, IReadOnlyList<OutboxItem> outbox, CancellationToken ct = default);
}
