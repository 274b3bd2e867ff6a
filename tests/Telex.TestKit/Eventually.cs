namespace Telex.TestKit;

/// <summary>Waits for a condition with a deadline, polling; never a fixed sleep standing in for a condition.</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="probe"/> until <paramref name="done"/> holds; throws with <paramref name="what"/> and the last value at the deadline.</summary>
    public static Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan deadline, string what) =>
        UntilAsync(probe, done, deadline, what, TimeSpan.FromMilliseconds(25));

    /// <summary>As <see cref="UntilAsync{T}(Func{Task{T}}, Func{T, bool}, TimeSpan, string)"/>, polling every <paramref name="poll"/> (for costly probes).</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan deadline, string what, TimeSpan poll)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        var until = DateTime.UtcNow + deadline;
        T last = await probe().ConfigureAwait(false);
        while (!done(last))
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"{what}: not reached within {deadline.TotalSeconds:0.#} s (last: {last})");
            }

            await Task.Delay(poll).ConfigureAwait(false);
            last = await probe().ConfigureAwait(false);
        }

        return last;
    }
}
