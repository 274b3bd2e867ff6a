namespace Telex.Core.Storage;

/// <summary>
/// Key rotation. A counterpart that rotates keeps its tie: the tie is found under its new DID, and every DID it held
/// before is an alias of it. <see cref="ITieStore.GetTieAsync"/> and <see cref="ITieStore.SaveTieAsync"/> resolve an alias to the tie
/// (the returned <see cref="Tie.PeerDid"/> is the current DID); <see cref="ITelegramStore.ReleaseAsync"/>,
/// <see cref="ITelegramStore.ReceivedSerialsAsync"/>, <see cref="ITelegramStore.OutboundIdsBySerialAsync"/>, <see cref="IOutboxStore.RequeueAsync"/> and a
/// <see cref="RegisterQuery.Counterpart"/> cover the tie under every DID it has held. Telegrams keep the counterpart
/// DID they were filed under (the register never changes).
/// </summary>
public interface IKeyStore
{
    /// <summary>
    /// Files this agency's own key rotation, its register entry and the outbox items announcing it, in one
    /// transaction. False, and nothing written, when a rotation from <see cref="KeyRotation.OldDid"/> is filed already.
    /// </summary>
    Task<bool> FileOwnRotationAsync(KeyRotation rotation, IReadOnlyList<OutboxItem> announcements, CancellationToken ct = default);

    /// <summary>
    /// Switches the tie held under <see cref="KeyRotation.OldDid"/> (its current DID) to <see cref="KeyRotation.NewDid"/>
    /// and <paramref name="endpoint"/>, in one transaction: the tie keeps its serial counter, terms, status and
    /// verification; the old DID (and every DID it had replaced) becomes an alias of the new one; outbox items addressed
    /// to the old DID are readdressed; the rotation enters the register's chain. False, and nothing written, when this
    /// rotation was filed already. Throws a <see cref="TelexException"/> of kind NotFound when no tie is held under the
    /// old DID, or Conflict when a tie or an alias exists under the new DID.
    /// </summary>
    Task<bool> RotateCounterpartAsync(KeyRotation rotation, string endpoint, CancellationToken ct = default);

    /// <summary>Every key rotation filed (own and counterparts'), oldest first.</summary>
    Task<IReadOnlyList<KeyRotation>> ListKeyRotationsAsync(CancellationToken ct = default);
}
