using System.Collections.Concurrent;

namespace Telex.Server.Api.Auth;

/// <summary>
/// Tokens signed out on this node, kept until they would have expired anyway. In memory: the store has no way to
/// revoke a token, so a sign-out holds on the node that received it and until that node restarts.
/// </summary>
internal sealed class TokenRevocations(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _revoked = new(StringComparer.Ordinal);

    public void Revoke(string tokenHash, DateTimeOffset expiresAt)
    {
        var now = time.GetUtcNow();
        foreach (var (hash, until) in _revoked)
        {
            if (until <= now)
            {
                _revoked.TryRemove(hash, out _);
            }
        }

        _revoked[tokenHash] = expiresAt;
    }

    public bool IsRevoked(string tokenHash) => _revoked.ContainsKey(tokenHash);
}
