namespace Telex.Core.Storage;

/// <summary>Officers' API tokens (sessions), shared by every node using the store.</summary>
public interface ISessionStore
{
    /// <summary>Stores a token.</summary>
    Task AddTokenAsync(ApiToken token, CancellationToken ct = default);

    /// <summary>Finds an unexpired token by its hash.</summary>
    Task<ApiToken?> FindTokenAsync(string tokenHash, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Revokes a token (sign-out) on every node sharing the store; false if it was not there.</summary>
    Task<bool> RevokeTokenAsync(string tokenHash, CancellationToken ct = default);

    /// <summary>
    /// Revokes every token of <paramref name="officerName"/> but <paramref name="keptTokenHash"/> (none kept when null), on
    /// every node sharing the store: after a password change, no session opened with the old password lives on. Returns
    /// how many were revoked.
    /// </summary>
    Task<int> RevokeOfficerTokensAsync(string officerName, string? keptTokenHash, CancellationToken ct = default);
}
