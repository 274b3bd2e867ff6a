namespace Telex.Core.Storage;

/// <summary>The directory: agencies this one knows of, with their dossiers.</summary>
public interface IDirectoryStore
{
    /// <summary>
    /// Adds a directory entry. False, and nothing written, when another entry has its name (ignoring case) or DID.
    /// Its notes are not stored by this call.
    /// </summary>
    Task<bool> AddDirectoryEntryAsync(DirectoryEntry entry, CancellationToken ct = default);

    /// <summary>Finds an entry by its id (with its notes).</summary>
    Task<DirectoryEntry?> GetDirectoryEntryAsync(Guid id, CancellationToken ct = default);

    /// <summary>
    /// Finds the entry whose DID is <paramref name="didOrName"/>, else whose name is it (ignoring case) unless it reads as a
    /// DID (<see cref="Protocol.PeerText.ReadsAsDid"/>): a key that reads as a DID is never matched by name.
    /// </summary>
    Task<DirectoryEntry?> FindDirectoryEntryAsync(string didOrName, CancellationToken ct = default);

    /// <summary>Every entry with its notes, by name.</summary>
    Task<IReadOnlyList<DirectoryEntry>> ListDirectoryAsync(CancellationToken ct = default);

    /// <summary>
    /// Replaces an entry's name, DID, endpoint and known ties (by id; notes and review time are kept). False, and nothing
    /// written, when the entry is gone or another entry has the new name or DID.
    /// </summary>
    Task<bool> UpdateDirectoryEntryAsync(DirectoryEntry entry, CancellationToken ct = default);

    /// <summary>Adds a note to an entry's dossier. False, and nothing written, when the entry is gone.</summary>
    Task<bool> AddDossierNoteAsync(Guid entryId, DossierNote note, CancellationToken ct = default);

    /// <summary>Records that the dossier was reviewed at <paramref name="at"/>. False when the entry is gone.</summary>
    Task<bool> MarkReviewedAsync(Guid entryId, DateTimeOffset at, CancellationToken ct = default);

    /// <summary>Removes an entry and its notes. False when it was not there.</summary>
    Task<bool> RemoveDirectoryEntryAsync(Guid entryId, CancellationToken ct = default);
}
