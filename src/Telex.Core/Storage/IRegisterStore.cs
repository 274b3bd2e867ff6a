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

/// <summary>The register: its entries and their chain, imported history and checkpoints.</summary>
public interface IRegisterStore
{
    /// <summary>Finds a register entry by registry number.</summary>
    Task<TelegramRecord?> GetByRegistryNumberAsync(long registryNumber, CancellationToken ct = default);

    /// <summary>
    /// Lists or searches the register, newest first; with <see cref="RegisterQuery.Imported"/>, imported cables follow
    /// the traffic as entries of their own (<see cref="ImportedCable.AsRegisterEntry"/>).
    /// </summary>
    Task<IReadOnlyList<TelegramRecord>> QueryAsync(RegisterQuery query, CancellationToken ct = default);

    /// <summary>Counts the entries a query matches (ignoring its limit and offset), imported cables included as the query says.</summary>
    Task<long> CountAsync(RegisterQuery query, CancellationToken ct = default);

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
