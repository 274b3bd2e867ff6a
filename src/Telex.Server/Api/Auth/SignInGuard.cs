using System.Collections.Concurrent;
using System.Threading.RateLimiting;

using Telex.Core.Security;

namespace Telex.Server.Api.Auth;

/// <summary>
/// Serializes sign-in attempts per officer on this node, so concurrent wrong guesses cannot all read the same
/// failure count and slip past the lockout; and holds the dummy hash an unknown name is checked against, so an
/// unknown name costs the same time as a wrong password; and limits failed sign-ins per network address
/// (<see cref="ApiOptions.FailedSignInsPerMinute"/>), so that one address cannot try name after name.
/// </summary>
/// <remarks>
/// The address limit is a concurrency limiter per address: each attempt takes a permit before it is checked (so
/// concurrent attempts cannot race past the limit), a failure keeps its permit for <see cref="Window"/> and any other
/// outcome returns it at once. A fixed or sliding window limiter cannot give a permit back, and a success must not
/// count against its address.
/// </remarks>
internal sealed class SignInGuard : IDisposable
{
    /// <summary>How long a failure counts against its address.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private readonly Lazy<string> _dummyHash = new(() => PasswordHasher.Hash(PasswordHasher.NewOneTimePassword()));
    private readonly PartitionedRateLimiter<string?> _addresses;
    private readonly TimeProvider _time;

    public SignInGuard(TelexOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        var perAddress = new ConcurrencyLimiterOptions { PermitLimit = Math.Max(1, options.Api.FailedSignInsPerMinute), QueueLimit = 0 };

        // An address's limiter is dropped once it has been idle (every permit back) for a while, so the table holds
        // only addresses that failed in the last minute.
        _addresses = PartitionedRateLimiter.Create<string?, string>(address => address is null
            ? RateLimitPartition.GetNoLimiter("")
            : RateLimitPartition.GetConcurrencyLimiter(address, _ => perAddress));
        _time = time;
    }

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
    /// Takes a place for an attempt from <paramref name="address"/> before it is checked: not acquired when the
    /// address's failures of the last <see cref="Window"/> and its attempts under way fill the limit, in which case a place
    /// frees within <see cref="Window"/>. Dispose the place to give it back; <see cref="KeepForWindow"/> keeps a failure's.
    /// A null address is never refused.
    /// </summary>
    public RateLimitLease Reserve(string? address) => _addresses.AttemptAcquire(address);

    /// <summary>Keeps a failed attempt's place taken for <see cref="Window"/>, then gives it back.</summary>
    public void KeepForWindow(RateLimitLease place)
    {
        _ = Task.Delay(Window, _time).ContinueWith(_ => place.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    public void Dispose() => _addresses.Dispose();

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
