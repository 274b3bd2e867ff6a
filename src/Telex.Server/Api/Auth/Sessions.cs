using System.Collections.Concurrent;
using System.Globalization;

namespace Telex.Server.Api.Auth;

/// <summary>
/// Revokes officers' tokens, and ends what a session keeps open when the session ends. A token is checked at every
/// request, but an event stream is one request that lasts: it ends when its token expires, at once when the token is
/// revoked on this node (sign-out, a password change: both revoke through here), and at its next check
/// (<see cref="OpenSession.CheckAsync"/>, every heartbeat) when it was revoked on another node sharing the store.
/// </summary>
internal sealed class Sessions(ITelexStore store, TimeProvider time)
{
    private readonly ConcurrentDictionary<OpenSession, byte> _open = new();

    /// <summary>A session that the signed-in <paramref name="user"/>'s request keeps open; dispose it when the request ends.</summary>
    public OpenSession Open(ClaimsPrincipal user)
    {
        string hash = user.FindFirstValue(OfficerClaims.TokenHash) ?? throw new InvalidOperationException("no token in the principal");
        var expires = DateTimeOffset.Parse(user.FindFirstValue(OfficerClaims.TokenExpires) ?? throw new InvalidOperationException("no expiry in the principal"),
            CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        var session = new OpenSession(this, store, time, hash, user.OfficerName(), expires);
        _open[session] = 0;
        return session;
    }

    /// <summary>Revokes one token (sign-out) on every node; what it keeps open on this node ends now.</summary>
    public async Task RevokeAsync(string tokenHash, CancellationToken ct)
    {
        await store.Sessions.RevokeTokenAsync(tokenHash, ct).ConfigureAwait(false);
        End(s => s.TokenHash == tokenHash);
    }

    /// <summary>
    /// Revokes every token of <paramref name="officer"/> but <paramref name="keptTokenHash"/> (API tokens and console
    /// sessions alike) on every node; what they keep open on this node ends now.
    /// </summary>
    public async Task RevokeOthersAsync(string officer, string? keptTokenHash, CancellationToken ct)
    {
        await store.Sessions.RevokeOfficerTokensAsync(officer, keptTokenHash, ct).ConfigureAwait(false);
        End(s => s.Officer == officer && s.TokenHash != keptTokenHash);
    }

    /// <summary>
    /// Ends what <paramref name="officer"/>'s sessions keep open on this node, once their tokens are revoked in the store
    /// (an admin reset, disabled or removed the officer); other nodes notice at their next check.
    /// </summary>
    public void EndAll(string officer) => End(s => s.Officer == officer);

    internal void Closed(OpenSession session) => _open.TryRemove(session, out _);

    private void End(Func<OpenSession, bool> which)
    {
        foreach (var session in _open.Keys.Where(which))
        {
            session.End();
        }
    }
}

/// <summary>A session kept open by a lasting request: <see cref="Ended"/> is cancelled when the session ends.</summary>
internal sealed class OpenSession : IDisposable
{
    /// <summary>Longest delay a timer takes; a token living longer is caught by <see cref="CheckAsync"/> instead.</summary>
    private static readonly TimeSpan LongestTimer = TimeSpan.FromDays(30);

    private readonly Sessions _sessions;
    private readonly ITelexStore _store;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _ended;

    internal OpenSession(Sessions sessions, ITelexStore store, TimeProvider time, string tokenHash, string officer, DateTimeOffset expires)
    {
        _sessions = sessions;
        _store = store;
        _time = time;
        TokenHash = tokenHash;
        Officer = officer;
        var left = expires - time.GetUtcNow();
        _ended = new CancellationTokenSource(left <= TimeSpan.Zero ? TimeSpan.Zero : left > LongestTimer ? Timeout.InfiniteTimeSpan : left, time);
    }

    public string TokenHash { get; }

    public string Officer { get; }

    /// <summary>Cancelled when the token expires or is revoked.</summary>
    public CancellationToken Ended => _ended.Token;

    /// <summary>Asks the store whether the token still stands (revoked on another node, expired, officer gone or disabled); ends the session if not.</summary>
    public async Task<bool> CheckAsync(CancellationToken ct)
    {
        var token = await _store.Sessions.FindTokenAsync(TokenHash, _time.GetUtcNow(), ct).ConfigureAwait(false);
        if (token is null || await _store.Officers.FindOfficerAsync(token.OfficerName, ct).ConfigureAwait(false) is not { Disabled: false })
        {
            End();
            return false;
        }

        return true;
    }

    internal void End()
    {
        try
        {
            _ended.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The request ended meanwhile.
        }
    }

    public void Dispose()
    {
        _sessions.Closed(this);
        _ended.Dispose();
    }
}
