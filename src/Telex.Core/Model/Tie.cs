namespace Telex.Core.Model;

/// <summary>A counterpart this agency knows, and the tie with it.</summary>
public sealed record Tie
{
    /// <summary>The counterpart's DID.</summary>
    public required string PeerDid { get; init; }

    /// <summary>The counterpart's display name.</summary>
    public required string PeerName { get; init; }

    /// <summary>Where the counterpart's federation endpoint is.</summary>
    public required string PeerEndpoint { get; init; }

    /// <summary>The tie status.</summary>
    public TieStatus Status { get; init; } = TieStatus.Established;

    /// <summary>Whether an officer compared the fingerprint over a trusted channel.</summary>
    public bool Verified { get; init; }

    /// <summary>The agreed terms.</summary>
    public TieTerms Terms { get; init; } = TieTerms.Default;

    /// <summary>Terms proposed by either side and not yet signed by the other; null when none.</summary>
    public TieTerms? ProposedTerms { get; init; }

    /// <summary>True when <see cref="ProposedTerms"/> came from this agency.</summary>
    public bool ProposedByUs { get; init; }

    /// <summary>When the tie was established.</summary>
    public DateTimeOffset EstablishedAt { get; init; }

    /// <summary>The last serial this agency used for a telegram to the counterpart (0 before the first).</summary>
    public long LastSentSerial { get; init; }

    /// <summary>
    /// Which side suspended the tie, while it is <see cref="TieStatus.Suspended"/>: only that side resumes it. Null
    /// otherwise, and for a tie suspended before this was recorded (this agency's officers may resume such a tie; the
    /// counterpart may not).
    /// </summary>
    public TieSide? SuspendedBy { get; init; }
}

/// <summary>One side of a tie.</summary>
public enum TieSide
{
    /// <summary>This agency.</summary>
    ThisAgency,

    /// <summary>The counterpart.</summary>
    Counterpart,
}
