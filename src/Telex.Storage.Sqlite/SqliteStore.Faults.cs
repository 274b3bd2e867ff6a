using Microsoft.Data.Sqlite;

using Telex.Core.Storage;

namespace Telex.Storage.Sqlite;

/// <summary>The disk refusing writes: SQLite's own errors become the backend-neutral <see cref="StorageFullException"/>.</summary>
public sealed partial class SqliteStore
{
    /// <summary>SQLITE_IOERR: the operating system reported an error reading or writing (ENOSPC on some paths).</summary>
    private const int SqliteIoError = 10;

    /// <summary>SQLITE_FULL: a write could not complete because the disk is full.</summary>
    private const int SqliteFull = 13;

    /// <summary>The exception a caller receives for a failed write: a full disk (or an I/O error writing) as <see cref="StorageFullException"/>.</summary>
    private static Exception ForCaller(Exception e) => e switch
    {
        SqliteException { SqliteErrorCode: SqliteFull } s =>
            new StorageFullException($"the disk holding the agency's database is full; nothing of this write was kept ({s.Message})", s),
        SqliteException { SqliteErrorCode: SqliteIoError } s =>
            new StorageFullException($"the disk holding the agency's database refused a write; nothing of this write was kept ({s.Message})", s),
        _ => e,
    };
}
