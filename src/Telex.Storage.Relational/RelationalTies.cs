
namespace Telex.Storage.Relational;

/// <summary>Ties with counterparts and the invitations that open them.</summary>
internal sealed class RelationalTies(RelationalStore store) : RelationalRole(store), ITieStore
{
    private const string TieColumns =
        "SELECT peer_did, peer_name, endpoint, status, verified, terms, proposed_terms, proposed_by_us, established_at, last_sent_serial, suspended_by FROM ties";

    /// <inheritdoc/>
    public Task AddInvitationAsync(Invitation invitation, CancellationToken ct = default) =>
        WriteAsync((c, tx) => ExecuteAsync(c, tx, "INSERT INTO invitations(id, secret_hash, created_at, expires_at, note) VALUES(@i, @s, @c, @e, @n)", ct,
            ("@i", invitation.Id), ("@s", invitation.SecretHash), ("@c", Time(invitation.CreatedAt)), ("@e", Time(invitation.ExpiresAt)),
            ("@n", invitation.Note)), ct);

    /// <inheritdoc/>
    public Task<Invitation?> ConsumeInvitationAsync(string id, string secretHash, DateTimeOffset now, CancellationToken ct = default) =>
        WriteAsync((c, tx) => FirstAsync(c, tx, """
            UPDATE invitations SET used_at=@now WHERE id=@i AND secret_hash=@h AND used_at IS NULL AND expires_at > @now
            RETURNING id, secret_hash, created_at, expires_at, note
            """, InvitationRow, ct, ("@i", id), ("@h", secretHash), ("@now", Time(now))), ct);

    /// <summary>The row mapper of <c>invitations</c>.</summary>
    private Func<Invitation> InvitationRow(DbDataReader r)
    {
        int id = r.GetOrdinal("id"), secretHash = r.GetOrdinal("secret_hash"), createdAt = r.GetOrdinal("created_at"), expiresAt = r.GetOrdinal("expires_at"),
            note = r.GetOrdinal("note");
        return () => new Invitation(r.GetString(id), r.GetString(secretHash), ReadTime(r, createdAt), ReadTime(r, expiresAt), ReadStringOrNull(r, note));
    }

    /// <inheritdoc/>
    public Task<Tie?> GetTieAsync(string peerDid, CancellationToken ct = default) =>
        ReadAsync(c => FirstAsync(c, null, TieColumns + " WHERE peer_did=" + CurrentDid("@p"), TieRow, ct, ("@p", peerDid)), ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<Tie>> ListTiesAsync(CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<Tie>>(async c => await ListAsync(c, null, TieColumns + " ORDER BY peer_name", TieRow, ct).ConfigureAwait(false), ct);

    /// <inheritdoc/>
    public Task SaveTieAsync(Tie tie, CancellationToken ct = default) =>
        WriteAsync((c, tx) => ExecuteAsync(c, tx, $"""
            INSERT INTO ties(peer_did, peer_name, endpoint, status, verified, terms, proposed_terms, proposed_by_us, established_at, last_sent_serial,
                suspended_by)
            VALUES({CurrentDid("@p")}, @n, @e, @s, @v, @t, @pt, @pu, @ea, @ls, @sb)
            ON CONFLICT(peer_did) DO UPDATE SET peer_name=excluded.peer_name, endpoint=excluded.endpoint, status=excluded.status,
                verified=excluded.verified, terms=excluded.terms, proposed_terms=excluded.proposed_terms,
                proposed_by_us=excluded.proposed_by_us, established_at=excluded.established_at, suspended_by=excluded.suspended_by
            """, ct,
            ("@p", tie.PeerDid), ("@n", tie.PeerName), ("@e", tie.PeerEndpoint), ("@s", (int)tie.Status), ("@v", Bool(tie.Verified)),
            ("@t", JsonOf(tie.Terms)), ("@pt", tie.ProposedTerms is null ? null : JsonOf(tie.ProposedTerms)),
            ("@pu", Bool(tie.ProposedByUs)), ("@ea", Time(tie.EstablishedAt)), ("@ls", tie.LastSentSerial),
            ("@sb", tie.SuspendedBy is { } side ? (int)side : null)), ct);

    /// <inheritdoc/>
    public Task<bool> ForgetInvitedTieAsync(string peerDid, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) => await ExecuteAsync(c, tx, "DELETE FROM ties WHERE peer_did=@p AND status=@invited AND last_sent_serial=0", ct,
            ("@p", peerDid), ("@invited", (int)TieStatus.Invited)).ConfigureAwait(false) == 1, ct);

    /// <summary>The row mapper of <c>ties</c>.</summary>
    private Func<Tie> TieRow(DbDataReader r)
    {
        int peerDid = r.GetOrdinal("peer_did"), peerName = r.GetOrdinal("peer_name"), endpoint = r.GetOrdinal("endpoint"), status = r.GetOrdinal("status"),
            verified = r.GetOrdinal("verified"), terms = r.GetOrdinal("terms"), proposedTerms = r.GetOrdinal("proposed_terms"),
            proposedByUs = r.GetOrdinal("proposed_by_us"), establishedAt = r.GetOrdinal("established_at"), lastSent = r.GetOrdinal("last_sent_serial"),
            suspendedBy = r.GetOrdinal("suspended_by");
        return () => new()
        {
            PeerDid = r.GetString(peerDid),
            PeerName = r.GetString(peerName),
            PeerEndpoint = r.GetString(endpoint),
            Status = (TieStatus)r.GetInt32(status),
            Verified = ReadBool(r, verified),
            Terms = ReadJson<TieTerms>(r, terms)!,
            ProposedTerms = r.IsDBNull(proposedTerms) ? null : ReadJson<TieTerms>(r, proposedTerms),
            ProposedByUs = ReadBool(r, proposedByUs),
            EstablishedAt = ReadTime(r, establishedAt),
            LastSentSerial = r.GetInt64(lastSent),
            SuspendedBy = r.IsDBNull(suspendedBy) ? null : (TieSide)r.GetInt32(suspendedBy),
        };
    }
}
