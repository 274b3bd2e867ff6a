using System.Text.Json.Nodes;

using Telex.Core.Model;
using Telex.Core.Protocol;
using Telex.Core.Storage;
using Telex.DidComm.Messages;

namespace Telex.Core;

/// <summary>One item of an issue's history: a change of the issue or a telegram on it.</summary>
/// <param name="At">When (the originating agency's clock).</param>
/// <param name="Event">The change, or null.</param>
/// <param name="Telegram">The telegram, or null.</param>
public sealed record IssueHistoryEntry(DateTimeOffset At, IssueEvent? Event, TelegramRecord? Telegram);

/// <summary>An issue with its changes in clock order and its full history (changes and telegrams) in one order.</summary>
/// <param name="Issue">The issue as it stands.</param>
/// <param name="Events">Its changes, by (clock, agency, id).</param>
/// <param name="Entries">Changes and telegrams: the changes in clock order, each telegram placed before the first change made after its release.</param>
public sealed record IssueHistory(Issue Issue, IReadOnlyList<IssueEvent> Events, IReadOnlyList<IssueHistoryEntry> Entries);

public sealed partial class Agency
{
    /// <summary>Longest issue title.</summary>
    public const int MaxIssueTitleLength = 500;

    /// <summary>Longest outcome text of an issue change.</summary>
    public const int MaxOutcomeLength = 4000;

    /// <summary>Longest name of an agency an issue is referred to.</summary>
    public const int MaxReferredToLength = 500;

    /// <summary>Longest issue id accepted from a peer (a UUID is 36).</summary>
    private const int MaxIssueIdLength = 200;

    /// <summary>What a peer's issue id may contain: enough for UUIDs and readable ids, and safe in a URL path segment.</summary>
    private static readonly System.Buffers.SearchValues<char> IssueIdChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    /// <summary>
    /// Opens an issue with the counterpart: files it with its opening event and announces it over the tie in one
    /// transaction. Throws when the title is invalid or there is no established tie.
    /// </summary>
    public async Task<Issue> OpenIssueAsync(string counterpart, string title, string? officer, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(title) || title.Length > MaxIssueTitleLength)
        {
            throw new TelexException(TelexErrorKind.Invalid, $"an issue needs a title of 1 to {MaxIssueTitleLength} characters");
        }

        var tie = await Store.GetTieAsync(counterpart, ct).ConfigureAwait(false);
        if (tie is not { Status: TieStatus.Established })
        {
            throw new TelexException(TelexErrorKind.Conflict, "no established tie with that agency");
        }

