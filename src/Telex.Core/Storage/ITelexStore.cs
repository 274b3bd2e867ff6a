using Telex.Core.Model;
using Telex.Core.Register;

namespace Telex.Core.Storage;

/// <summary>Query over the register.</summary>
public sealed record RegisterQuery
{
    /// <summary>Full-text query over subject, body, attendees and on-behalf-of; null for none.</summary>
    public string? Text { get; init; }

    /// <summary>Only this counterpart.</summary>
    public string? Counterpart { get; init; }

    /// <summary>Only this issue.</summary>
    public string? IssueId { get; init; }

    /// <summary>Only this precedence.</summary>
    public Precedence? Precedence { get; init; }

    /// <summary>Only this status.</summary>
    public TelegramStatus? Status { get; init; }

    /// <summary>Only this direction.</summary>
    public Direction? Direction { get; init; }

    /// <summary>Registered at or after.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Registered before.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Most rows returned. Default 100, at most 1,000.</summary>
    public int Limit { get; init; } = 100;

    /// <summary>Rows to skip (paging). Default 0.</summary>
    public int Offset { get; init; }

    /// <summary>
    /// Whether imported history (historical cables filed by import, never traffic) is listed: not at all (the default),
    /// after the traffic, or alone. An imported cable has no counterpart, issue, precedence, status or direction of traffic,
    /// so a query filtering on any of these finds none; <see cref="From"/> and <see cref="Until"/> apply to its own date and
    /// <see cref="Text"/> to its text and signer. Listed newest first, after every telegram.
    /// </summary>
    public ImportedScope Imported { get; init; }

    /// <summary>True when imported cables can match this query.</summary>
    public bool MatchesImported => Imported != ImportedScope.Excluded
        && Counterpart is null && IssueId is null && Precedence is null && Status is null && Direction is null;
}

/// <summary>Whether a register query lists imported history.</summary>
public enum ImportedScope
{
    /// <summary>Traffic only.</summary>
    Excluded,

    /// <summary>Traffic, then imported history.</summary>
    Included,

    /// <summary>Imported history only.</summary>
    Only,
}

/// <summary>Outcome of registering an inbound telegram.</summary>
/// <param name="Record">The register entry (the original one if it had arrived before).</param>
/// <param name="IsNew">False when the telegram had been registered before: nothing was written.</param>
public sealed record RegistrationResult(TelegramRecord Record, bool IsNew);

/// <summary>
/// Everything an agency keeps. One interface, several backends (SQLite embedded, PostgreSQL for scale), each
/// passing the same compliance suite. Every method is atomic: it either completes or changes nothing.
/// Implementations are thread-safe and may be shared by several agency nodes (the outbox is claimed).
/// </summary>
public partial interface ITelexStore : IAsyncDisposable
{
    /// <summary>Creates or upgrades the schema. Safe to call at every start and from several nodes.</summary>
    Task MigrateAsync(CancellationToken ct = default);

    /// <summary>Reads an agency setting.</summary>
    Task<string?> GetSettingAsync(string key, CancellationToken ct = default);

    /// <summary>Writes an agency setting.</summary>
    Task SetSettingAsync(string key, string value, CancellationToken ct = default);

    /// <summary>Every setting whose key starts with <paramref name="prefix"/> (compared ordinally), ordered by key.</summary>
    Task<IReadOnlyList<KeyValuePair<string, string>>> ListSettingsAsync(string prefix, CancellationToken ct = default);

    /// <summary>Adds an officer, as given, without a chain entry (the first admin, a copy to another backend); false if the name is taken.</summary>
    Task<bool> AddOfficerAsync(Officer officer, CancellationToken ct = default);

    /// <summary>Finds an officer by name.</summary>
    Task<Officer?> FindOfficerAsync(string name, CancellationToken ct = default);

    /// <summary>
    /// Replaces an officer's password hash, must-change flag, failure count and lockout (by name). The role and whether
    /// the officer is disabled are changed only by <see cref="AdministerOfficerAsync"/>, which files the change.
    /// </summary>
    Task UpdateOfficerAsync(Officer officer, CancellationToken ct = default);

    /// <summary>All officers by name.</summary>
    Task<IReadOnlyList<Officer>> ListOfficersAsync(CancellationToken ct = default);

    /// <summary>Stores a token.</summary>
    Task AddTokenAsync(ApiToken token, CancellationToken ct = default);

