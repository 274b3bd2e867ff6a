namespace Telex.Core.Storage;

/// <summary>Ties with counterparts and the invitations that open them.</summary>
public interface ITieStore
{
    /// <summary>Stores an invitation.</summary>
    Task AddInvitationAsync(Invitation invitation, CancellationToken ct = default);

    /// <summary>
    /// Consumes an invitation: returns it and marks it used, atomically, if it exists, its secret's hash is
    /// <paramref name="secretHash"/>, and it is unused and unexpired at <paramref name="now"/>; otherwise null and nothing
    /// changes (a wrong secret leaves the invitation usable). A second call for the same id returns null.
    /// </summary>
    Task<Invitation?> ConsumeInvitationAsync(string id, string secretHash, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Finds the tie with a counterpart.</summary>
    Task<Tie?> GetTieAsync(string peerDid, CancellationToken ct = default);

    /// <summary>All known counterparts.</summary>
    Task<IReadOnlyList<Tie>> ListTiesAsync(CancellationToken ct = default);

    /// <summary>Adds or replaces a tie (by peer DID). The serial counter is not changed by this call for an existing tie.</summary>
    Task SaveTieAsync(Tie tie, CancellationToken ct = default);

    /// <summary>
    /// Removes the tie with <paramref name="peerDid"/> if it is <see cref="TieStatus.Invited"/> and has never carried a
    /// telegram (serial counter 0): an invitation this agency tried to accept and the inviter refused. False, and nothing
    /// changed, for any other tie.
    /// </summary>
    Task<bool> ForgetInvitedTieAsync(string peerDid, CancellationToken ct = default);
}
