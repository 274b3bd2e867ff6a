using System.Data.Common;

using Telex.Core;
using Telex.Core.Model;
using Telex.Core.Register;

namespace Telex.Storage.Sqlite;

public sealed partial class SqliteStore
{
    /// <summary>A counterpart's rotation: the tie, the aliases of its earlier DIDs and the outbox move to the new DID.</summary>
    private static readonly string[] RotationUpdates =
    [
        "UPDATE ties SET peer_did=$n, endpoint=$e WHERE peer_did=$o",
        "UPDATE key_rotations SET tie_did=$n WHERE own=0 AND tie_did=$o",
        "UPDATE outbox SET peer_did=$n, endpoint=$e WHERE peer_did=$o",
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
            using (var filed = Command(c, tx, "SELECT new_did FROM key_rotations WHERE old_did=$o", ("$o", rotation.OldDid)))
            {
                if (await filed.ExecuteScalarAsync(ct).ConfigureAwait(false) is string next)
                {
                    return next == rotation.NewDid ? false
                        : throw new TelexException(TelexErrorKind.Conflict, "that DID has been rotated to another DID already");
                }
            }

            using (var tie = Command(c, tx, "SELECT 1 FROM ties WHERE peer_did=$o", ("$o", rotation.OldDid)))
            {
                if (await tie.ExecuteScalarAsync(ct).ConfigureAwait(false) is null)
                {
                    throw new TelexException(TelexErrorKind.NotFound, "no tie is held under the old DID");
                }
            }

            using (var taken = Command(c, tx, "SELECT (SELECT 1 FROM ties WHERE peer_did=$n) OR (SELECT 1 FROM key_rotations WHERE old_did=$n)",
                ("$n", rotation.NewDid)))
            {
                if (await taken.ExecuteScalarAsync(ct).ConfigureAwait(false) is long l && l != 0)
                {
                    throw new TelexException(TelexErrorKind.Conflict, "the new DID is known already");
                }
            }

            foreach (string sql in RotationUpdates)
            {
                using var cmd = Command(c, tx, sql, ("$n", rotation.NewDid), ("$o", rotation.OldDid), ("$e", endpoint));
                await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            return await InsertRotationAsync(c, tx, rotation, rotation.NewDid, ct).ConfigureAwait(false);
        }, ct);
    }

    private async Task<bool> InsertRotationAsync(DbConnection c, DbTransaction tx, KeyRotation r, string? tieDid, CancellationToken ct)
    {
        using var cmd = Command(c, tx, """
            INSERT INTO key_rotations(old_did, new_did, own, from_prior, at, tie_did, seq)
            VALUES($o, $n, $own, $fp, $at, $t, (SELECT COALESCE(MAX(seq), 0) + 1 FROM key_rotations))
            ON CONFLICT(old_did) DO NOTHING
            """,
            ("$o", r.OldDid), ("$n", r.NewDid), ("$own", r.Own), ("$fp", r.FromPrior), ("$at", r.At.ToUnixTimeMilliseconds()), ("$t", tieDid));
        if (await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
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
        {
            using var cmd = Command(c, null, "SELECT old_did, new_did, own, from_prior, at FROM key_rotations ORDER BY seq");
            using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var list = new List<KeyRotation>();
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                list.Add(new KeyRotation
                {
                    OldDid = r.GetString(0),
                    NewDid = r.GetString(1),
                    Own = r.GetInt64(2) != 0,
                    FromPrior = r.GetString(3),
                    At = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)),
                });
            }

            return list;
        }, ct);
}
