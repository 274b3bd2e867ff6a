using System.Data.Common;
using System.Text.Json;

using Telex.Core.Model;

namespace Telex.Storage.Sqlite;

public sealed partial class SqliteStore
{
    private const string DirectoryColumns = "SELECT id, name, did, endpoint, known_ties, added_at, reviewed_at FROM directory";

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

            using var cmd = Command(c, tx, """
                INSERT INTO directory(id, name, did, endpoint, known_ties, added_at, reviewed_at)
                VALUES($id, $name, $did, $endpoint, $ties, $added, $reviewed)
                """,
                ("$id", entry.Id.ToString()), ("$name", entry.Name), ("$did", entry.Did), ("$endpoint", entry.Endpoint),
                ("$ties", JsonSerializer.Serialize(entry.KnownTies)), ("$added", entry.AddedAt.ToUnixTimeMilliseconds()),
                ("$reviewed", entry.ReviewedAt?.ToUnixTimeMilliseconds()));
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return true;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<DirectoryEntry?> GetDirectoryEntryAsync(Guid id, CancellationToken ct = default) =>
        ReadAsync(c => FindEntryAsync(c, "WHERE id=$k", id.ToString(), ct), ct);

    /// <inheritdoc/>
    public Task<DirectoryEntry?> FindDirectoryEntryAsync(string didOrName, CancellationToken ct = default) =>
        ReadAsync(async c => await FindEntryAsync(c, "WHERE did=$k", didOrName, ct).ConfigureAwait(false)
            ?? await FindEntryAsync(c, "WHERE name=$k", didOrName, ct).ConfigureAwait(false), ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<DirectoryEntry>> ListDirectoryAsync(CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<DirectoryEntry>>(async c =>
        {
            var entries = await ListByPositionAsync(c, null, DirectoryColumns + " ORDER BY name", ReadEntryRow, ct).ConfigureAwait(false);
            var notes = await ListByPositionAsync(c, null, "SELECT entry_id, at, officer, text FROM dossier_notes ORDER BY seq",
                r => (Id: r.GetString(0), Note: new DossierNote(Ms(r.GetInt64(1)), r.GetString(2), r.GetString(3))), ct).ConfigureAwait(false);
            var byEntry = notes.ToLookup(n => n.Id, n => n.Note, StringComparer.Ordinal);
            return entries.Select(e => e with { Notes = byEntry[e.Id.ToString()].ToList() }).ToList();
        }, ct);

    /// <inheritdoc/>
    public Task<bool> UpdateDirectoryEntryAsync(DirectoryEntry entry, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return WriteAsync(async (c, tx) =>
        {
            if (await NameOrDidTakenAsync(c, tx, entry, ct).ConfigureAwait(false))
            {
                return false;
            }

            using var cmd = Command(c, tx, "UPDATE directory SET name=$name, did=$did, endpoint=$endpoint, known_ties=$ties WHERE id=$id",
                ("$id", entry.Id.ToString()), ("$name", entry.Name), ("$did", entry.Did), ("$endpoint", entry.Endpoint),
                ("$ties", JsonSerializer.Serialize(entry.KnownTies)));
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<bool> AddDossierNoteAsync(Guid entryId, DossierNote note, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(note);
        return WriteAsync(async (c, tx) =>
        {
            using var cmd = Command(c, tx, """
                INSERT INTO dossier_notes(entry_id, at, officer, text) SELECT id, $at, $officer, $text FROM directory WHERE id=$id
                """,
                ("$id", entryId.ToString()), ("$at", note.At.ToUnixTimeMilliseconds()), ("$officer", note.Officer), ("$text", note.Text));
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<bool> MarkReviewedAsync(Guid entryId, DateTimeOffset at, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            using var cmd = Command(c, tx, "UPDATE directory SET reviewed_at=$at WHERE id=$id",
                ("$id", entryId.ToString()), ("$at", at.ToUnixTimeMilliseconds()));
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, ct);

    /// <inheritdoc/>
    public Task<bool> RemoveDirectoryEntryAsync(Guid entryId, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            using var notes = Command(c, tx, "DELETE FROM dossier_notes WHERE entry_id=$id", ("$id", entryId.ToString()));
            await notes.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            using var cmd = Command(c, tx, "DELETE FROM directory WHERE id=$id", ("$id", entryId.ToString()));
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, ct);

    private static async Task<bool> NameOrDidTakenAsync(DbConnection c, DbTransaction tx, DirectoryEntry entry, CancellationToken ct)
    {
        using var cmd = Command(c, tx, "SELECT COUNT(*) FROM directory WHERE id<>$id AND (name=$name OR (did IS NOT NULL AND did=$did))",
            ("$id", entry.Id.ToString()), ("$name", entry.Name), ("$did", entry.Did));
        return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))! > 0;
    }

    private static async Task<DirectoryEntry?> FindEntryAsync(DbConnection c, string where, string key, CancellationToken ct)
    {
        var rows = await ListByPositionAsync(c, null, DirectoryColumns + " " + where, ReadEntryRow, ct, ("$k", key))
            .ConfigureAwait(false);
        if (rows.Count == 0)
        {
            return null;
        }

        var notes = await ListByPositionAsync(c, null, "SELECT at, officer, text FROM dossier_notes WHERE entry_id=$id ORDER BY seq",
            r => new DossierNote(Ms(r.GetInt64(0)), r.GetString(1), r.GetString(2)), ct, ("$id", rows[0].Id.ToString())).ConfigureAwait(false);
        return rows[0] with { Notes = notes };
    }

    private static DirectoryEntry ReadEntryRow(DbDataReader r) => new()
    {
        Id = Guid.Parse(r.GetString(0)),
        Name = r.GetString(1),
        Did = Str(r, 2),
        Endpoint = Str(r, 3),
        KnownTies = JsonSerializer.Deserialize<string[]>(r.GetString(4)) ?? [],
        AddedAt = Ms(r.GetInt64(5)),
        ReviewedAt = r.IsDBNull(6) ? null : Ms(r.GetInt64(6)),
    };
}
