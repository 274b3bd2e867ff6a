using Telex.Core.Protocol;

namespace Telex.Storage.Relational;

/// <summary>The directory: agencies known by name before (or without) a tie, each with its dossier of notes.</summary>
internal sealed class RelationalDirectory(RelationalStore store) : RelationalRole(store), IDirectoryStore
{
    private const string DirectoryColumns = "SELECT id, name, did, endpoint, known_ties, added_at, reviewed_at, entered_by_officer FROM directory";

    /// <inheritdoc/>
    public Task<bool> AddDirectoryEntryAsync(DirectoryEntry entry, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return WriteAsync(async (c, tx) =>
        {
            if (await NameOrDidTakenAsync(c, tx, entry, ct).ConfigureAwait(false))
            {
                return false;
            }

            await ExecuteAsync(c, tx, """
                INSERT INTO directory(id, name, did, endpoint, known_ties, added_at, reviewed_at, entered_by_officer)
                VALUES(@id, @name, @did, @endpoint, @ties, @added, @reviewed, @officer)
                """, ct,
                ("@id", Id(entry.Id)), ("@name", entry.Name), ("@did", entry.Did), ("@endpoint", entry.Endpoint),
                ("@ties", JsonOf(entry.KnownTies)), ("@added", Time(entry.AddedAt)), ("@reviewed", Time(entry.ReviewedAt)),
                ("@officer", Bool(entry.EnteredByOfficer)))
                .ConfigureAwait(false);
            return true;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<DirectoryEntry?> GetDirectoryEntryAsync(Guid id, CancellationToken ct = default) =>
        ReadAsync(c => FindEntryAsync(c, "WHERE id=@k", Id(id), ct), ct);

    /// <inheritdoc/>
    public Task<DirectoryEntry?> FindDirectoryEntryAsync(string didOrName, CancellationToken ct = default) =>
        ReadAsync(async c => await FindEntryAsync(c, "WHERE did=@k", didOrName, ct).ConfigureAwait(false)
            ?? (PeerText.ReadsAsDid(didOrName) ? null : await FindEntryAsync(c, "WHERE lower(name)=lower(@k)", didOrName, ct).ConfigureAwait(false)), ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<DirectoryEntry>> ListDirectoryAsync(CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<DirectoryEntry>>(async c =>
        {
            // One snapshot, so the notes belong to the entries listed.
            await using var tx = await BeginSnapshotAsync(c, ct).ConfigureAwait(false);
            var entries = await ListAsync(c, tx, DirectoryColumns + " ORDER BY lower(name), name", DirectoryRow, ct).ConfigureAwait(false);
            var notes = await ListAsync(c, tx, "SELECT entry_id, at, officer, text FROM dossier_notes ORDER BY seq", NoteRow, ct).ConfigureAwait(false);
            var byEntry = notes.ToLookup(n => n.EntryId, n => n.Note);
            return entries.Select(e => e with { Notes = byEntry[e.Id].ToList() }).ToList();
        }, ct);

    /// <inheritdoc/>
    public Task<bool> UpdateDirectoryEntryAsync(DirectoryEntry entry, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return WriteAsync(async (c, tx) =>
            !await NameOrDidTakenAsync(c, tx, entry, ct).ConfigureAwait(false)
            && await ExecuteAsync(c, tx, """
                UPDATE directory SET name=@name, did=@did, endpoint=@endpoint, known_ties=@ties, entered_by_officer=@officer WHERE id=@id
                """, ct,
                ("@id", Id(entry.Id)), ("@name", entry.Name), ("@did", entry.Did), ("@endpoint", entry.Endpoint),
                ("@ties", JsonOf(entry.KnownTies)), ("@officer", Bool(entry.EnteredByOfficer))).ConfigureAwait(false) == 1, ct);
    }

    /// <inheritdoc/>
    public Task<bool> AddDossierNoteAsync(Guid entryId, DossierNote note, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(note);
        return WriteAsync(async (c, tx) => await ExecuteAsync(c, tx, """
            INSERT INTO dossier_notes(entry_id, at, officer, text) SELECT id, @at, @officer, @text FROM directory WHERE id=@id
            """, ct, ("@id", Id(entryId)), ("@at", Time(note.At)), ("@officer", note.Officer), ("@text", note.Text)).ConfigureAwait(false) == 1, ct);
    }

    /// <inheritdoc/>
    public Task<bool> MarkReviewedAsync(Guid entryId, DateTimeOffset at, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) => await ExecuteAsync(c, tx, "UPDATE directory SET reviewed_at=@at WHERE id=@id", ct,
            ("@id", Id(entryId)), ("@at", Time(at))).ConfigureAwait(false) == 1, ct);

    /// <inheritdoc/>
    public Task<bool> RemoveDirectoryEntryAsync(Guid entryId, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            await ExecuteAsync(c, tx, "DELETE FROM dossier_notes WHERE entry_id=@id", ct, ("@id", Id(entryId))).ConfigureAwait(false);
            return await ExecuteAsync(c, tx, "DELETE FROM directory WHERE id=@id", ct, ("@id", Id(entryId))).ConfigureAwait(false) == 1;
        }, ct);

    /// <summary>
    /// Whether another entry holds the name (whatever its case) or the DID. Taken under a lock held until commit, so two
    /// nodes adding one name at once do not both find it free.
    /// </summary>
    private async Task<bool> NameOrDidTakenAsync(DbConnection c, DbTransaction tx, DirectoryEntry entry, CancellationToken ct)
    {
        await LockAsync(c, tx, "directory", ct).ConfigureAwait(false);
        return await LongAsync(c, tx, "SELECT COUNT(*) FROM directory WHERE id<>@id AND (lower(name)=lower(@name) OR (did IS NOT NULL AND did=@did))", ct,
            ("@id", Id(entry.Id)), ("@name", entry.Name), ("@did", entry.Did)).ConfigureAwait(false) > 0;
    }

    private async Task<DirectoryEntry?> FindEntryAsync(DbConnection c, string where, object key, CancellationToken ct)
    {
        var entry = await FirstAsync(c, null, DirectoryColumns + " " + where, DirectoryRow, ct, ("@k", key)).ConfigureAwait(false);
        if (entry is null)
        {
            return null;
        }

        var notes = await ListAsync(c, null, "SELECT entry_id, at, officer, text FROM dossier_notes WHERE entry_id=@id ORDER BY seq", NoteRow, ct,
            ("@id", Id(entry.Id))).ConfigureAwait(false);
        return entry with { Notes = [.. notes.Select(n => n.Note)] };
    }

    /// <summary>The row mapper of <c>directory</c>.</summary>
    private Func<DirectoryEntry> DirectoryRow(DbDataReader r)
    {
        int id = r.GetOrdinal("id"), name = r.GetOrdinal("name"), did = r.GetOrdinal("did"), endpoint = r.GetOrdinal("endpoint"),
            knownTies = r.GetOrdinal("known_ties"), addedAt = r.GetOrdinal("added_at"), reviewedAt = r.GetOrdinal("reviewed_at"),
            enteredByOfficer = r.GetOrdinal("entered_by_officer");
        return () => new()
        {
            Id = ReadId(r, id),
            Name = r.GetString(name),
            Did = ReadStringOrNull(r, did),
            Endpoint = ReadStringOrNull(r, endpoint),
            KnownTies = ReadJsonArray<string>(r, knownTies),
            AddedAt = ReadTime(r, addedAt),
            ReviewedAt = ReadTimeOrNull(r, reviewedAt),
            EnteredByOfficer = ReadBool(r, enteredByOfficer),
        };
    }

    /// <summary>The row mapper of <c>dossier_notes</c>.</summary>
    private Func<(Guid EntryId, DossierNote Note)> NoteRow(DbDataReader r)
    {
        int entryId = r.GetOrdinal("entry_id"), at = r.GetOrdinal("at"), officer = r.GetOrdinal("officer"), text = r.GetOrdinal("text");
        return () => (ReadId(r, entryId), new DossierNote(ReadTime(r, at), r.GetString(officer), r.GetString(text)));
    }
}
