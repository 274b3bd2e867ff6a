using System.Globalization;

namespace Telex.Server.Api;

/// <summary>Query-string values parsed by hand, so a bad one is refused with a problem naming the parameter.</summary>
internal static class QueryValues
{
    /// <summary>An enum by its lowercase name (any case accepted), never by number.</summary>
    public static bool TryEnum<T>(string? text, string field, out T? value, out ProblemHttpResult? problem)
        where T : struct, Enum
    {
        value = null;
        problem = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (text.All(char.IsAsciiLetter) && Enum.TryParse<T>(text, ignoreCase: true, out var parsed))
        {
            value = parsed;
            return true;
        }

        problem = Problems.Invalid(field, "one of " + string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant())));
        return false;
    }

    /// <summary>An ISO 8601 time (a date alone means its start, UTC).</summary>
    public static bool TryTime(string? text, string field, out DateTimeOffset? value, out ProblemHttpResult? problem)
    {
        value = null;
        problem = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            value = parsed;
            return true;
        }

        problem = Problems.Invalid(field, "an ISO 8601 date or time, e.g. 2026-05-18T17:18:00Z");
        return false;
    }

    /// <summary>A whole number within bounds.</summary>
    public static bool TryInt(string? text, string field, int min, int max, out int? value, out ProblemHttpResult? problem)
    {
        value = null;
        problem = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed) && parsed >= min && parsed <= max)
        {
            value = parsed;
            return true;
        }

        problem = Problems.Invalid(field, $"a whole number from {min} to {max}");
        return false;
    }

    /// <summary><c>true</c> or <c>false</c> (any case); absent is false.</summary>
    public static bool TryBool(string? text, string field, out bool value, out ProblemHttpResult? problem)
    {
        problem = null;
        value = false;
        if (string.IsNullOrEmpty(text) || bool.TryParse(text, out value))
        {
            return true;
        }

        problem = Problems.Invalid(field, "true or false");
        return false;
    }
}
