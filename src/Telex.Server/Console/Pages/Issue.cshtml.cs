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

    /// <summary>The outcomes this agency names changes by.</summary>
    public IReadOnlyList<OutcomeTerm> Outcomes { get; private set; } = [];

    /// <summary>The names of the established ties an issue may be referred to.</summary>
    public IReadOnlyList<string> ReferralTargets { get; private set; } = [];

    /// <summary>The name of the agency that made a change: this one, a participant, or the counterpart.</summary>
    public string AgencyName(string did) => did == Agency.Identity.Did ? Agency.Identity.Name
        : History.Participants.FirstOrDefault(p => p.Did == did)?.Name ?? CounterpartName;

    /// <summary>Reads the thread.</summary>
    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    /// <summary>
    /// Changes the issue with an outcome of the vocabulary and its text (releasing officers and admins); a referral
    /// brings the named tied agency in. Every agency taking part receives the change.
    /// </summary>
    public async Task<IActionResult> OnPostStatusAsync(string id, string? outcome, string? text, string? referredTo, bool shareHistory, CancellationToken ct)
    {
        if (!CanSend)
        {
            return Forbid();
        }

        IssueEvent? change = null;
        if (await TryAsync(async () => change = await Agency.ChangeIssueAsync(id, outcome ?? "", Blank(text), Blank(referredTo), Officer, shareHistory, ct)))
        {
            Notice = change!.ReferredTo is { } to ? $"Referred to {to}." : $"Outcome: {change.Named}.";
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
        Outcomes = await Agency.OutcomesAsync(ct);
        ReferralTargets = (await Agency.Store.ListTiesAsync(ct))
            .Where(t => t.Status == TieStatus.Established && t.PeerDid != tie?.PeerDid && History.Participants.All(p => p.Did != t.PeerDid))
            .Select(t => t.PeerName).Order(StringComparer.OrdinalIgnoreCase).ToList();
        return true;
    }
}
