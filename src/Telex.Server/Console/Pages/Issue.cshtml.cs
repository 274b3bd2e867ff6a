using Microsoft.AspNetCore.Mvc;

using Telex.Core;
using Telex.Core.Model;
using Telex.Server.Api;

namespace Telex.Server.Console.Pages;

/// <summary>
/// An issue's thread, the reading pane: its telegrams in full (numbers, precedence, sender, time, text, receipts and
/// read receipts, with reply, quote and forward) and its status changes, in the order both agencies share. Showing the
/// thread opens the inbound telegrams it shows, as opening a telegram's page does: they are marked read (and read
/// receipts go where the tie allows), except for auditors, who inspect without touching.
/// </summary>
internal sealed class IssueModel(Agency agency) : ConsolePage(agency)
{
    /// <summary>The issue's history.</summary>
    public IssueHistory History { get; private set; } = null!;

    /// <summary>The counterpart's name.</summary>
    public string CounterpartName { get; private set; } = "";

    /// <summary>Agency names by DID.</summary>
    public AgencyNames Names { get; private set; } = null!;

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
        var unread = History.Entries.Select(e => e.Telegram).OfType<TelegramRecord>().Where(t => t.Direction == Direction.Inbound && t.ReadAt is null).ToList();
        if (unread.Count > 0 && Role != Role.Auditor)
        {
            foreach (var t in unread)
            {
                await RegisterReader.OpenAsync(Agency, t, User, ct);
            }

            History = await Agency.IssueHistoryAsync(id, ct);
        }

        Names = await AgencyNames.LoadAsync(Agency, ct);
        CounterpartName = Names.Of(History.Issue.Counterpart);
        return true;
    }
}
