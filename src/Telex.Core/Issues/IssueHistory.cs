namespace Telex.Core.Issues;

/// <summary>One item of an issue's history: a change of the issue or a telegram on it.</summary>
/// <param name="At">When (the originating agency's clock).</param>
/// <param name="Event">The change, or null.</param>
/// <param name="Telegram">The telegram, or null.</param>
public sealed record IssueHistoryEntry(DateTimeOffset At, IssueEvent? Event, TelegramRecord? Telegram);

/// <summary>An issue with its changes in clock order and its full history (changes and telegrams) in one order.</summary>
/// <param name="Issue">The issue as it stands.</param>
/// <param name="Events">Its changes, by (clock, agency, id).</param>
/// <param name="Entries">Changes and telegrams: the changes in clock order, each telegram placed before the first change made after its release.</param>
/// <param name="Participants">The agencies taking part besides the counterpart (brought in by referrals).</param>
public sealed record IssueHistory(Issue Issue, IReadOnlyList<IssueEvent> Events, IReadOnlyList<IssueHistoryEntry> Entries,
    IReadOnlyList<IssueParticipant> Participants);
