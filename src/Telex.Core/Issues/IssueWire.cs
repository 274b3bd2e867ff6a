using System.Buffers;

namespace Telex.Core.Issues;

/// <summary>
/// Issue events as they travel between agencies: written for a peer, and read from one with everything out of bounds
/// refused. Shared by an agency's own issues, referrals and a bureau's issues.
/// </summary>
internal static class IssueWire
{
    /// <summary>Longest issue id accepted from a peer (a UUID is 36).</summary>
    public const int MaxIssueIdLength = 200;

    /// <summary>
    /// What a peer's issue id may contain: enough for UUIDs and readable ids, and safe in a URL path segment (dots alone are
    /// refused besides: <c>.</c> and <c>..</c> are path steps, and a link to such an issue would lead elsewhere).
    /// </summary>
    private static readonly SearchValues<char> IssueIdChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    /// <summary>The opening event of a new issue opened here: a fresh id, clock 1, open, the title trimmed. Throws when the title is invalid.</summary>
    public static IssueEvent NewOpening(string title, string? officer, string agency, DateTimeOffset at)
    {
        if (string.IsNullOrWhiteSpace(title) || title.Length > IssueService.MaxIssueTitleLength)
        {
            throw new TelexException(TelexErrorKind.Invalid, $"an issue needs a title of 1 to {IssueService.MaxIssueTitleLength} characters");
        }

        return new IssueEvent
        {
            Id = Guid.NewGuid(),
            IssueId = Guid.NewGuid().ToString(),
            Clock = 1,
            Agency = agency,
            Officer = officer,
            At = at,
            Status = IssueStatus.Open,
            Title = title.Trim(),
        };
    }

    /// <summary>A change of an issue's status made here: a fresh id, at <paramref name="clock"/>, named by <paramref name="outcome"/>.</summary>
    public static IssueEvent NewChange(string issueId, long clock, string agency, string? officer, DateTimeOffset at, OutcomeTerm outcome, string text,
        string? referredTo, string? referredToDid = null) => new()
        {
            Id = Guid.NewGuid(),
            IssueId = issueId,
            Clock = clock,
            Agency = agency,
            Officer = officer,
            At = at,
            Status = outcome.Means,
            Term = outcome.Term,
            Outcome = text,
            ReferredTo = referredTo,
            ReferredToDid = referredToDid,
        };

    public static Issue IssueFrom(IssueEvent opening, string counterpart) => new()
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

    /// <summary>
    /// An issue event as it travels. An event another agency made (passed on to the agencies taking part) names that
    /// agency as <c>agency</c>; the sender's signature vouches for it.
    /// </summary>
    public static JsonObject EventJson(IssueEvent e, string ownDid)
    {
        var body = new JsonObject
        {
            ["issue"] = e.IssueId,
            ["event"] = e.Id.ToString(),
            ["clock"] = e.Clock,
            ["status"] = e.Status.ToString().ToLowerInvariant(),
            ["time"] = e.At.ToUnixTimeMilliseconds(),
        };
        foreach (var (name, value) in new[]
        {
            ("title", e.Title), ("outcome", e.Outcome), ("term", e.Term), ("referred_to", e.ReferredTo), ("referred_to_did", e.ReferredToDid),
            ("officer", e.Officer), ("agency", e.Agency == ownDid ? null : e.Agency),
        })
        {
            if (value is not null)
            {
                body[name] = value;
            }
        }

        return body;
    }

    /// <summary>Reads an issue event from a peer's message; refuses anything out of bounds.</summary>
    public static IssueEvent ParseEvent(Message message, bool opening) =>
        ParseEvent(message.Body, message.From!, message.Thid, opening, passedOn: false);

    /// <summary>
    /// Reads an issue event; refuses anything out of bounds. The event is the sender's own unless
    /// <paramref name="passedOn"/> allows it to name another agency (<c>agency</c>) that made it.
    /// </summary>
    public static IssueEvent ParseEvent(JsonElement b, string sender, string? thid, bool opening, bool passedOn)
    {
        string? issueId = b.StringMember("issue");
        if (issueId is null || issueId.Length is 0 or > MaxIssueIdLength || issueId.AsSpan().ContainsAnyExcept(IssueIdChars) || issueId.All(char.IsAsciiDigit)
            || issueId.All(c => c == '.')
            || (thid is not null && thid != issueId)
            || !Guid.TryParse(b.StringMember("event"), out var eventId)
            || !b.TryIntegerMember("clock", out long clock) || clock < 1 || clock > long.MaxValue / 2
            || !b.TryIntegerMember("time", out long ms))
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "an issue event needs the issue, an event id, a clock and a time");
        }

        string? statusName = b.StringMember("status");
        if (statusName is null || !statusName.All(char.IsAsciiLetterLower) || !Enum.TryParse<IssueStatus>(statusName, ignoreCase: true, out var status))
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "unknown issue status");
        }

        string? title = b.StringMember("title"), outcome = b.StringMember("outcome"), referredTo = b.StringMember("referred_to"), officer = b.StringMember("officer");
        string? term = b.StringMember("term"), referredToDid = b.StringMember("referred_to_did"), agency = b.StringMember("agency");
        bool valid = opening
            ? clock == 1 && status == IssueStatus.Open && title is { Length: > 0 and <= IssueService.MaxIssueTitleLength } && term is null && referredToDid is null
            : clock > 1 && title is null && outcome is { Length: > 0 and <= IssueService.MaxOutcomeLength }
              && (status == IssueStatus.Referred ? referredTo is { Length: > 0 and <= IssueService.MaxReferredToLength } : referredTo is null && referredToDid is null);
        if (!valid || !PeerText.IsOptionalName(officer) || !PeerText.IsOptionalName(referredTo, IssueService.MaxReferredToLength)
            || (term is not null && !OutcomeVocabulary.IsTerm(term)) || (referredToDid is not null && !IsPeerDid(referredToDid)))
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", opening
                ? "an opening carries clock 1, status open and a title of at most 500 characters"
                : "a status change carries a clock above 1, an outcome, and an agency referred to exactly when referred");
        }

        if (agency is not null && agency != sender && (!passedOn || !IsPeerDid(agency)))
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "an issue event names another agency as its maker only where events are passed on");
        }

        return new IssueEvent
        {
            Id = eventId,
            IssueId = issueId,
            Clock = clock,
            Agency = agency ?? sender,
            Officer = officer,
            At = DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(ms, 0, 253_402_300_799_000)),
            Status = status,
            Term = term,
            Title = title,
            Outcome = outcome,
            ReferredTo = referredTo,
            ReferredToDid = referredToDid,
        };
    }

    /// <summary>Whether <paramref name="did"/> is a did:peer DID of at most 8,192 characters.</summary>
    public static bool IsPeerDid(string did) => did.Length <= 8192 && did.StartsWith(DidPeer.Prefix, StringComparison.Ordinal);
}
