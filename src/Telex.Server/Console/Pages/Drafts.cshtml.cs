using Microsoft.AspNetCore.Mvc;

using Telex.Core;
using Telex.Core.Model;
using Telex.Server.Api;

namespace Telex.Server.Console.Pages;

/// <summary>Drafts and their clearance, and partner agencies' coordination requests waiting for an answer here.</summary>
internal sealed class DraftsModel(Agency agency) : ConsolePage(agency)
{
    /// <summary>Drafts, newest first.</summary>
    public IReadOnlyList<DraftRecord> Drafts { get; private set; } = [];

    /// <summary>Coordination requests from partners, newest first.</summary>
    public IReadOnlyList<CoordinationRequest> Requests { get; private set; } = [];

    /// <summary>Counterpart names by DID.</summary>
    public IReadOnlyDictionary<string, string> Names { get; private set; } = new Dictionary<string, string>();

    /// <summary>Reads the lists.</summary>
    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    /// <summary>Approves or refuses a partner's coordination request (releasing officers and admins).</summary>
    public async Task<IActionResult> OnPostAnswerAsync(Guid id, bool approve, string? reason, CancellationToken ct)
    {
        if (!CanSend)
        {
            return Forbid();
        }

        if (await TryAsync(() => Agency.AnswerCoordinationAsync(id, Officer, approve, string.IsNullOrWhiteSpace(reason) ? null : reason, ct)))
        {
            Notice = approve ? "Approved; the answer is on its way." : "Refused; the answer is on its way.";
            return RedirectToPage();
        }

        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Names = await RegisterReader.CounterpartNamesAsync(Agency, ct);
        Drafts = await Agency.Store.ListDraftsAsync(null, 200, ct);
        Requests = await Agency.Store.ListCoordinationRequestsAsync(null, ct);
    }
}
