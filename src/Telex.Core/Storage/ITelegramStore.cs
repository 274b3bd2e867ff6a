namespace Telex.Core.Storage;

/// <summary>Outcome of registering an inbound telegram.</summary>
/// <param name="Record">The register entry (the original one if it had arrived before).</param>
/// <param name="IsNew">False when the telegram had been registered before: nothing was written.</param>
public sealed record RegistrationResult(TelegramRecord Record, bool IsNew);

/// <summary>Telegrams: releasing them (each with its serial and outbox item), registering inbound ones exactly once, and what happens to them afterwards (receipts, reads).</summary>
public interface ITelegramStore
{
    /// <summary>
    /// Releases an outbound telegram: in one transaction takes the tie's next serial, calls
    /// <paramref name="build"/> with it to produce the register entry (whose serial it must carry) and files it
    /// with an outbox item. Nothing is written if <paramref name="build"/> throws. With a <paramref name="claim"/>, the
    /// client's request id is kept with it (see <see cref="IIdempotencyStore.FindIdempotentReleaseAsync"/>). Returns the entry.
    /// </summary>
    Task<TelegramRecord> ReleaseAsync(string peerDid, Func<long, (TelegramRecord Record, OutboxItem Outbox)> build, IdempotencyClaim? claim = null,
        CancellationToken ct = default);

    /// <summary>
    /// Releases one telegram to each of <paramref name="peerDids"/> in one transaction (all or none): for each, takes
    /// that tie's next serial, calls <paramref name="build"/> with the peer and the serial and files the telegram and
    /// its outbox item, as <see cref="ReleaseAsync"/> does for one. Nothing is written if <paramref name="build"/>
    /// throws or a tie is unknown. With a <paramref name="claim"/>, the client's request id is kept with them. Returns the
    /// telegrams in the order of <paramref name="peerDids"/>.
    /// </summary>
    Task<IReadOnlyList<TelegramRecord>> ReleaseFanOutAsync(IReadOnlyList<string> peerDids, Func<string, long, (TelegramRecord Record, OutboxItem Outbox)> build,
        IdempotencyClaim? claim = null, CancellationToken ct = default);

    /// <summary>
    /// Registers an inbound telegram exactly once (idempotent by id): in one transaction takes the agency's next
    /// registry number, calls <paramref name="build"/> with it and the receive time to produce the entry and files
    /// it. If a telegram with the same id is registered already, returns that entry
    /// and writes nothing.
    /// </summary>
    Task<RegistrationResult> RegisterInboundAsync(Guid telegramId, Func<long, DateTimeOffset, TelegramRecord> build, CancellationToken ct = default);

    /// <summary>Finds a register entry by telegram id and direction.</summary>
    Task<TelegramRecord?> GetTelegramAsync(Guid id, Direction direction, CancellationToken ct = default);

    /// <summary>Serials received from a counterpart (ascending), to find gaps.</summary>
    Task<IReadOnlyList<long>> ReceivedSerialsAsync(string peerDid, CancellationToken ct = default);

    /// <summary>Finds outbound telegrams to a counterpart by serial (for resend requests).</summary>
    Task<IReadOnlyList<Guid>> OutboundIdsBySerialAsync(string peerDid, IReadOnlyList<long> serials, CancellationToken ct = default);

    /// <summary>
    /// Records a verified receipt for an outbound telegram: status delivered, receipt kept, outbox item removed.
    /// False (and nothing changed) if the telegram is unknown or not outbound; true again for a repeated receipt.
    /// </summary>
    Task<bool> MarkDeliveredAsync(Guid telegramId, byte[] receipt, long peerRegistryNumber, DateTimeOffset at, CancellationToken ct = default);

    /// <summary>
    /// Keeps the signed receipt this agency sent for inbound telegrams, so a telegram that arrives again gets the
    /// same receipt again. Only entries without a receipt take it (the first receipt sent stays); returns how many did.
    /// </summary>
    Task<int> AttachReceiptAsync(IReadOnlyList<Guid> inboundIds, byte[] receipt, CancellationToken ct = default);

    /// <summary>Records that an inbound telegram was first opened (no change if already read).</summary>
    Task<bool> MarkReadAsync(Guid telegramId, DateTimeOffset at, CancellationToken ct = default);

    /// <summary>
    /// Records the counterpart's read receipt on an outbound telegram to it (first one only). False if the telegram is
    /// unknown, not outbound to <paramref name="counterpart"/>, or already marked read.
    /// </summary>
    Task<bool> MarkReadByCounterpartAsync(Guid telegramId, string counterpart, DateTimeOffset at, CancellationToken ct = default);
}
