using System.Globalization;

using Telex.Core;

namespace Telex.Storage.Relational;

/// <summary>Key rotations: this agency's own, and its counterparts', under which a tie is known by every DID it has held.</summary>
internal sealed class RelationalKeys(RelationalStore store) : RelationalRole(store), IKeyStore
{
    /// <summary>A counterpart's rotation: the tie, the aliases of its earlier DIDs and the outbox move to the new DID.</summary>
    private static readonly string[] RotationUpdates =
    [
        "UPDATE ties SET peer_did=@n, endpoint=@e WHERE peer_did=@o",
        "UPDATE key_rotations SET tie_did=@n WHERE NOT own AND tie_did=@o",
        "UPDATE outbox SET peer_did=@n, endpoint=@e WHERE peer_did=@o",
    ];

    /// <inheritdoc/>
    public Task<bool> FileOwnRotationAsync(KeyRotation rotation, IReadOnlyList<OutboxItem> announcements, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(rotation);
        ArgumentNullException.ThrowIfNull(announcements);
        if (!rotation.Own)
        {
            throw new ArgumentException("an own rotation must be marked own", nameof(rotation));
        }

        return WriteAsync(async (c, tx) =>
        {
            // Under the chain's lock (which the entry takes anyway): two nodes filing one rotation file it once.
            await LockChainAsync(c, tx, ct).ConfigureAwait(false);
            if (!await InsertRotationAsync(c, tx, rotation, tieDid: null, ct).ConfigureAwait(false))
            {
                return false;
            }

            foreach (var item in announcements)
            {
                await InsertOutboxAsync(c, tx, item, ct).ConfigureAwait(false);
            }

            return true;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<bool> RotateCounterpartAsync(KeyRotation rotation, string endpoint, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(rotation);
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        if (rotation.Own || rotation.OldDid == rotation.NewDid)
        {
            throw new ArgumentException("a counterpart's rotation names two different DIDs and is not own", nameof(rotation));
        }

        return WriteAsync(async (c, tx) =>
        {
            // Rotations are rare and change the key of a tie's row: they are filed one at a time across nodes, so a
            // repeated announcement given to two nodes at once is filed once and the other sees it filed.
            await LockChainAsync(c, tx, ct).ConfigureAwait(false);
            if (await ScalarAsync(c, tx, "SELECT new_did FROM key_rotations WHERE old_did=@o", ct, ("@o", rotation.OldDid)).ConfigureAwait(false) is string next)
            {
                return next == rotation.NewDid ? false
                    : throw new TelexException(TelexErrorKind.Conflict, "that DID has been rotated to another DID already");
            }

            if (await ScalarAsync(c, tx, "SELECT 1 FROM ties WHERE peer_did=@o" + ForUpdate, ct, ("@o", rotation.OldDid)).ConfigureAwait(false) is null)
            {
                throw new TelexException(TelexErrorKind.NotFound, "no tie is held under the old DID");
            }

            if (Convert.ToBoolean(await ScalarAsync(c, tx, """
                SELECT EXISTS(SELECT 1 FROM ties WHERE peer_did=@n) OR EXISTS(SELECT 1 FROM key_rotations WHERE old_did=@n)
                """, ct, ("@n", rotation.NewDid)).ConfigureAwait(false), CultureInfo.InvariantCulture))
            {
                throw new TelexException(TelexErrorKind.Conflict, "the new DID is known already");
            }

            foreach (string sql in RotationUpdates)
            {
                await ExecuteAsync(c, tx, sql, ct, ("@n", rotation.NewDid), ("@o", rotation.OldDid), ("@e", endpoint)).ConfigureAwait(false);
            }

            return await InsertRotationAsync(c, tx, rotation, rotation.NewDid, ct).ConfigureAwait(false);
        }, ct);
    }

    private async Task<bool> InsertRotationAsync(DbConnection c, DbTransaction tx, KeyRotation r, string? tieDid, CancellationToken ct)
    {
        if (await ExecuteAsync(c, tx, $"""
            INSERT INTO key_rotations(old_did, new_did, own, from_prior, at, tie_did, seq)
            VALUES(@o, @n, @own, @fp, @at, @t, {NextSeq("key_rotations")})
            ON CONFLICT(old_did) DO NOTHING
            """, ct, ("@o", r.OldDid), ("@n", r.NewDid), ("@own", Bool(r.Own)), ("@fp", r.FromPrior), ("@at", Time(r.At)), ("@t", tieDid))
            .ConfigureAwait(false) == 0)
        {
            return false;
        }

        await AppendEntryAsync(c, tx, RegisterKinds.KeyRotation, RegisterChain.KeyRotationReference(r.OldDid), RegisterChain.KeyRotationContent(r),
            keepContent: true, ct).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<KeyRotation>> ListKeyRotationsAsync(CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<KeyRotation>>(async c =>
            await ListAsync(c, null, "SELECT old_did, new_did, own, from_prior, at FROM key_rotations ORDER BY seq", RotationRow, ct).ConfigureAwait(false), ct);

    /// <summary>The row mapper of <c>key_rotations</c>.</summary>
    private Func<KeyRotation> RotationRow(DbDataReader r)
    {
        int oldDid = r.GetOrdinal("old_did"), newDid = r.GetOrdinal("new_did"), own = r.GetOrdinal("own"), fromPrior = r.GetOrdinal("from_prior"),
            at = r.GetOrdinal("at");
        return () => new(OldDid: r.GetString(oldDid), NewDid: r.GetString(newDid), FromPrior: r.GetString(fromPrior), At: ReadTime(r, at),
            Own: ReadBool(r, own));
    }
}
