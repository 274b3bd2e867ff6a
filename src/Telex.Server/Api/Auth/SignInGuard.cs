using System.Collections.Concurrent;

using Telex.Core.Security;

namespace Telex.Server.Api.Auth;

/// <summary>
/// Serializes sign-in attempts per officer on this node, so concurrent wrong guesses cannot all read the same
/// failure count and slip past the lockout; and holds the dummy hash an unknown name is checked against, so an
/// unknown name costs the same time as a wrong password; and counts failed sign-ins per network address, so one address
/// cannot try name after name (<see cref="Telex.Core.ApiOptions.FailedSignInsPerMinute"/>).
/// </summary>
internal sealed class SignInGuard
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private readonly Lazy<string> _dummyHash = new(() => PasswordHasher.Hash(PasswordHasher.NewOneTimePassword()));
    private readonly Dictionary<string, (DateTimeOffset Start, int Failures)> _addresses = new(StringComparer.Ordinal);

    /// <summary>Addresses remembered at most; past this, windows that have ended are forgotten first.</summary>
    private const int MaxAddresses = 100_000;

    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>A hash of a random password nobody knows, at the current work factor.</summary>
    public string DummyHash => _dummyHash.Value;

    /// <summary>Takes the officer's lock. Only called for names that exist, so the table stays as small as the staff.</summary>
    public async Task<IDisposable> LockAsync(string officerName, CancellationToken ct)
    {
        var gate = _locks.GetOrAdd(officerName, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        return new Release(gate);
    }

    /// <summary>
    /// When <paramref name="address"/> has failed <paramref name="limit"/> times in its current one-minute window: how long
    /// until the window ends; otherwise null.
    /// </summary>
    public TimeSpan? Limited(string? address, int limit, DateTimeOffset now)
    {
        lock (_addresses)
        {
            return address is not null && _addresses.TryGetValue(address, out var w) && now - w.Start < Window && w.Failures >= limit
                ? w.Start + Window - now
                : null;
        }
    }

    /// <summary>Counts a wrong name or password from <paramref name="address"/> in its current window.</summary>
    public void CountFailure(string? address, DateTimeOffset now)
    {
        if (address is null)
        {
            return;
        }

        lock (_addresses)
        {
            if (_addresses.Count >= MaxAddresses)
            {
                foreach (var ended in _addresses.Where(a => now - a.Value.Start >= Window).Select(a => a.Key).ToList())
                {
                    _addresses.Remove(ended);
                }
            }

            _addresses[address] = _addresses.TryGetValue(address, out var w) && now - w.Start < Window ? (w.Start, w.Failures + 1) : (now, 1);
        }
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
