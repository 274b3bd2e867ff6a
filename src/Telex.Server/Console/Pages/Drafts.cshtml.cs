using Microsoft.AspNetCore.Mvc;

namespace Telex.Server.Console.Pages;

/// <summary>Drafts and their clearance, and partner agencies' coordination requests waiting for an answer here.</summary>
internal sealed class DraftsModel(Agency agency) : ConsolePage(agency)
{
    /// <summary>Drafts, newest first.</summary>
    public IReadOnlyList<DraftRecord> Drafts { get; private set; } = [];

    /// <summary>Coordination requests from partners, newest first.</summary>
    public IReadOnlyList<CoordinationRequest> Requests { get; private set; } = [];

    /// <summary>Reads the lists.</summary>
    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    /// <summary>Approves or refuses a partner's coordination request (releasing officers and admins).</summary>
    public async Task<IActionResult> OnPostAnswerAsync(Guid id, bool approve, string? reason, CancellationToken ct)
    {
        if (!CanSend)
        {
            return Forbid();
        }

        if (await TryAsync(() => Agency.Clearance.AnswerCoordinationAsync(id, Officer, approve, string.IsNullOrWhiteSpace(reason) ? null : reason, ct)))
        {
            Notice = approve ? "Approved; the answer is on its way." : "Refused; the answer is on its way.";
            return RedirectToPage();
        }

        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        await LoadNamesAsync(ct);
        Drafts = await Agency.Clearance.ListDraftsAsync(null, 200, ct);
        Requests = await Agency.Clearance.ListCoordinationRequestsAsync(null, ct);
    }
}
