using Microsoft.AspNetCore.Mvc;

using Telex.Core.Bureaus;
using Telex.Core.Issues;

namespace Telex.Server.Console.Pages;

/// <summary>
/// A bureau: its charter, readiness with coverage and who is missing (for the founder while it is proposed), members,
/// epochs and issues. Admins charter it (refused while premature, with the reason), accept its charter or leave it;
/// releasing officers and admins open a bureau issue and write a bulletin. The steps call the same domain methods as
/// the bureau endpoints of the API.
/// </summary>
internal sealed class BureauModel(Agency agency) : ConsolePage(agency)
{
    /// <summary>The bureau shown.</summary>
    public Bureau Bureau { get; private set; } = null!;

    /// <summary>Its readiness, when this agency founded it and it is still proposed.</summary>
    public BureauReadiness? Readiness { get; private set; }

    /// <summary>The epochs held here, oldest first.</summary>
    public IReadOnlyList<BureauEpoch> Epochs { get; private set; } = [];

    /// <summary>The bureau's issues.</summary>
    public IReadOnlyList<Issue> Issues { get; private set; } = [];

    /// <summary>Directory counterparts not yet named in the bureau, for its founder to name before the charter.</summary>
    public IReadOnlyList<Counterpart> Candidates { get; private set; } = [];

    /// <summary>This agency's place in the bureau, if any.</summary>
    public BureauMember? Me => Bureau.Member(Agency.Identity.Did);

    /// <summary>Whether this agency is in the current epoch, so can write bulletins.</summary>
    public bool InCurrentEpoch => Epochs.FirstOrDefault(e => e.Number == Bureau.Epoch)?.Includes(Agency.Identity.Did) == true;

    /// <summary>The name of an agency by DID.</summary>
    public string NameOf(string did) =>
        did == Agency.Identity.Did ? Agency.Identity.Name
        : Bureau.Member(did)?.Name ?? Names.Of(did);

    /// <summary>Reads the bureau.</summary>
    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    /// <summary>Charters the bureau (admins, the founder): refused while it is premature, with the coverage and who is missing.</summary>
    public Task<IActionResult> OnPostCharterAsync(Guid id, CancellationToken ct) =>
        StepAsync(id, () => Agency.Bureaus.CharterBureauAsync(id, ct), "Bureau chartered: its charter goes to every prospective member.", ct);

    /// <summary>Accepts the bureau's charter (admins of a prospective member).</summary>
    public Task<IActionResult> OnPostAcceptAsync(Guid id, CancellationToken ct) =>
        StepAsync(id, () => Agency.Bureaus.AcceptBureauAsync(id, ct), "Charter accepted: the secretariat adds this agency in the next epoch.", ct);

    /// <summary>Leaves the bureau (admins of a member).</summary>
    public Task<IActionResult> OnPostLeaveAsync(Guid id, CancellationToken ct) =>
        StepAsync(id, () => Agency.Bureaus.LeaveBureauAsync(id, ct), "This agency leaves the bureau.", ct);

    /// <summary>Names another prospective member, or a prospect known of by name only (admins of the founder, before the charter).</summary>
    public async Task<IActionResult> OnPostMemberAsync(Guid id, string? member, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(member))
        {
            Error = "Member: choose a counterpart from the directory.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return await LoadAsync(id, ct) ? Page() : NotFound();
        }

        return await StepAsync(id, () => Agency.Bureaus.AddBureauMemberAsync(id, member, ct), $"{member.Trim()} named for the bureau: nothing is sent before the charter.", ct);
    }

    /// <summary>Opens an issue shared by every member of the current epoch (releasing officers and admins).</summary>
    public async Task<IActionResult> OnPostIssueAsync(Guid id, string? title, CancellationToken ct)
    {
        if (!CanSend)
        {
            return Forbid();
        }

        if (string.IsNullOrWhiteSpace(title) || title.Length > IssueService.MaxIssueTitleLength)
        {
            Error = $"Title: required, at most {IssueService.MaxIssueTitleLength} characters.";
        }
        else
        {
            Issue? opened = null;
            if (await TryAsync(async () => opened = await Agency.BureauTraffic.OpenBureauIssueAsync(id, title.Trim(), Officer, ct)))
            {
                Notice = "Bureau issue opened.";
                return Redirect("/issues/" + Uri.EscapeDataString(opened!.Id));
            }
        }

        Response.StatusCode = StatusCodes.Status400BadRequest;
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    private async Task<IActionResult> StepAsync(Guid id, Func<Task> step, string done, CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        if (await TryAsync(step))
        {
            Notice = done;
            return Redirect($"/bureaus/{id}");
        }

        Response.StatusCode = StatusCodes.Status409Conflict;
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await Agency.Bureaus.FindBureauAsync(id, ct) is not { } bureau)
        {
            return false;
        }

        Bureau = bureau;
        Readiness = bureau.Status == BureauStatus.Proposed && bureau.Founder == Agency.Identity.Did ? await Agency.Bureaus.BureauReadinessAsync(id, ct) : null;
        Epochs = (await Agency.Bureaus.ListBureauEpochsAsync(id, ct)).OrderBy(e => e.Number).ToList();
        Issues = await Agency.Issues.ListIssuesAsync(new IssueQuery { Counterpart = bureau.IssueCounterpart, Limit = 1000 }, ct);
        await LoadNamesAsync(ct);
        Candidates = bureau.Status == BureauStatus.Proposed && bureau.Founder == Agency.Identity.Did
            ? (await Agency.Directory.ListDirectoryAsync(ct)).Where(c => c.Did != Agency.Identity.Did
                && (c.Did is null ? bureau.Prospects.All(p => p.EntryId != c.Entry?.Id) : bureau.Member(c.Did) is null)).ToList()
            : [];
        return true;
    }
}
