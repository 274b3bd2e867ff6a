using Microsoft.AspNetCore.Mvc;

using Telex.Core.Issues;

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

    /// <summary>The outcomes this agency names changes by.</summary>
    public IReadOnlyList<OutcomeTerm> Outcomes { get; private set; } = [];

    /// <summary>The names of the established ties an issue may be referred to.</summary>
    public IReadOnlyList<string> ReferralTargets { get; private set; } = [];

    /// <summary>
    /// The name of the agency that made a change: by its tie or directory entry when known here (as the API names it), else
    /// one a referral brought in by the name filed for it.
    /// </summary>
    public string AgencyName(string did) => Names.Knows(did) ? Names.Of(did) : History.Participants.FirstOrDefault(p => p.Did == did)?.Name ?? Names.Of(did);

    /// <summary>
    /// The agency a referral brought in: by the name filed here for its DID (<see cref="AgencyName"/>), for its
    /// <c>referred_to</c> text is its referrer's word; the text only for a referral that names no DID.
    /// </summary>
    public string ReferredName(string referredTo, string? referredToDid) => referredToDid is { } did ? AgencyName(did) : Names.OfText(referredTo);

    /// <summary>The DID of the agency the issue's latest referral brought in, if it names one.</summary>
    public string? ReferredToDid => History.Events.LastOrDefault(e => e.ReferredTo is not null)?.ReferredToDid;

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
        if (await TryAsync(async () => change = await Agency.Issues.ChangeIssueAsync(id, outcome ?? "", Blank(text), Blank(referredTo), Officer, shareHistory, ct)))
        {
            Notice = change!.ReferredTo is { } to ? $"Referred to {to}." : $"Outcome: {change.Named}.";
            return RedirectToPage(new { id });
        }

        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private async Task<bool> LoadAsync(string id, CancellationToken ct)
    {
        if (await Agency.Issues.GetIssueAsync(id, ct) is null)
        {
            return false;
        }

        History = await Agency.Issues.IssueHistoryAsync(id, ct);
        var unread = History.Entries.Select(e => e.Telegram).OfType<TelegramRecord>().Where(t => t.Direction == Direction.Inbound && t.ReadAt is null).ToList();
        if (unread.Count > 0 && Role != Role.Auditor)
        {
            foreach (var t in unread)
            {
                await RegisterReader.OpenAsync(Agency, t, User, ct);
            }

            History = await Agency.Issues.IssueHistoryAsync(id, ct);
        }

        await LoadNamesAsync(ct);
        CounterpartName = Names.Of(History.Issue.Counterpart);
        // Retired outcomes name changes in the history but are not offered for a new one.
        Outcomes = [.. (History.Issue.BureauId is { } bureau ? await Agency.Bureaus.BureauOutcomesAsync(bureau, ct) : await Agency.Issues.OutcomesAsync(ct)).Where(o => !o.Retired)];

        // Tied agencies, and those of the directory without a tie (a relay they are known to be tied with may reach them).
        var ties = await Agency.Ties.ListTiesAsync(ct);
        bool Eligible(string did) => did != History.Issue.Counterpart && History.Participants.All(p => p.Did != did);
        ReferralTargets = ties.Where(t => t.Status == TieStatus.Established && Eligible(t.PeerDid)).Select(t => t.PeerName)
            .Concat((await Agency.Directory.ListDirectoryAsync(ct)).Select(c => c.Entry).OfType<DirectoryEntry>()
                .Where(e => e.Did is { } did && Eligible(did) && ties.All(t => t.PeerDid != did || t.Status == TieStatus.None)).Select(e => e.Name))
            .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList();
        return true;
    }
}
