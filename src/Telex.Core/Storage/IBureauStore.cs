namespace Telex.Core.Storage;

/// <summary>
/// Bureaus: their charters, members and epochs, bulletins fanned out to every member, and issues shared by a bureau's
/// members. Every write is one method running in one transaction, with its entries in the register's chain (kind
/// <see cref="Register.RegisterKinds.Bureau"/>) and the outbox items that carry it to the other members.
/// </summary>
public interface IBureauStore
{
    /// <summary>
    /// Files a new bureau (proposed here, or its charter received from the founder) with its members, its register
    /// entries and its outbox items, in one transaction. False, and nothing written, if a bureau with that id exists.
    /// </summary>
    Task<bool> CreateBureauAsync(BureauChange change, CancellationToken ct = default);

    /// <summary>
    /// Changes a bureau: in one transaction reads it (members included), calls <paramref name="change"/> with it, its
    /// current epoch (null before the first) and the outcomes held for it (null when none were set) and writes the
    /// bureau and its members as they become, the epoch it opens or receives, the register entries, the outbox items
    /// and the outcomes it sets (kept when of a higher version than those held). Changes of one bureau are made one at
    /// a time, so what <paramref name="change"/> reads is what the others left. <paramref name="change"/> returns null
    /// to change nothing. Null if the bureau is unknown; nothing is written if <paramref name="change"/> throws or an
    /// epoch with that number is filed already.
    /// </summary>
    Task<Bureau?> ChangeBureauAsync(Guid id, Func<Bureau, BureauEpoch?, BureauOutcomes?, BureauChange?> change, CancellationToken ct = default);

    /// <summary>
    /// <see cref="ChangeBureauAsync(Guid, Func{Bureau, BureauEpoch?, BureauOutcomes?, BureauChange?}, CancellationToken)"/>
    /// for a change that does not depend on the bureau's outcomes.
    /// </summary>
    Task<Bureau?> ChangeBureauAsync(Guid id, Func<Bureau, BureauEpoch?, BureauChange?> change, CancellationToken ct = default) =>
        ChangeBureauAsync(id, (bureau, epoch, _) => change(bureau, epoch), ct);

    /// <summary>Finds a bureau with its members.</summary>
    Task<Bureau?> GetBureauAsync(Guid id, CancellationToken ct = default);

    /// <summary>Every bureau, most recently changed first.</summary>
    Task<IReadOnlyList<Bureau>> ListBureausAsync(CancellationToken ct = default);

    /// <summary>One epoch of a bureau, or null.</summary>
    Task<BureauEpoch?> GetBureauEpochAsync(Guid bureauId, long number, CancellationToken ct = default);

    /// <summary>Every epoch of a bureau held here, by number.</summary>
    Task<IReadOnlyList<BureauEpoch>> ListBureauEpochsAsync(Guid bureauId, CancellationToken ct = default);

    /// <summary>
    /// Files a new issue of a bureau with its opening event and the outbox items announcing it to the other members, in
    /// one transaction. False, and nothing written, if an issue with that id, or an event with the opening's id, exists
    /// already (a peer chooses both).
    /// </summary>
    Task<bool> OpenBureauIssueAsync(Issue issue, IssueEvent opening, IReadOnlyList<OutboxItem> outbox, CancellationToken ct = default);

    /// <summary>The outcomes a bureau's issues are named by, as held here; null when none were set (the default applies).</summary>
    Task<BureauOutcomes?> GetBureauOutcomesAsync(Guid bureauId, CancellationToken ct = default);

    /// <summary>
    /// Keeps a bureau's outcomes when their version is higher than the one held (or none is held), with the outbox
    /// items that carry them to the members, in one transaction. False, and nothing written, when the bureau is unknown
    /// or a version as high or higher is held.
    /// </summary>
    Task<bool> SetBureauOutcomesAsync(BureauOutcomes outcomes, IReadOnlyList<OutboxItem> outbox, CancellationToken ct = default);
}