    /// <summary>Finds an unexpired token by its hash.</summary>
    Task<ApiToken?> FindTokenAsync(string tokenHash, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Revokes a token (sign-out) on every node sharing the store; false if it was not there.</summary>
    Task<bool> RevokeTokenAsync(string tokenHash, CancellationToken ct = default);

    /// <summary>
    /// Revokes every token of <paramref name="officerName"/> but <paramref name="keptTokenHash"/> (none kept when null), on
    /// every node sharing the store: after a password change, no session opened with the old password lives on. Returns
    /// how many were revoked.
    /// </summary>
    Task<int> RevokeOfficerTokensAsync(string officerName, string? keptTokenHash, CancellationToken ct = default);

    /// <summary>Stores an invitation.</summary>
    Task AddInvitationAsync(Invitation invitation, CancellationToken ct = default);

    /// <summary>
    /// Consumes an invitation: returns it and marks it used, atomically, if it exists, its secret's hash is
    /// <paramref name="secretHash"/>, and it is unused and unexpired at <paramref name="now"/>; otherwise null and nothing
    /// changes (a wrong secret leaves the invitation usable). A second call for the same id returns null.
    /// </summary>
    Task<Invitation?> ConsumeInvitationAsync(string id, string secretHash, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Finds the tie with a counterpart.</summary>
    Task<Tie?> GetTieAsync(string peerDid, CancellationToken ct = default);

    /// <summary>All known counterparts.</summary>
    Task<IReadOnlyList<Tie>> ListTiesAsync(CancellationToken ct = default);

    /// <summary>Adds or replaces a tie (by peer DID). The serial counter is not changed by this call for an existing tie.</summary>
    Task SaveTieAsync(Tie tie, CancellationToken ct = default);

    /// <summary>
    /// Removes the tie with <paramref name="peerDid"/> if it is <see cref="TieStatus.Invited"/> and has never carried a
    /// telegram (serial counter 0): an invitation this agency tried to accept and the inviter refused. False, and nothing
    /// changed, for any other tie.
    /// </summary>
    Task<bool> ForgetInvitedTieAsync(string peerDid, CancellationToken ct = default);

    /// <summary>
    /// Releases an outbound telegram: in one transaction takes the tie's next serial, calls
    /// <paramref name="build"/> with it to produce the register entry (whose serial it must carry) and files it
    /// with an outbox item. Nothing is written if <paramref name="build"/> throws. With a <paramref name="claim"/>, the
    /// client's request id is kept with it (see <see cref="FindIdempotentReleaseAsync"/>). Returns the entry.
    /// </summary>
    Task<TelegramRecord> ReleaseAsync(string peerDid, Func<long, (TelegramRecord Record, OutboxItem Outbox)> build, IdempotencyClaim? claim = null,
        CancellationToken ct = default);

    /// <summary>
    /// Registers an inbound telegram exactly once (idempotent by id): in one transaction takes the agency's next
    /// registry number, calls <paramref name="build"/> with it and the receive time to produce the entry and files
    /// it. If a telegram with the same id is registered already, returns that entry
    /// and writes nothing.
    /// </summary>
    Task<RegistrationResult> RegisterInboundAsync(Guid telegramId, Func<long, DateTimeOffset, TelegramRecord> build, CancellationToken ct = default);

    /// <summary>Finds a register entry by telegram id and direction.</summary>
    Task<TelegramRecord?> GetTelegramAsync(Guid id, Direction direction, CancellationToken ct = default);

    /// <summary>Finds a register entry by registry number.</summary>
    Task<TelegramRecord?> GetByRegistryNumberAsync(long registryNumber, CancellationToken ct = default);

    /// <summary>
    /// Lists or searches the register, newest first; with <see cref="RegisterQuery.Imported"/>, imported cables follow
    /// the traffic as entries of their own (<see cref="ImportedCable.AsRegisterEntry"/>).
    /// </summary>
    Task<IReadOnlyList<TelegramRecord>> QueryAsync(RegisterQuery query, CancellationToken ct = default);

    /// <summary>Counts the entries a query matches (ignoring its limit and offset), imported cables included as the query says.</summary>
    Task<long> CountAsync(RegisterQuery query, CancellationToken ct = default);

    /// <summary>Serials received from a counterpart (ascending), to find gaps.</summary>
    Task<IReadOnlyList<long>> ReceivedSerialsAsync(string peerDid, CancellationToken ct = default);

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

    /// <summary>Adds an outbox item (for messages other than telegrams).</summary>
    Task EnqueueAsync(OutboxItem item, CancellationToken ct = default);

    /// <summary>
    /// Claims up to <paramref name="limit"/> due items for <paramref name="lease"/>, highest precedence and
    /// oldest first, so that no other node claims them meanwhile.
    /// </summary>
    Task<IReadOnlyList<OutboxItem>> ClaimDueAsync(DateTimeOffset now, int limit, TimeSpan lease, string node, CancellationToken ct = default);

    /// <summary>
    /// After an attempt: for a message accepted by the next hop, removes it; for a telegram accepted, marks it sent
    /// (only if still queued) and reschedules a check at <paramref name="nextDue"/>; for a failed attempt,
    /// reschedules at <paramref name="nextDue"/> and counts the attempt. Releases the claim. If the item is gone
    /// (a receipt arrived meanwhile), changes nothing.
    /// </summary>
    Task CompleteAttemptAsync(OutboxItem item, bool accepted, DateTimeOffset nextDue, CancellationToken ct = default);

    /// <summary>
    /// Releases every claim held by <paramref name="node"/>: called when a node starts, since claims it holds are
    /// left over from its previous run.
    /// </summary>
    Task ReleaseClaimsAsync(string node, CancellationToken ct = default);

    /// <summary>Marks an outbox item failed for good (expired): the telegram's status becomes failed with the reason.</summary>
    Task FailAsync(OutboxItem item, string reason, CancellationToken ct = default);

    /// <summary>Outbox depth per counterpart (for metrics and status).</summary>
    Task<IReadOnlyDictionary<string, int>> OutboxDepthAsync(CancellationToken ct = default);

    /// <summary>
    /// Makes a telegram due now again (a counterpart asked for it after detecting a gap); one due earlier keeps its
    /// place, so repeated requests never push it behind later work. False if unknown, not outbound to that counterpart,
    /// or already failed.
    /// </summary>
    Task<bool> RequeueAsync(Guid telegramId, string peerDid, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Finds outbound telegrams to a counterpart by serial (for resend requests).</summary>
    Task<IReadOnlyList<Guid>> OutboundIdsBySerialAsync(string peerDid, IReadOnlyList<long> serials, CancellationToken ct = default);

    /// <summary>The register chain's count and head hash.</summary>
    Task<RegisterHead> GetRegisterHeadAsync(CancellationToken ct = default);

    /// <summary>
    /// Reads the whole register (chain entries in order, telegrams, imported cables, checkpoints, issues and their
    /// events, drafts and the clearance log) as one consistent snapshot, for verification and export.
    /// </summary>
    Task<RegisterSnapshot> ReadRegisterAsync(CancellationToken ct = default);

    /// <summary>
    /// Files an imported historical cable and its chain entry in one transaction and returns the entry. Throws a
    /// <see cref="TelexException"/> of kind Conflict (and writes nothing) if an imported cable already holds its registry
    /// number: imported numbers are unique among imported cables (they never meet the agency's own counter).
    /// </summary>
    Task<RegisterEntry> ImportCableAsync(ImportedCable cable, CancellationToken ct = default);

    /// <summary>Finds an imported cable by its id.</summary>
    Task<ImportedCable?> GetImportedCableAsync(Guid id, CancellationToken ct = default);

    /// <summary>Finds an imported cable by the registry number it was imported with (the first imported if several hold it).</summary>
    Task<ImportedCable?> GetImportedCableByNumberAsync(long registryNumber, CancellationToken ct = default);

    /// <summary>Stores a signed checkpoint (this agency's or a counterpart's); false, and nothing written, if it is stored already.</summary>
    Task<bool> AddCheckpointAsync(Checkpoint checkpoint, CancellationToken ct = default);

    /// <summary>Checkpoints signed by <paramref name="agencyDid"/> (all when null), oldest first.</summary>
    Task<IReadOnlyList<Checkpoint>> ListCheckpointsAsync(string? agencyDid = null, CancellationToken ct = default);

    /// <summary>
    /// Fills an empty register from another agency's export in one transaction: entries, telegrams, cables,
    /// checkpoints, issues with their events, and drafts with their clearance log rows (each in its place) exactly as
    /// given, the registry counter set past the highest number. Throws a
    /// <see cref="TelexException"/> of kind Conflict (and writes nothing) if the register holds anything already.
    /// </summary>
    Task ImportRegisterAsync(RegisterSnapshot snapshot, CancellationToken ct = default);
}
