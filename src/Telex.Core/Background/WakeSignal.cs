namespace Telex.Core.Background;

/// <summary>
/// What a background loop sleeps on between passes: set any number of times while the loop works, it wakes the loop
/// once. The timeout runs on the agency's clock, so a test's clock governs it like every other delay.
/// </summary>
internal sealed class WakeSignal : IDisposable
{
    /// <summary>The longest single wait: a timer takes no longer interval, and a longer sleep gains nothing.</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(1);

    private readonly SemaphoreSlim _set = new(0);

    /// <summary>Wakes the loop, or lets its next wait return at once.</summary>
    public void Set()
    {
        // Two callers may both see zero and release twice: one spare pass, never a missed wake.
        if (_set.CurrentCount == 0)
        {
            _set.Release();
        }
    }

    /// <summary>
    /// Waits until <see cref="Set"/> is called or <paramref name="timeout"/> passes on <paramref name="time"/>
    /// (<see cref="Timeout.InfiniteTimeSpan"/>: only a wake ends it). True when woken.
    /// </summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            await _set.WaitAsync(ct).ConfigureAwait(false);
            return true;
        }

        if (_set.Wait(0, CancellationToken.None))
        {
            return true;
        }

        if (timeout <= TimeSpan.Zero)
        {
            return false;
        }

        using var elapsed = new CancellationTokenSource(timeout < MaxWait ? timeout : MaxWait, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, elapsed.Token);
        try
        {
            await _set.WaitAsync(either.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose() => _set.Dispose();
}
