using System.Collections.Concurrent;

using Microsoft.Data.Sqlite;

using Telex.Core.Storage;

namespace Telex.Storage.Sqlite;

/// <summary>
/// Group commit. SQLite has one writer and, with <c>synchronous=FULL</c>, every commit waits for the disk; so writes
/// queued while a commit is under way are run together in the next transaction, each inside its own savepoint: a
/// write that throws is rolled back alone and its caller gets the exception, the others commit. No caller hears of
/// success, or of its write's failure, before the transaction holding the group is committed: a write refused because
/// another of the group holds what it wanted (an idempotency key, say) is answered once that other write can be read. A write the disk refuses fails with
/// <see cref="StorageFullException"/>.
/// </summary>
/// <param name="open">Opens a connection to the database, set up as the store wants it.</param>
internal sealed class SqliteWriter(Func<CancellationToken, Task<DbConnection>> open) : IDisposable
{
    /// <summary>At most this many writes share one transaction, so one commit's wait stays bounded.</summary>
    private const int MaxGroup = 256;

    /// <summary>SQLITE_IOERR: the operating system reported an error reading or writing (ENOSPC on some paths).</summary>
    private const int SqliteIoError = 10;

    /// <summary>SQLITE_FULL: a write could not complete because the disk is full.</summary>
    private const int SqliteFull = 13;

    private readonly ConcurrentQueue<PendingWrite> _pending = new();
    private readonly SemaphoreSlim _writer = new(1, 1);

    /// <summary>Runs <paramref name="work"/> in the next group's transaction; returns once that transaction is committed.</summary>
    public async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var write = new PendingWrite<T>(work, ct);
        _pending.Enqueue(write);
        await CommitPendingAsync().ConfigureAwait(false);
        return await write.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// Becomes the committer if nobody is, and commits one group of queued writes. A committer that finds more queued
    /// when it is done hands them to a new one rather than keeping its own caller waiting.
    /// </summary>
    private async Task CommitPendingAsync()
    {
        try
        {
            if (_pending.IsEmpty || !_writer.Wait(0))
            {
                return;
            }
        }
        catch (ObjectDisposedException)
        {
            // The store was disposed: whatever is still queued fails rather than waiting forever.
            while (_pending.TryDequeue(out var orphan))
            {
                orphan.Fail(new ObjectDisposedException(nameof(SqliteStore)));
            }

            return;
        }

        try
        {
            var group = new List<PendingWrite>(Math.Min(_pending.Count, MaxGroup));
            while (group.Count < MaxGroup && _pending.TryDequeue(out var write))
            {
                group.Add(write);
            }

            await CommitGroupAsync(group).ConfigureAwait(false);
        }
        finally
        {
            _writer.Release();
        }

        if (!_pending.IsEmpty)
        {
            _ = Task.Run(CommitPendingAsync);
        }
    }

    private async Task CommitGroupAsync(List<PendingWrite> group)
    {
        var done = new List<PendingWrite>(group.Count);
        var failed = new List<(PendingWrite Write, Exception Error)>();
        try
        {
            await using var connection = await open(CancellationToken.None).ConfigureAwait(false);
            await using var tx = await connection.BeginTransactionAsync(CancellationToken.None).ConfigureAwait(false);
            bool single = group.Count == 1;
            foreach (var write in group)
            {
                if (write.Cancellation.IsCancellationRequested)
                {
                    write.Fail(new OperationCanceledException(write.Cancellation));
                    continue;
                }

                if (!single)
                {
                    tx.Save("w");
                }

                try
                {
                    await write.RunAsync(connection, tx).ConfigureAwait(false);
                    if (!single)
                    {
                        tx.Release("w");
                    }

                    done.Add(write);
                }
#pragma warning disable CA1031 // The exception belongs to the caller of that write, who receives it.
                catch (Exception e) when (!single)
#pragma warning restore CA1031
                {
                    tx.Rollback("w");
                    tx.Release("w");
                    failed.Add((write, ForCaller(e)));
                }
            }

            await tx.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failed transaction fails every write in it; each caller receives the exception.
        catch (Exception e)
#pragma warning restore CA1031
        {
            var failure = ForCaller(e);
            foreach (var (write, error) in failed)
            {
                write.Fail(error);
            }

            foreach (var write in group)
            {
                write.Fail(failure);
            }

            return;
        }

        foreach (var write in done)
        {
            write.Succeed();
        }

        foreach (var (write, error) in failed)
        {
            write.Fail(error);
        }
    }

    /// <summary>A queued write and the caller waiting for it.</summary>
    private abstract class PendingWrite(CancellationToken ct)
    {
        public CancellationToken Cancellation { get; } = ct;

        public abstract Task RunAsync(DbConnection connection, DbTransaction tx);

        public abstract void Succeed();

        public abstract void Fail(Exception e);
    }

    private sealed class PendingWrite<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct) : PendingWrite(ct)
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Task => _done.Task;

        public override async Task RunAsync(DbConnection connection, DbTransaction tx) =>
            _result = await work(connection, tx).ConfigureAwait(false);

        public override void Succeed() => _done.TrySetResult(_result);

        public override void Fail(Exception e) => _done.TrySetException(e);
    }

    /// <inheritdoc/>
    public void Dispose() => _writer.Dispose();

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
