using Microsoft.AspNetCore.Mvc;

using Telex.Core.Bureaus;

namespace Telex.Server.Console.Pages;

/// <summary>
/// Bureaus: every bureau this agency founded or was named in, with its status and, for the bureaus it proposed, its
/// readiness; admins propose a bureau from the directory's counterparts, as <c>POST /api/bureaus</c> does.
/// </summary>
internal sealed class BureausModel(Agency agency) : ConsolePage(agency)
{
    /// <summary>The bureaus, most recently changed first.</summary>
    public IReadOnlyList<Bureau> Bureaus { get; private set; } = [];

    /// <summary>Readiness of the proposed bureaus this agency founded, by bureau.</summary>
    public IReadOnlyDictionary<Guid, BureauReadiness> Readiness { get; private set; } = new Dictionary<Guid, BureauReadiness>();

    /// <summary>Every counterpart in the directory: one with a DID is named by it, one known of by name only is a prospect.</summary>
    public IReadOnlyList<Counterpart> Candidates { get; private set; } = [];

    /// <summary>Reads the bureaus.</summary>
    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    /// <summary>Proposes a bureau founded by this agency (admins); nothing is sent before it is chartered.</summary>
    public async Task<IActionResult> OnPostProposeAsync(string? name, string? purpose, List<string>? members, int? quorum, CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        members = (members ?? []).Where(m => !string.IsNullOrWhiteSpace(m)).ToList();
        if (string.IsNullOrWhiteSpace(name))
        {
            Error = "Name: required.";
        }
        else if (string.IsNullOrWhiteSpace(purpose))
        {
            Error = "Purpose: required.";
        }
        else if (members.Count == 0)
        {
            Error = "Members: name at least one prospective member.";
        }
        else if (quorum is < 1)
        {
            Error = "Quorum: at least 1, or leave it empty for every member.";
        }
        else
        {
            Bureau? proposed = null;
            if (await TryAsync(async () => proposed = await Agency.Bureaus.ProposeBureauAsync(name.Trim(), purpose.Trim(), members,
                quorum is { } n ? new ReadinessRule(n) : ReadinessRule.All, null, ct)))
            {
                Notice = $"Bureau {proposed!.Name} proposed: charter it once it is ready.";
                return Redirect($"/bureaus/{proposed.Id}");
            }
        }

        Response.StatusCode = StatusCodes.Status400BadRequest;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Bureaus = await Agency.Bureaus.ListBureausAsync(ct);
        var readiness = new Dictionary<Guid, BureauReadiness>();
        foreach (var b in Bureaus.Where(b => b.Status == BureauStatus.Proposed && b.Founder == Agency.Identity.Did))
        {
            readiness[b.Id] = await Agency.Bureaus.BureauReadinessAsync(b.Id, ct);
        }

        Readiness = readiness;
        Candidates = (await Agency.Directory.ListDirectoryAsync(ct)).Where(c => c.Did != Agency.Identity.Did)
            .OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }
}
