namespace Telex.Core.Model;

/// <summary>A note in a counterpart's dossier.</summary>
/// <param name="At">When it was written.</param>
/// <param name="Officer">Who wrote it.</param>
/// <param name="Text">The note.</param>
public sealed record DossierNote(DateTimeOffset At, string Officer, string Text);

/// <summary>
/// A counterpart the agency knows of, tied or not, with its dossier. The directory lists these entries together with
/// every tied counterpart; a tie's own record stays in <see cref="Tie"/>.
/// </summary>
public sealed record DirectoryEntry
{
    /// <summary>The entry's id (assigned by the agency).</summary>
    public required Guid Id { get; init; }

    /// <summary>The counterpart's name: unique in the directory, compared without regard to case.</summary>
    public required string Name { get; init; }

    /// <summary>The counterpart's DID, when known (unique in the directory).</summary>
    public string? Did { get; init; }

    /// <summary>The counterpart's federation endpoint, when known.</summary>
    public string? Endpoint { get; init; }

    /// <summary>DIDs of the agencies the counterpart is known to hold ties with: the relays that can reach it.</summary>
    public IReadOnlyList<string> KnownTies { get; init; } = [];

    /// <summary>When it entered the directory.</summary>
    public required DateTimeOffset AddedAt { get; init; }

    /// <summary>
    /// True when an officer entered the name and the DID together, so the name is the officer's word for the DID and
    /// addresses it; false for an entry made from what a peer said (a sender first heard of through a relay, an agency
    /// a referral names) or from a tie, whose name is the peer's own claim.
    /// </summary>
    public bool EnteredByOfficer { get; init; }

    /// <summary>When an officer last reviewed the dossier; null if never.</summary>
    public DateTimeOffset? ReviewedAt { get; init; }

    /// <summary>The dossier's notes, oldest first.</summary>
    public IReadOnlyList<DossierNote> Notes { get; init; } = [];
}

/// <summary>A counterpart as the directory shows it: its entry (if any) merged with its tie (if any).</summary>
public sealed record Counterpart
{
    /// <summary>The name (the entry's, else the tie's).</summary>
    public required string Name { get; init; }

    /// <summary>The DID, when known.</summary>
    public string? Did { get; init; }

    /// <summary>The endpoint, when known.</summary>
    public string? Endpoint { get; init; }

    /// <summary>The tie status; <see cref="TieStatus.None"/> when there is no tie.</summary>
    public TieStatus TieStatus { get; init; }

    /// <summary>The tie, when there is one.</summary>
    public Tie? Tie { get; init; }

    /// <summary>The directory entry with the dossier; null for a tied counterpart nobody wrote a dossier for.</summary>
    public DirectoryEntry? Entry { get; init; }
}
