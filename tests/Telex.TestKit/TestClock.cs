namespace Telex.TestKit;

/// <summary>
/// The real clock plus an offset a test moves forward: agencies on it keep running in real time (their loops, their
/// timeouts) while a test jumps days ahead without waiting, e.g. past a key's grace period.
/// </summary>
public sealed class TestClock : TimeProvider
{
    private long _offsetTicks;

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Moves the clock forward by <paramref name="by"/>.</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