        var now = Now;
        string id = Guid.NewGuid().ToString();
        var opening = new IssueEvent
        {
            Id = Guid.NewGuid(),
            IssueId = id,
            Clock = 1,
            Agency = Identity.Did,
            Officer = officer,
            At = now,
            Status = IssueStatus.Open,
            Title = title.Trim(),
        };
        var issue = IssueFrom(opening, tie.PeerDid);
        var outbox = ControlOutbox(tie, MessageTypes.IssueOpen, EventJson(opening), thid: id);
        await Store.OpenIssueAsync(issue, opening, outbox, ct).ConfigureAwait(false);
        Wake();
        Log.IssueChanged(_logger, id, tie.PeerDid, IssueStatus.Open, 1);
        Publish("issue.opened", tie.PeerDid);
        return await Store.GetIssueAsync(id, ct).ConfigureAwait(false) ?? issue;
    }

    /// <summary>
    /// Changes an issue's status with an outcome (and, for <see cref="IssueStatus.Referred"/>, the agency referred to):
    /// files the change with the next clock and sends it over the tie in one transaction. Throws when the input is
    /// invalid, the issue unknown or the tie not established.
    /// </summary>
    public async Task<IssueEvent> ChangeIssueStatusAsync(string issueId, IssueStatus status, string? outcome, string? referredTo, string? officer,
        CancellationToken ct = default)
    {
        if (!Enum.IsDefined(status))
        {
            throw new TelexException(TelexErrorKind.Invalid, "status must be open, deferred, agreed, referred or closed");
        }

        if (string.IsNullOrWhiteSpace(outcome) || outcome.Length > MaxOutcomeLength)
        {
            throw new TelexException(TelexErrorKind.Invalid, $"a status change needs an outcome of 1 to {MaxOutcomeLength} characters");
        }

        if (status == IssueStatus.Referred && (string.IsNullOrWhiteSpace(referredTo) || referredTo.Length > MaxReferredToLength))
        {
            throw new TelexException(TelexErrorKind.Invalid, $"a referred issue names the agency it is referred to (1 to {MaxReferredToLength} characters)");
        }

        if (status != IssueStatus.Referred && referredTo is not null)
        {
            throw new TelexException(TelexErrorKind.Invalid, "only a referred issue names an agency referred to");
        }

        var issue = await Store.GetIssueAsync(issueId, ct).ConfigureAwait(false)
            ?? throw new TelexException(TelexErrorKind.NotFound, $"no issue {issueId}");
        if (issue.BureauId is { } bureauId)
        {
            return await ChangeBureauIssueStatusAsync(bureauId, issue, status, outcome.Trim(), referredTo?.Trim(), officer, ct).ConfigureAwait(false);
        }

        var tie = await Store.GetTieAsync(issue.Counterpart, ct).ConfigureAwait(false);
        if (tie is not { Status: TieStatus.Established })
        {
            throw new TelexException(TelexErrorKind.Conflict, "the tie with the issue's counterpart is not established");
        }

        var now = Now;
        var change = await Store.AppendIssueEventAsync(issueId, (_, clock) =>
        {
            var e = new IssueEvent
            {
                Id = Guid.NewGuid(),
                IssueId = issueId,
                Clock = clock,
                Agency = Identity.Did,
                Officer = officer,
                At = now,
                Status = status,
                Outcome = outcome.Trim(),
                ReferredTo = referredTo?.Trim(),
            };
            return (e, ControlOutbox(tie, MessageTypes.IssueStatus, EventJson(e), thid: issueId));
        }, ct).ConfigureAwait(false) ?? throw new TelexException(TelexErrorKind.NotFound, $"no issue {issueId}");
        Wake();
        Log.IssueChanged(_logger, issueId, tie.PeerDid, status, change.Clock);
        Publish("issue.changed", tie.PeerDid);
        return change;
    }

    /// <summary>
    /// An issue's full history: its changes and the telegrams naming it, in the same order at both ends. Only telegrams
    /// exchanged with the issue's counterpart (under any DID it has held), or a bureau issue's bulletins, belong to it:
    /// a telegram from anyone else that names the issue (filed before such telegrams were refused) is left out.
    /// </summary>
    public async Task<IssueHistory> IssueHistoryAsync(string issueId, CancellationToken ct = default)
    {
        var issue = await Store.GetIssueAsync(issueId, ct).ConfigureAwait(false)
            ?? throw new TelexException(TelexErrorKind.NotFound, $"no issue {issueId}");
        var events = await Store.ListIssueEventsAsync(issueId, ct).ConfigureAwait(false);
        var tie = issue.BureauId is null ? await Store.GetTieAsync(issue.Counterpart, ct).ConfigureAwait(false) : null;
        var counterpartDids = tie is null ? new HashSet<string>(StringComparer.Ordinal) { issue.Counterpart } : await TieDidsAsync(tie, ct).ConfigureAwait(false);
        var telegrams = (await Store.QueryAsync(new RegisterQuery { IssueId = issueId, Limit = 1000 }, ct).ConfigureAwait(false))
            .Where(t => issue.BureauId is { } bureau ? t.BureauId == bureau : t.BureauId is null && counterpartDids.Contains(t.Counterpart))
            .OrderBy(t => t.ReleasedAt).ThenBy(t => t.Id).ToList();

        // Both registers hold the same events and the same release times, so this merge gives the same list at both ends.
        var entries = new List<IssueHistoryEntry>();
        int next = 0;
        foreach (var e in events)
        {
            for (; next < telegrams.Count && telegrams[next].ReleasedAt < e.At; next++)
            {
                entries.Add(new IssueHistoryEntry(telegrams[next].ReleasedAt, null, telegrams[next]));
            }

            entries.Add(new IssueHistoryEntry(e.At, e, null));
        }

        entries.AddRange(telegrams.Skip(next).Select(t => new IssueHistoryEntry(t.ReleasedAt, null, t)));
        return new IssueHistory(issue, events, entries);
    }

    private static Issue IssueFrom(IssueEvent opening, string counterpart) => new()
    {
        Id = opening.IssueId,
        Counterpart = counterpart,
        Title = opening.Title!,
        OpenedBy = opening.Agency,
        OpenedAt = opening.At,
        Status = IssueStatus.Open,
        Clock = opening.Clock,
        ChangedAt = opening.At,
    };

    private static JsonObject EventJson(IssueEvent e)
    {
        var body = new JsonObject
        {
            ["issue"] = e.IssueId,
            ["event"] = e.Id.ToString(),
            ["clock"] = e.Clock,
            ["status"] = e.Status.ToString().ToLowerInvariant(),
            ["time"] = e.At.ToUnixTimeMilliseconds(),
        };
        foreach (var (name, value) in new[] { ("title", e.Title), ("outcome", e.Outcome), ("referred_to", e.ReferredTo), ("officer", e.Officer) })
        {
            if (value is not null)
            {
                body[name] = value;
            }
        }

        return body;
    }

    /// <summary>Reads an issue event from a peer's message; refuses anything out of bounds.</summary>
    private static IssueEvent ParseEvent(Message message, bool opening)
    {
        var b = message.Body;
        string? issueId = b.StringMember("issue");
        if (issueId is null || issueId.Length is 0 or > MaxIssueIdLength || issueId.AsSpan().ContainsAnyExcept(IssueIdChars)
            || (message.Thid is { } thid && thid != issueId)
            || !Guid.TryParse(b.StringMember("event"), out var eventId)
            || !b.TryIntegerMember("clock", out long clock) || clock < 1 || clock > long.MaxValue / 2
            || !b.TryIntegerMember("time", out long ms))
        {
            throw new InboundRefusal(400, "e.p.msg.bad-request", "an issue event needs the issue, an event id, a clock and a time");
        }

        string? statusName = b.StringMember("status");
        if (statusName is null || !statusName.All(char.IsAsciiLetterLower) || !Enum.TryParse<IssueStatus>(statusName, ignoreCase: true, out var status))
        {
            throw new InboundRefusal(400, "e.p.msg.bad-request", "unknown issue status");
        }

        string? title = b.StringMember("title"), outcome = b.StringMember("outcome"), referredTo = b.StringMember("referred_to"), officer = b.StringMember("officer");
        bool valid = opening
            ? clock == 1 && status == IssueStatus.Open && title is { Length: > 0 and <= MaxIssueTitleLength }
            : clock > 1 && title is null && outcome is { Length: > 0 and <= MaxOutcomeLength }
              && (status == IssueStatus.Referred ? referredTo is { Length: > 0 and <= MaxReferredToLength } : referredTo is null);
        if (!valid || !PeerText.IsOptionalName(officer) || !PeerText.IsOptionalName(referredTo, MaxReferredToLength))
        {
            throw new InboundRefusal(400, "e.p.msg.bad-request", opening
                ? "an opening carries clock 1, status open and a title of at most 500 characters"
                : "a status change carries a clock above 1, an outcome, and an agency referred to exactly when referred");
        }

        return new IssueEvent
        {
            Id = eventId,
            IssueId = issueId,
            Clock = clock,
            Agency = message.From!,
            Officer = officer,
            At = DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(ms, 0, 253_402_300_799_000)),
            Status = status,
            Title = title,
            Outcome = outcome,
            ReferredTo = referredTo,
        };
    }

    private async Task HandleIssueOpenAsync(Tie tie, Message message, CancellationToken ct)
    {
        var opening = ParseEvent(message, opening: true);
        if (!await Store.OpenIssueAsync(IssueFrom(opening, tie.PeerDid), opening, null, ct).ConfigureAwait(false))
        {
            var existing = await Store.GetIssueAsync(opening.IssueId, ct).ConfigureAwait(false);
            if (existing is null || !await IsOfTieAsync(tie, existing.Counterpart, ct).ConfigureAwait(false)
                || !await IsOfTieAsync(tie, existing.OpenedBy, ct).ConfigureAwait(false))
            {
                throw new InboundRefusal(409, "e.p.issue.conflict", "another issue has this id, or another event has this opening's id");
            }

            return;
        }

        Log.IssueChanged(_logger, opening.IssueId, tie.PeerDid, IssueStatus.Open, 1);
        Publish("issue.opened", tie.PeerDid);
    }

    private async Task HandleIssueStatusAsync(Tie tie, Message message, CancellationToken ct)
    {
        var change = ParseEvent(message, opening: false);
        var issue = await Store.GetIssueAsync(change.IssueId, ct).ConfigureAwait(false);
        if (issue is null)
        {
            // The opening may still be on its way (messages are not ordered): the sender's outbox tries again later.
            throw new InboundRefusal(409, "e.p.issue.unknown", "no such issue here yet");
        }

        if (!await IsOfTieAsync(tie, issue.Counterpart, ct).ConfigureAwait(false))
        {
            throw new InboundRefusal(403, "e.p.issue.other-tie", "the issue belongs to another tie");
        }

        if (await Store.RecordIssueEventAsync(change, ct).ConfigureAwait(false))
        {
            Log.IssueChanged(_logger, change.IssueId, tie.PeerDid, change.Status, change.Clock);
            Publish("issue.changed", tie.PeerDid);
        }
    }

    private async Task HandleReadAsync(Tie tie, Message message, CancellationToken ct)
    {
        if (!Guid.TryParse(message.Body.StringMember("telegram"), out var id))
        {
            throw new InboundRefusal(400, "e.p.msg.bad-request", "a read receipt names the telegram");
        }

        var at = message.Body.TryIntegerMember("read_time", out long ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(ms, 0, 253_402_300_799_000))
            : Now;
        if (await Store.MarkReadByCounterpartAsync(id, tie.PeerDid, at, ct).ConfigureAwait(false))
        {
            Publish("telegram.read", tie.PeerDid, id);
        }
    }
}
