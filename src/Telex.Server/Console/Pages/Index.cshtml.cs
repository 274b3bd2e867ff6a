namespace Telex.Server.Console.Pages;

/// <summary>
/// The desk: what waits for this officer (drafts to clear or release, partners' coordination requests, unread flash
/// telegrams, their own returned drafts), issues with their status and unread counts, and the latest traffic.
/// </summary>
internal sealed class IndexModel(Agency agency) : ConsolePage(agency)
{
    /// <summary>How many issues and telegrams the desk shows.</summary>
    private const int Shown = 100;

    /// <summary>How many drafts, requests and flash telegrams of each kind the waiting list reads.</summary>
    private const int WaitingRead = 200;

    /// <summary>Issues, most recently changed first.</summary>
    public IReadOnlyList<DeskIssue> Issues { get; private set; } = [];

    /// <summary>The latest telegrams in and out.</summary>
    public IReadOnlyList<TelegramRecord> Latest { get; private set; } = [];

    /// <summary>What waits for the signed-in officer.</summary>
    public DeskWaiting Waiting { get; private set; } = DeskWaiting.Nothing;

    /// <summary>Reads the desk.</summary>
    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadNamesAsync(ct);
        var issues = await Agency.Issues.ListIssuesAsync(new IssueQuery { Limit = Shown }, ct);
        var desk = new List<DeskIssue>(issues.Count);
        foreach (var issue in issues)
        {
            var inbound = await Agency.Register.QueryAsync(new RegisterQuery { IssueId = issue.Id, Direction = Direction.Inbound, Limit = 1000 }, ct);
            var all = await Agency.Register.CountAsync(new RegisterQuery { IssueId = issue.Id }, ct);
            var highest = inbound.Where(t => t.ReadAt is null).Select(t => t.Precedence).DefaultIfEmpty(Precedence.Routine).Max();
            desk.Add(new DeskIssue(issue, Names.Of(issue.Counterpart), inbound.Count(t => t.ReadAt is null), all, highest));
        }

        Issues = desk;
        Latest = await Agency.Register.QueryAsync(new RegisterQuery { Limit = 20 }, ct);
        Waiting = await WaitingAsync(ct);
    }

    /// <summary>
    /// What waits for this officer, as their role allows: drafts whose clearance they may give now (the rule
    /// <see cref="DraftRecord.StepAwaiting"/> that clearing applies), cleared drafts to release and partners'
    /// coordination requests to answer (releasing officers and admins), their own drafts returned with a reason, and
    /// unread flash telegrams (not for auditors, whose reading marks nothing read).
    /// </summary>
    private async Task<DeskWaiting> WaitingAsync(CancellationToken ct)
    {
        if (!CanDraft)
        {
            return DeskWaiting.Nothing;
        }

        var toClear = (await Agency.Clearance.ListDraftsAsync(DraftStatus.AwaitingClearance, WaitingRead, ct)).Where(d => d.StepAwaiting(Officer, Role) >= 0).ToList();
        IReadOnlyList<DraftRecord> toRelease = CanSend ? await Agency.Clearance.ListDraftsAsync(DraftStatus.Cleared, WaitingRead, ct) : [];
        var returned = (await Agency.Clearance.ListDraftsAsync(DraftStatus.Returned, WaitingRead, ct)).Where(d => d.Drafter == Officer).ToList();
        IReadOnlyList<CoordinationRequest> requests = CanSend ? await Agency.Clearance.ListCoordinationRequestsAsync(ClearanceState.Pending, ct) : [];
        var flash = (await Agency.Register.QueryAsync(new RegisterQuery { Direction = Direction.Inbound, Precedence = Precedence.Flash, Limit = WaitingRead }, ct))
            .Where(t => t.ReadAt is null).ToList();
        return new DeskWaiting(toClear, toRelease, requests, flash, returned);
    }
}

/// <summary>An issue as the desk lists it.</summary>
/// <param name="Issue">The issue.</param>
/// <param name="CounterpartName">The counterpart's name.</param>
/// <param name="Unread">Inbound telegrams on it not yet opened.</param>
/// <param name="Telegrams">Telegrams on it, in and out.</param>
/// <param name="UnreadPrecedence">The highest precedence among the unread ones.</param>
internal sealed record DeskIssue(Issue Issue, string CounterpartName, int Unread, long Telegrams, Precedence UnreadPrecedence);

/// <summary>What waits for an officer on the desk.</summary>
/// <param name="ToClear">Drafts awaiting this officer's clearance.</param>
/// <param name="ToRelease">Cleared drafts awaiting a releasing officer.</param>
/// <param name="Requests">Partners' coordination requests awaiting an answer.</param>
/// <param name="Flash">Unread flash telegrams.</param>
/// <param name="Returned">This officer's drafts returned with a reason.</param>
internal sealed record DeskWaiting(
    IReadOnlyList<DraftRecord> ToClear,
    IReadOnlyList<DraftRecord> ToRelease,
    IReadOnlyList<CoordinationRequest> Requests,
    IReadOnlyList<TelegramRecord> Flash,
    IReadOnlyList<DraftRecord> Returned)
{
    /// <summary>Nothing waits.</summary>
    public static DeskWaiting Nothing { get; } = new([], [], [], [], []);

    /// <summary>How many things wait.</summary>
    public int Count => ToClear.Count + ToRelease.Count + Requests.Count + Flash.Count + Returned.Count;
}
