using System.Collections.Concurrent;

using Telex.Core.Security;

namespace Telex.Server.Api.Auth;

/// <summary>
/// Serializes sign-in attempts per officer on this node, so concurrent wrong guesses cannot all read the same
/// failure count and slip past the lockout; and holds the dummy hash an unknown name is checked against, so an
/// unknown name costs the same time as a wrong password; and counts failed sign-ins per network address, a place taken
/// before each check (so concurrent attempts cannot race past the limit), so that one address
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
    /// Takes one of <paramref name="address"/>'s failures in its current one-minute window before its attempt is checked,
    /// so that concurrent attempts cannot all pass a check made before any of them has failed: at most
    /// <paramref name="limit"/> attempts of a window are ever checked. A failure keeps its place; any other outcome gives
    /// it back (<see cref="GiveBack"/>). When the window's places are taken, the answer says how long until it ends.
    /// A null address reserves nothing and is never refused.
    /// </summary>
    public AddressPlace Reserve(string? address, int limit, DateTimeOffset now)
    {
        if (address is null)
        {
            return new AddressPlace(address, now, TimeSpan.Zero);
        }

        lock (_addresses)
        {
            if (_addresses.TryGetValue(address, out var w) && now - w.Start < Window)
            {
                if (w.Failures >= limit)
                {
                    return new AddressPlace(null, w.Start, w.Start + Window - now);
                }

                _addresses[address] = (w.Start, w.Failures + 1);
                return new AddressPlace(address, w.Start, TimeSpan.Zero);
            }

            if (_addresses.Count >= MaxAddresses)
            {
                foreach (var ended in _addresses.Where(a => now - a.Value.Start >= Window).Select(a => a.Key).ToList())
                {
                    _addresses.Remove(ended);
                }
            }

            _addresses[address] = (now, 1);
            return new AddressPlace(address, now, TimeSpan.Zero);
        }
    }

    /// <summary>Gives back a place taken by <see cref="Reserve"/> for an attempt that did not fail, if its window is still running.</summary>
    public void GiveBack(AddressPlace place)
    {
        if (place.Address is not { } address)
        {
            return;
        }

        lock (_addresses)
        {
            if (_addresses.TryGetValue(address, out var w) && w.Start == place.Window && w.Failures > 0)
            {
                _addresses[address] = (w.Start, w.Failures - 1);
            }
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

/// <summary>
/// A place in an address's window of failed sign-ins (<see cref="SignInGuard.Reserve"/>): granted unless
/// <see cref="RetryAfter"/> is positive. <see cref="Address"/> is null when nothing was reserved.
/// </summary>
internal readonly record struct AddressPlace(string? Address, DateTimeOffset Window, TimeSpan RetryAfter)
{
    /// <summary>Whether the attempt may be checked.</summary>
    public bool Granted => RetryAfter <= TimeSpan.Zero;
}
