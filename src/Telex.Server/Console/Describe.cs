using System.Globalization;

namespace Telex.Server.Console;

/// <summary>A telegram in a list row, with its counterpart's name.</summary>
/// <param name="Telegram">The register entry.</param>
/// <param name="CounterpartName">The counterpart's name.</param>
internal sealed record TelegramRow(TelegramRecord Telegram, string CounterpartName);

/// <summary>How the console words states and times.</summary>
internal static class Describe
{
    /// <summary>A time as officers read it: UTC, to the minute.</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("d MMM yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>A time to the second, for the record.</summary>
    public static string Exact(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "—";

    /// <summary>Where a telegram stands, receipts included.</summary>
    public static string Status(TelegramRecord t)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (t.Imported is not null)
        {
            return "imported history";
        }

        if (t.Direction == Direction.Inbound)
        {
            return t.ReadAt is null ? "registered, unread" : "registered, read";
        }

        return t.Status switch
        {
            TelegramStatus.Queued => "queued",
            TelegramStatus.Sent => "sent, awaiting receipt",
            TelegramStatus.Delivered when t.ReadAt is not null => "delivered, read",
            TelegramStatus.Delivered => "delivered",
            TelegramStatus.Failed => "failed",
            _ => t.Status.ToString().ToLowerInvariant(),
        };
    }

    /// <summary>An issue status in lower case.</summary>
    public static string Of(IssueStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>A tie status in lower case.</summary>
    public static string Of(TieStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>A bureau's status in words.</summary>
    public static string Of(BureauStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>A bureau member's state in words.</summary>
    public static string Of(MemberState state) => state.ToString().ToLowerInvariant();

    /// <summary>A draft status as words.</summary>
    public static string Of(DraftStatus status) => status switch
    {
        DraftStatus.AwaitingClearance => "awaiting clearance",
        _ => status.ToString().ToLowerInvariant(),
    };

    /// <summary>Who a clearance step waits on; a partner agency by name.</summary>
    public static string Clearer(ClearanceStep step, AgencyNames names)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(names);
        return step.Kind switch
        {
            ClearerKind.Officer => "officer " + step.Party,
            ClearerKind.AnyReleasingOfficer => "a releasing officer (not the drafter)",
            _ => "partner agency " + names.Of(step.Party),
        };
    }
}
