using System.Globalization;

using Microsoft.AspNetCore.Mvc;

using Telex.Core.Register;

namespace Telex.Server.Console.Pages;

/// <summary>
/// The register: full-text search with filters (counterpart, issue, precedence, status, direction, dates), paged, imported
/// history listed after the traffic and marked as such; the exports; and verification of the whole chain with its result.
/// </summary>
internal sealed class RegisterModel(Agency agency) : ConsolePage(agency)
{
    /// <summary>Rows per page.</summary>
    public const int PageSize = 50;

    /// <summary>Full text.</summary>
    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Q { get; set; }

    /// <summary>Counterpart DID.</summary>
    [BindProperty(SupportsGet = true, Name = "counterpart")]
    public string? Counterpart { get; set; }

    /// <summary>Issue id.</summary>
    [BindProperty(SupportsGet = true, Name = "issue")]
    public string? IssueId { get; set; }

    /// <summary>Precedence.</summary>
    [BindProperty(SupportsGet = true, Name = "precedence")]
    public Precedence? Precedence { get; set; }

    /// <summary>Status.</summary>
    [BindProperty(SupportsGet = true, Name = "status")]
    public TelegramStatus? Status { get; set; }

    /// <summary>Direction.</summary>
    [BindProperty(SupportsGet = true, Name = "direction")]
    public Direction? Direction { get; set; }

    /// <summary>Registered on or after this day (UTC).</summary>
    [BindProperty(SupportsGet = true, Name = "from")]
    public DateOnly? From { get; set; }

    /// <summary>Registered on or before this day (UTC).</summary>
    [BindProperty(SupportsGet = true, Name = "until")]
    public DateOnly? Until { get; set; }

    /// <summary>Page, from 1.</summary>
    [BindProperty(SupportsGet = true, Name = "page")]
    public int PageNumber { get; set; } = 1;

    /// <summary>The matching entries on this page.</summary>
    public IReadOnlyList<TelegramRecord> Results { get; private set; } = [];

    /// <summary>How many entries match.</summary>
    public long Total { get; private set; }

    /// <summary>Counterparts to filter by.</summary>
    public IReadOnlyList<Tie> Ties { get; private set; } = [];

    /// <summary>Issues to filter by.</summary>
    public IReadOnlyList<Issue> Issues { get; private set; } = [];

    /// <summary>The verification just run.</summary>
    public VerifyReport? Report { get; private set; }

    /// <summary>The query string of the current search, for paging links.</summary>
    public string QueryFor(int page) => string.Join("&", new (string, string?)[]
    {
        ("q", Q), ("counterpart", Counterpart), ("issue", IssueId), ("precedence", Precedence?.ToString()), ("status", Status?.ToString()),
        ("direction", Direction?.ToString()), ("from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        ("until", Until?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("page", page.ToString(CultureInfo.InvariantCulture)),
    }.Where(p => !string.IsNullOrEmpty(p.Item2)).Select(p => p.Item1 + "=" + Uri.EscapeDataString(p.Item2!)));

    /// <summary>Searches.</summary>
    public async Task OnGetAsync(CancellationToken ct) => await SearchAsync(ct);

    /// <summary>Verifies the register and shows the result with the search.</summary>
    public async Task OnPostVerifyAsync(CancellationToken ct)
    {
        Report = await Agency.Register.VerifyRegisterAsync(ct);
        await SearchAsync(ct);
    }

    private async Task SearchAsync(CancellationToken ct)
    {
        var ties = await Agency.Ties.ListTiesAsync(ct);
        Ties = ties.OrderBy(t => t.PeerName, StringComparer.Ordinal).ToList();
        await LoadNamesAsync(ct);
        Issues = await Agency.Issues.ListIssuesAsync(new IssueQuery { Limit = 1000 }, ct);
        if (Q is { Length: > 1000 })
        {
            Error = "Search: at most 1000 characters.";
            return;
        }

        PageNumber = Math.Clamp(PageNumber, 1, 10_000);
        var query = new RegisterQuery
        {
            Text = string.IsNullOrWhiteSpace(Q) ? null : Q.Trim(),
            Counterpart = string.IsNullOrEmpty(Counterpart) ? null : Counterpart,
            IssueId = string.IsNullOrEmpty(IssueId) ? null : IssueId,
            Precedence = Precedence,
            Status = Status,
            Direction = Direction,
            From = From is { } f ? new DateTimeOffset(f.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
            Until = Until is { } u ? new DateTimeOffset(u.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
            Limit = PageSize,
            Offset = (PageNumber - 1) * PageSize,
            Imported = ImportedScope.Included,
        };
        try
        {
            Results = await Agency.Register.QueryAsync(query, ct);
            Total = await Agency.Register.CountAsync(query, ct);
        }
        catch (TelexException e)
        {
            Error = "Search: " + e.Message;
        }
    }
}
