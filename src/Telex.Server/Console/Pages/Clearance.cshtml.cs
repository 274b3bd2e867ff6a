using Microsoft.AspNetCore.Mvc;

namespace Telex.Server.Console.Pages;

/// <summary>The agency's clearance policy: every officer reads it; admins add and remove rules.</summary>
internal sealed class ClearanceModel(Agency agency) : ConsolePage(agency)
{
    /// <summary>The rules.</summary>
    public IReadOnlyList<ClearanceRule> Rules { get; private set; } = [];

    /// <summary>Established ties: counterparts and partners a rule can name.</summary>
    public IReadOnlyList<Tie> Ties { get; private set; } = [];

    /// <summary>A counterpart's name by DID.</summary>
    public string NameOf(string did) => Names.Of(did);

    /// <summary>Reads the policy.</summary>
    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    /// <summary>Adds a rule (admins).</summary>
    public async Task<IActionResult> OnPostAddAsync(string? counterpart, Precedence? minPrecedence, string? officers, bool anyReleasingOfficer,
        string? partner, CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        var rule = new ClearanceRule
        {
            Id = Guid.NewGuid(),
            Counterpart = string.IsNullOrEmpty(counterpart) ? null : counterpart,
            MinPrecedence = minPrecedence,
            Officers = (officers ?? "").Split([',', '\n', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            AnyReleasingOfficer = anyReleasingOfficer,
            Partner = string.IsNullOrEmpty(partner) ? null : partner,
        };
        if (await TryAsync(() => Agency.Clearance.AddClearanceRuleAsync(rule, ct)))
        {
            Notice = "Rule added.";
            return RedirectToPage();
        }

        await LoadAsync(ct);
        return Page();
    }

    /// <summary>Removes a rule (admins).</summary>
    public async Task<IActionResult> OnPostRemoveAsync(Guid id, CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        Notice = await Agency.Clearance.RemoveClearanceRuleAsync(id, ct) ? "Rule removed." : "There was no such rule.";
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Rules = await Agency.Clearance.GetClearanceRulesAsync(ct);
        await LoadNamesAsync(ct);
        Ties = (await Agency.Ties.ListTiesAsync(ct)).Where(t => t.Status == TieStatus.Established).OrderBy(t => t.PeerName, StringComparer.Ordinal).ToList();
    }
}
