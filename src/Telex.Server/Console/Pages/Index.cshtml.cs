using Telex.Core;
using Telex.Core.Model;
using Telex.Core.Storage;
using Telex.Server.Api;

namespace Telex.Server.Console.Pages;

/// <summary>The desk: issues with their status and unread counts, and the latest traffic in and out.</summary>
internal sealed class IndexModel(Agency agency) : ConsolePage(agency)
{
    /// <summary>How many issues and telegrams the desk shows.</summary>
    private const int Shown = 100;

    /// <summary>Issues, most recently changed first.</summary>
    public IReadOnlyList<DeskIssue> Issues { get; private set; } = [];

    /// <summary>The latest telegrams in and out.</summary>
    public IReadOnlyList<TelegramRecord> Latest { get; private set; } = [];

    /// <summary>Counterpart names by DID.</summary>
    public IReadOnlyDictionary<string, string> Names { get; private set; } = new Dictionary<string, string>();

    /// <summary>Reads the desk.</summary>
    public async Task OnGetAsync(CancellationToken ct)
    {
        Names = await RegisterReader.CounterpartNamesAsync(Agency, ct);
        var issues = await Agency.Store.ListIssuesAsync(new IssueQuery { Limit = Shown }, ct);
        var desk = new List<DeskIssue>(issues.Count);
        foreach (var issue in issues)
        {
            var inbound = await Agency.Store.QueryAsync(new RegisterQuery { IssueId = issue.Id, Direction = Direction.Inbound, Limit = 1000 }, ct);
            var all = await Agency.Store.CountAsync(new RegisterQuery { IssueId = issue.Id }, ct);
            var highest = inbound.Where(t => t.ReadAt is null).Select(t => t.Precedence).DefaultIfEmpty(Precedence.Routine).Max();
            desk.Add(new DeskIssue(issue, Names.GetValueOrDefault(issue.Counterpart, issue.Counterpart), inbound.Count(t => t.ReadAt is null), all, highest));
        }

        Issues = desk;
        Latest = await Agency.Store.QueryAsync(new RegisterQuery { Limit = 20 }, ct);
    }
}

/// <summary>An issue as the desk lists it.</summary>
/// <param name="Issue">The issue.</param>
/// <param name="CounterpartName">The counterpart's name.</param>
/// <param name="Unread">Inbound telegrams on it not yet opened.</param>
/// <param name="Telegrams">Telegrams on it, in and out.</param>
/// <param name="UnreadPrecedence">The highest precedence among the unread ones.</param>
internal sealed record DeskIssue(Issue Issue, string CounterpartName, int Unread, long Telegrams, Precedence UnreadPrecedence);
