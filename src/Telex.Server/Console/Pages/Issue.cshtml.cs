using Microsoft.AspNetCore.Mvc;

using Telex.Core;
using Telex.Core.Model;

namespace Telex.Server.Console.Pages;

/// <summary>An issue's thread: its telegrams (with receipts and read receipts) and status changes, in the order both agencies share.</summary>
internal sealed class IssueModel(Agency agency) : ConsolePage(agency)
{
    /// <summary>The issue's history.</summary>
    public IssueHistory History { get; private set; } = null!;

    /// <summary>The counterpart's name.</summary>
    public string CounterpartName { get; private set; } = "";

    /// <summary>Reads the thread.</summary>
    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    /// <summary>Changes the issue's status (releasing officers and admins); the counterpart receives the change.</summary>
    public async Task<IActionResult> OnPostStatusAsync(string id, IssueStatus status, string? outcome, string? referredTo, CancellationToken ct)
    {
        if (!CanSend)
        {
            return Forbid();
        }

        if (await TryAsync(() => Agency.ChangeIssueStatusAsync(id, status, Blank(outcome), Blank(referredTo), Officer, ct)))
        {
            Notice = $"Status changed to {Describe.Of(status)}.";
            return RedirectToPage(new { id });
        }

        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private async Task<bool> LoadAsync(string id, CancellationToken ct)
    {
        if (await Agency.Store.GetIssueAsync(id, ct) is null)
        {
            return false;
        }

        History = await Agency.IssueHistoryAsync(id, ct);
        var tie = await Agency.Store.GetTieAsync(History.Issue.Counterpart, ct);
        CounterpartName = tie?.PeerName ?? History.Issue.Counterpart;
        return true;
    }
}
