namespace Telex.Core.Protocol;

/// <summary>
/// Times a peer states (a message's <c>created_time</c> and <c>expires_time</c>, a telegram's release time): any 64-bit
/// number may arrive, and <see cref="DateTimeOffset"/> holds only years 1 to 9999. A time outside 1970 to 9999 is
/// malformed and refused; it never reaches a conversion that throws.
/// </summary>
internal static class PeerTime
{
    /// <summary>The last second <see cref="DateTimeOffset"/> holds (9999-12-31T23:59:59Z), in Unix seconds.</summary>
    public const long MaxUnixSeconds = 253_402_300_799;

    /// <summary>The same instant in Unix milliseconds.</summary>
    public const long MaxUnixMilliseconds = (MaxUnixSeconds * 1000) + 999;

    /// <summary>True, with the time, when <paramref name="seconds"/> is a Unix time from 1970 to 9999.</summary>
    public static bool TryFromUnixSeconds(long seconds, out DateTimeOffset time)
    {
        bool valid = seconds is >= 0 and <= MaxUnixSeconds;
        time = valid ? DateTimeOffset.FromUnixTimeSeconds(seconds) : default;
        return valid;
    }

    /// <summary>True when <paramref name="seconds"/>, if given, is a Unix time from 1970 to 9999.</summary>
    public static bool IsValidUnixSeconds(long? seconds) => seconds is not { } s || TryFromUnixSeconds(s, out _);

    /// <summary>A peer's time in Unix milliseconds, held within 1970 to 9999 (for times kept only for display).</summary>
    public static DateTimeOffset FromUnixMillisecondsClamped(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(ms, 0, MaxUnixMilliseconds));
}
