namespace Telex.Core.Background;

/// <summary>When to try again after a delivery failed.</summary>
internal static class Backoff
{
    /// <summary>
    /// Exponential backoff from <see cref="AgencyOptions.InitialRetryDelay"/> up to <paramref name="max"/>, with full
    /// jitter between half and the whole interval so that many items failing together do not come back together.
    /// </summary>
    public static TimeSpan After(AgencyOptions options, int attempts, TimeSpan max)
    {
        double ms = options.InitialRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts, 30));
        ms = Math.Min(ms, max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ms * (0.5 + (Random.Shared.NextDouble() / 2)));
    }
}
