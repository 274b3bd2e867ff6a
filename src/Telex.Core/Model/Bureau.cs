namespace Telex.Core.Model;

/// <summary>
/// When a bureau may be chartered: <c>all</c> (the default: the founder has an established tie with every prospective
/// member) or <c>quorum:N</c> (with at least N of them).
/// </summary>
/// <param name="Quorum">The number of prospective members the founder must be tied with; null for all of them.</param>
public sealed record ReadinessRule(int? Quorum)
{
    /// <summary>Every prospective member.</summary>
    public static ReadinessRule All { get; } = new((int?)null);

    /// <summary>Parses <c>all</c> or <c>quorum:N</c> (N from 1); false for anything else.</summary>
    public static bool TryParse(string? text, out ReadinessRule rule)
    {
        rule = All;
        if (text is null or "all")
        {
            return true;
        }

        if (text.StartsWith("quorum:", StringComparison.Ordinal)
            && int.TryParse(text.AsSpan("quorum:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1)
        {
            rule = new ReadinessRule(n);
            return true;
        }

        return false;
    }

    /// <summary><c>all</c> or <c>quorum:N</c>.</summary>
    public override string ToString() => Quorum is { } n ? string.Create(CultureInfo.InvariantCulture, $"quorum:{n}") : "all";
}

/// <summary>A prospective member of a bureau (the founder is one too).</summary>
public sealed record BureauMember
{
    /// <summary>The member agency's DID.</summary>
    public required string Did { get; init; }

    /// <summary>Its display name, as this agency knows it.</summary>
    public required string Name { get; init; }

    /// <summary>Its federation endpoint, when known.</summary>
    public string? Endpoint { get; init; }

    /// <summary>Where it stands.</summary>
    public MemberState State { get; init; } = MemberState.Prospective;
}

/// <summary>
/// An agency the founder knows of by name only (a directory entry without a DID) and names for a bureau it proposes:
/// known of, no tie. Nothing is sent to a prospect; once a tie is established with it and its directory entry holds
/// the DID, it becomes a prospective member like any other (<see cref="Bureau.Members"/>).
/// </summary>
public sealed record BureauProspect
{
    /// <summary>The directory entry it was named by.</summary>
    public required Guid EntryId { get; init; }

    /// <summary>Its name, as the directory gave it when it was named.</summary>
    public required string Name { get; init; }

    /// <summary>When it was named for the bureau.</summary>
    public required DateTimeOffset AddedAt { get; init; }
}

/// <summary>
/// A multilateral body of agencies. Its founder proposes a charter; once the readiness rule holds the founder charters
/// it and the prospective members accept; the secretariat orders the membership into epochs.
/// </summary>
public sealed record Bureau
{
    /// <summary>The id (a UUID chosen by the founder), the same at every member.</summary>
    public required Guid Id { get; init; }

    /// <summary>The name.</summary>
    public required string Name { get; init; }

    /// <summary>What it is for.</summary>
    public required string Purpose { get; init; }

    /// <summary>The founder's DID.</summary>
    public required string Founder { get; init; }

    /// <summary>The DID of the agency that opens epochs (default the founder).</summary>
    public required string Secretariat { get; init; }

    /// <summary>When it may be chartered.</summary>
    public ReadinessRule Rule { get; init; } = ReadinessRule.All;

    /// <summary>Where it stands.</summary>
    public BureauStatus Status { get; init; } = BureauStatus.Proposed;

    /// <summary>The current epoch's number as this agency knows it (0 before the first).</summary>
    public long Epoch { get; init; }

    /// <summary>When it was proposed (founder) or its charter arrived (others).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed here.</summary>
    public required DateTimeOffset ChangedAt { get; init; }

    /// <summary>Every prospective member, the founder included, in charter order.</summary>
    public IReadOnlyList<BureauMember> Members { get; init; } = [];

    /// <summary>
    /// The agencies known of by name only that the founder named for it (kept at the founder, never sent): each becomes a
    /// prospective member once the directory links it to a tied agency's DID.
    /// </summary>
    public IReadOnlyList<BureauProspect> Prospects { get; init; } = [];

    /// <summary>The member with <paramref name="did"/>, or null.</summary>
    public BureauMember? Member(string did) => Members.FirstOrDefault(m => m.Did == did);

    /// <summary>The issue counterpart naming this bureau: <c>bureau:ID</c>.</summary>
    public string IssueCounterpart => BureauIssues.Counterpart(Id);
}

/// <summary>One epoch of a bureau: its number and its exact members.</summary>
public sealed record BureauEpoch
{
    /// <summary>The bureau.</summary>
    public required Guid BureauId { get; init; }

    /// <summary>The number, from 1.</summary>
    public required long Number { get; init; }

    /// <summary>Its members (name and endpoint as the secretariat announced them).</summary>
    public required IReadOnlyList<BureauMember> Members { get; init; }

    /// <summary>When the secretariat opened it.</summary>
    public required DateTimeOffset OpenedAt { get; init; }

    /// <summary>True when <paramref name="did"/> is a member of this epoch.</summary>
    public bool Includes(string did) => Members.Any(m => m.Did == did);
}

/// <summary>
/// What the register's chain records of a bureau: the charter proposed, chartered or received, an acceptance, a join,
/// a leave, an epoch opened or received.
/// </summary>
/// <param name="Action">What happened: <c>proposed</c>, <c>chartered</c>, <c>charter-received</c>, <c>accepted</c>, <c>join-received</c>, <c>left</c>, <c>leave-received</c>, <c>epoch</c>.</param>
/// <param name="Agency">The agency concerned (the one that joined or left, or that chartered).</param>
/// <param name="Epoch">The epoch opened or received, when the action is <c>epoch</c>.</param>
/// <param name="Members">The DIDs of the epoch's members (or of the charter's prospective members).</param>
/// <param name="At">When.</param>
public sealed record BureauLogEntry(string Action, string? Agency, long? Epoch, IReadOnlyList<string> Members, DateTimeOffset At);

/// <summary>
/// A change to a bureau decided in one transaction: the bureau as it becomes, the epoch opened or received (if any),
/// the register entries it makes and the messages it sends.
/// </summary>
public sealed record BureauChange
{
    /// <summary>The bureau as it becomes (members included).</summary>
    public required Bureau Bureau { get; init; }

    /// <summary>An epoch to file, if any.</summary>
    public BureauEpoch? NewEpoch { get; init; }

    /// <summary>What the register records.</summary>
    public IReadOnlyList<BureauLogEntry> Log { get; init; } = [];

    /// <summary>Messages to send, filed in the outbox in the same transaction.</summary>
    public IReadOnlyList<OutboxItem> Outbox { get; init; } = [];

    /// <summary>The bureau's outcomes as they become, if they change (kept when of a higher version than those held).</summary>
    public BureauOutcomes? Outcomes { get; init; }
}

/// <summary>How an issue shared by a bureau's members names the bureau.</summary>
public static class BureauIssues
{
    /// <summary>The prefix of a bureau issue's counterpart.</summary>
    public const string Prefix = "bureau:";

    /// <summary>The counterpart of an issue of bureau <paramref name="bureauId"/>: <c>bureau:ID</c>.</summary>
    public static string Counterpart(Guid bureauId) => Prefix + bureauId.ToString();

    /// <summary>The bureau an issue counterpart names, or null for an issue of a tie.</summary>
    public static Guid? BureauOf(string? counterpart) =>
        counterpart is not null && counterpart.StartsWith(Prefix, StringComparison.Ordinal) && Guid.TryParse(counterpart.AsSpan(Prefix.Length), out var id)
            ? id
            : null;
}
