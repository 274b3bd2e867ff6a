namespace Telex.Core.Model;

/// <summary>
/// The agreed terms of a tie, signed by both sides. A change is a proposal that takes effect when the other side
/// signs it; each accepted change increases <see cref="Version"/>.
/// </summary>
public sealed record TieTerms
{
    /// <summary>The terms a new tie starts with.</summary>
    public static TieTerms Default { get; } = new();

    /// <summary>Version of these terms, from 1.</summary>
    public int Version { get; init; } = 1;

    /// <summary>Largest telegram body accepted, in bytes. Default 256 KiB: long cables, not file transfer.</summary>
    public int MaxTelegramBytes { get; init; } = 256 * 1024;

    /// <summary>Largest single attachment, in bytes. Default 4 MiB.</summary>
    public int MaxAttachmentBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>How long a sender keeps trying before marking a telegram failed. Default 3 days.</summary>
    public TimeSpan Expiry { get; init; } = TimeSpan.FromDays(3);

    /// <summary>Longest wait between two delivery attempts. Default 10 minutes.</summary>
    public TimeSpan MaxRetryInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Whether read receipts are sent when an officer first opens a telegram. Default off.</summary>
    public bool ReadReceipts { get; init; }

    /// <summary>
    /// Whether telegrams may be relayed over this tie: this agency sends through the counterpart to agencies it has no
    /// tie with, and accepts telegrams from untied agencies whose signed relay path ends at the counterpart. Default
    /// off: a relay is a trust decision both sides make. Terms stored before this term existed load with it off.
    /// </summary>
    public bool Relays { get; init; }

    /// <summary>Checks that every term is within sane bounds; returns the reason otherwise.</summary>
    public string? Validate()
    {
        if (Version < 1)
        {
            return "terms version must be at least 1";
        }

        if (MaxTelegramBytes is < 1024 or > 64 * 1024 * 1024)
        {
            return "maximum telegram size must be between 1 KiB and 64 MiB";
        }

        if (MaxAttachmentBytes is < 0 or > 256 * 1024 * 1024)
        {
            return "maximum attachment size must be between 0 and 256 MiB";
        }

        if (Expiry < TimeSpan.FromSeconds(1) || Expiry > TimeSpan.FromDays(365))
        {
            return "expiry must be between 1 second and 365 days";
        }

        if (MaxRetryInterval < TimeSpan.FromMilliseconds(10) || MaxRetryInterval > TimeSpan.FromDays(1))
        {
            return "maximum retry interval must be between 10 ms and 1 day";
        }

        return null;
    }
}
