using System.Data.Common;
using System.Text.Json;

using Telex.Core.Model;

namespace Telex.Storage.Postgres;

public sealed partial class PostgresStore
{
    /// <inheritdoc/>
    public Task<bool> AddOfficerAsync(Officer officer, CancellationToken ct = default) =>
        WriteAsync((c, tx) => InsertOfficerAsync(c, tx, officer, ct), ct);

    private static async Task<bool> InsertOfficerAsync(DbConnection c, DbTransaction tx, Officer officer, CancellationToken ct)
    {
        using var cmd = Command(c, tx, """
            INSERT INTO officers(name, role, password_hash, created_at, must_change, failed, locked_until, disabled)
            VALUES(@n, @r, @h, @c, @m, @f, @l, @d) ON CONFLICT(name) DO NOTHING
            """,
            ("@n", officer.Name), ("@r", (int)officer.Role), ("@h", officer.PasswordHash), ("@c", officer.CreatedAt.ToUnixTimeMilliseconds()),
            ("@m", officer.MustChangePassword), ("@f", officer.FailedSignIns), ("@l", officer.LockedUntil?.ToUnixTimeMilliseconds()),
            ("@d", officer.Disabled));
        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc/>
    public Task UpdateOfficerAsync(Officer officer, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            using var cmd = Command(c, tx, """
                UPDATE officers SET password_hash=@h, must_change=@m, failed=@f, locked_until=@l WHERE name=@n
                """,
                ("@n", officer.Name), ("@h", officer.PasswordHash),
                ("@m", officer.MustChangePassword), ("@f", officer.FailedSignIns), ("@l", officer.LockedUntil?.ToUnixTimeMilliseconds()));
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, ct);

    /// <inheritdoc/>
    public Task<Officer?> FindOfficerAsync(string name, CancellationToken ct = default) =>
        ReadAsync(async c =>
        {
            using var cmd = Command(c, null, "SELECT " + OfficerColumns + " FROM officers WHERE name=@n", ("@n", name));
            using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await r.ReadAsync(ct).ConfigureAwait(false) ? ReadOfficer(r) : null;
        }, ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<Officer>> ListOfficersAsync(CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<Officer>>(async c =>
        {
            using var cmd = Command(c, null, "SELECT " + OfficerColumns + " FROM officers ORDER BY name");
            using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var list = new List<Officer>();
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                list.Add(ReadOfficer(r));
            }

            return list;
        }, ct);

    private const string OfficerColumns = "name, role, password_hash, created_at, must_change, failed, locked_until, disabled";

    private static Officer ReadOfficer(DbDataReader r) => new()
    {
        Name = r.GetString(0),
        Role = (Role)r.GetInt32(1),
        PasswordHash = r.GetString(2),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)),
        MustChangePassword = r.GetBoolean(4),
        FailedSignIns = r.GetInt32(5),
        LockedUntil = r.IsDBNull(6) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)),
        Disabled = r.GetBoolean(7),
    };

    /// <inheritdoc/>
    public Task AddTokenAsync(ApiToken token, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            using var cmd = Command(c, tx, "INSERT INTO tokens(hash, officer, created_at, expires_at) VALUES(@h, @o, @c, @e)",
                ("@h", token.TokenHash), ("@o", token.OfficerName), ("@c", token.CreatedAt.ToUnixTimeMilliseconds()), ("@e", token.ExpiresAt.ToUnixTimeMilliseconds()));
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, ct);

    /// <inheritdoc/>
    public Task<ApiToken?> FindTokenAsync(string tokenHash, DateTimeOffset now, CancellationToken ct = default) =>
        ReadAsync(async c =>
        {
            using var cmd = Command(c, null, "SELECT hash, officer, created_at, expires_at FROM tokens WHERE hash=@h AND expires_at > @now",
                ("@h", tokenHash), ("@now", now.ToUnixTimeMilliseconds()));
            using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await r.ReadAsync(ct).ConfigureAwait(false)
                ? new ApiToken(r.GetString(0), r.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)))
                : null;
        }, ct);

    /// <inheritdoc/>
    public Task<bool> RevokeTokenAsync(string tokenHash, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            using var cmd = Command(c, tx, "DELETE FROM tokens WHERE hash=@h", ("@h", tokenHash));
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, ct);

    /// <inheritdoc/>
    public Task<int> RevokeOfficerTokensAsync(string officerName, string? keptTokenHash, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            // No token's hash is empty, so an empty one keeps none.
            using var cmd = Command(c, tx, "DELETE FROM tokens WHERE officer=@o AND hash <> @k",
                ("@o", officerName), ("@k", keptTokenHash ?? ""));
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, ct);

    /// <inheritdoc/>
    public Task AddInvitationAsync(Invitation invitation, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            using var cmd = Command(c, tx, "INSERT INTO invitations(id, secret_hash, created_at, expires_at, note) VALUES(@i, @s, @c, @e, @n)",
                ("@i", invitation.Id), ("@s", invitation.SecretHash), ("@c", invitation.CreatedAt.ToUnixTimeMilliseconds()),
                ("@e", invitation.ExpiresAt.ToUnixTimeMilliseconds()), ("@n", invitation.Note));
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, ct);

    /// <inheritdoc/>
    public Task<Invitation?> ConsumeInvitationAsync(string id, string secretHash, DateTimeOffset now, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            using var cmd = Command(c, tx, """
                UPDATE invitations SET used_at=@now WHERE id=@i AND secret_hash=@h AND used_at IS NULL AND expires_at > @now
                RETURNING id, secret_hash, created_at, expires_at, note
                """, ("@i", id), ("@h", secretHash), ("@now", now.ToUnixTimeMilliseconds()));
            using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await r.ReadAsync(ct).ConfigureAwait(false)
                ? new Invitation(r.GetString(0), r.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)),
                    DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)), r.IsDBNull(4) ? null : r.GetString(4))
                : null;
        }, ct);

    /// <inheritdoc/>
    public Task<Tie?> GetTieAsync(string peerDid, CancellationToken ct = default) =>
        ReadAsync(async c =>
        {
            using var cmd = Command(c, null, TieColumns + " WHERE peer_did=" + CurrentDid("@p"), ("@p", peerDid));
            using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await r.ReadAsync(ct).ConfigureAwait(false) ? ReadTie(r) : null;
        }, ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<Tie>> ListTiesAsync(CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<Tie>>(async c =>
        {
            using var cmd = Command(c, null, TieColumns + " ORDER BY peer_name");
            using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var list = new List<Tie>();
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                list.Add(ReadTie(r));
            }

            return list;
        }, ct);

    /// <inheritdoc/>
    public Task SaveTieAsync(Tie tie, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            using var cmd = Command(c, tx, $"""
                INSERT INTO ties(peer_did, peer_name, endpoint, status, verified, terms, proposed_terms, proposed_by_us, established_at, last_sent_serial,
                    suspended_by)
                VALUES({CurrentDid("@p")}, @n, @e, @s, @v, @t, @pt, @pu, @ea, @ls, @sb)
                ON CONFLICT(peer_did) DO UPDATE SET peer_name=excluded.peer_name, endpoint=excluded.endpoint, status=excluded.status,
                    verified=excluded.verified, terms=excluded.terms, proposed_terms=excluded.proposed_terms,
                    proposed_by_us=excluded.proposed_by_us, established_at=excluded.established_at, suspended_by=excluded.suspended_by
                """,
                ("@p", tie.PeerDid), ("@n", tie.PeerName), ("@e", tie.PeerEndpoint), ("@s", (int)tie.Status), ("@v", tie.Verified),
                ("@t", JsonSerializer.Serialize(tie.Terms)), ("@pt", tie.ProposedTerms is null ? null : JsonSerializer.Serialize(tie.ProposedTerms)),
                ("@pu", tie.ProposedByUs), ("@ea", tie.EstablishedAt.ToUnixTimeMilliseconds()), ("@ls", tie.LastSentSerial),
                ("@sb", tie.SuspendedBy is { } side ? (int)side : null));
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, ct);

    /// <inheritdoc/>
    public Task<bool> ForgetInvitedTieAsync(string peerDid, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            using var cmd = Command(c, tx, "DELETE FROM ties WHERE peer_did=@p AND status=@invited AND last_sent_serial=0",
                ("@p", peerDid), ("@invited", (int)TieStatus.Invited));
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, ct);

    private const string TieColumns =
        "SELECT peer_did, peer_name, endpoint, status, verified, terms, proposed_terms, proposed_by_us, established_at, last_sent_serial, suspended_by FROM ties";

    private static Tie ReadTie(DbDataReader r) => new()
    {
        PeerDid = r.GetString(0),
        PeerName = r.GetString(1),
        PeerEndpoint = r.GetString(2),
        Status = (TieStatus)r.GetInt32(3),
        Verified = r.GetBoolean(4),
        Terms = JsonSerializer.Deserialize<TieTerms>(r.GetString(5))!,
        ProposedTerms = r.IsDBNull(6) ? null : JsonSerializer.Deserialize<TieTerms>(r.GetString(6)),
        ProposedByUs = r.GetBoolean(7),
        EstablishedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(8)),
        LastSentSerial = r.GetInt64(9),
        SuspendedBy = r.IsDBNull(10) ? null : (TieSide)r.GetInt32(10),
    };
}
