using Microsoft.AspNetCore.Mvc;

namespace Telex.Server.Console.Pages;

/// <summary>A draft: its text, the clearances it waits on (each actionable by the officer it waits on), its log, and its release.</summary>
internal sealed class DraftModel(Agency agency) : ConsolePage(agency)
{
    /// <summary>The draft.</summary>
    public DraftRecord Draft { get; private set; } = null!;

    /// <summary>Its clearance log, oldest first.</summary>
    public IReadOnlyList<ClearanceLogEntry> Log { get; private set; } = [];

    /// <summary>The recipient's name.</summary>
    public string RecipientName { get; private set; } = "";

    /// <summary>The title of the issue the draft is on.</summary>
    public string? IssueTitle { get; private set; }

    /// <summary>True when a clearance step waits on the signed-in officer.</summary>
    public bool AwaitsMe { get; private set; }

    /// <summary>
    /// A log entry's detail as an officer reads it: agencies by name; a release's "telegram ID" left out, since the
    /// page links the telegram the draft became.
    /// </summary>
    public string? Detail(ClearanceLogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Detail is not { } detail || (entry.Action == "released" && detail == $"telegram {Draft.TelegramId}") ? null : Names.InText(detail);
    }

    /// <summary>Reads the draft.</summary>
    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    /// <summary>Gives the clearance the draft awaits from this officer.</summary>
    public Task<IActionResult> OnPostClearAsync(Guid id, CancellationToken ct) =>
        ActAsync(id, () => Agency.Clearance.ClearDraftAsync(id, Officer, Role, true, null, ct), "Cleared.", ct);

    /// <summary>Refuses it, with a reason: the draft returns to its drafter.</summary>
    public Task<IActionResult> OnPostRefuseAsync(Guid id, string? reason, CancellationToken ct) =>
        ActAsync(id, () => Agency.Clearance.ClearDraftAsync(id, Officer, Role, false, reason, ct), "Refused: the draft returns to its drafter.", ct);

    /// <summary>Releases a cleared draft (releasing officers and admins).</summary>
    public async Task<IActionResult> OnPostReleaseAsync(Guid id, CancellationToken ct)
    {
        if (!CanSend)
        {
            return Forbid();
        }

        TelegramRecord? released = null;
        if (await TryAsync(async () => released = await Agency.Clearance.ReleaseDraftAsync(id, Officer, ct)))
        {
            Notice = $"Released as No. {released!.Serial}.";
            return Redirect($"/telegrams/{released.Id}?direction=outbound");
        }

        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    /// <summary>The drafter revises a returned draft and submits it again.</summary>
    public Task<IActionResult> OnPostResubmitAsync(Guid id, string? subject, string? body, CancellationToken ct) =>
        ActAsync(id, () => Agency.Clearance.ResubmitDraftAsync(id, Officer, string.IsNullOrWhiteSpace(subject) ? null : subject, body, ct), "Submitted again.", ct);

    private async Task<IActionResult> ActAsync(Guid id, Func<Task> action, string done, CancellationToken ct)
    {
        if (!CanDraft)
        {
            return Forbid();
        }

        if (await TryAsync(action))
        {
            Notice = done;
            return RedirectToPage(new { id });
        }

        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await Agency.Clearance.GetDraftAsync(id, ct) is not { } draft)
        {
            return false;
        }

        Draft = draft;
        Log = await Agency.Clearance.ListClearanceLogAsync(id, ct);
        await LoadNamesAsync(ct);
        RecipientName = Names.Of(draft.Draft.To);
        IssueTitle = draft.Draft.IssueId is { } issue ? (await Agency.Issues.GetIssueAsync(issue, ct))?.Title : null;
        AwaitsMe = CanDraft && draft.StepAwaiting(Officer, Role) >= 0;
        return true;
    }
}
