using System.Collections.Concurrent;

using Telex.Core.Security;

namespace Telex.Server.Api.Auth;

/// <summary>
/// Serializes sign-in attempts per officer on this node, so concurrent wrong guesses cannot all read the same
/// failure count and slip past the lockout; and holds the dummy hash an unknown name is checked against, so an
/// unknown name costs the same time as a wrong password.
/// </summary>
internal sealed class SignInGuard
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private readonly Lazy<string> _dummyHash = new(() => PasswordHasher.Hash(PasswordHasher.NewOneTimePassword()));

    /// <summary>A hash of a random password nobody knows, at the current work factor.</summary>
    public string DummyHash => _dummyHash.Value;

    /// <summary>Takes the officer's lock. Only called for names that exist, so the table stays as small as the staff.</summary>
    public async Task<IDisposable> LockAsync(string officerName, CancellationToken ct)
    {
        var gate = _locks.GetOrAdd(officerName, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        return new Release(gate);
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
