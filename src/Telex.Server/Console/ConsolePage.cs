using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Telex.Server.Console;

/// <summary>What every console page knows: the agency, the signed-in officer and what their role allows.</summary>
internal abstract class ConsolePage(Agency agency) : PageModel
{
    /// <summary>The agency this node serves.</summary>
    public Agency Agency { get; } = agency;

    /// <summary>The signed-in officer's name.</summary>
    public string Officer => User.OfficerName();

    /// <summary>The signed-in officer's role.</summary>
    public Role Role => User.OfficerRole();

    /// <summary>Releasing officers and admins release telegrams and change issues.</summary>
    public bool CanSend => Role is Role.ReleasingOfficer or Role.Admin;

    /// <summary>Everyone but auditors drafts and clears.</summary>
    public bool CanDraft => Role is not Role.Auditor;

    /// <summary>Admins manage ties and officers.</summary>
    public bool IsAdmin => Role == Role.Admin;

    /// <summary>What went wrong with the last action, shown at the top of the page.</summary>
    public string? Error { get; set; }

    /// <summary>What the last action did, carried over a redirect.</summary>
    [Microsoft.AspNetCore.Mvc.TempData]
    public string? Notice { get; set; }

    /// <summary>The names agencies are shown by, as <see cref="LoadNamesAsync"/> last read them.</summary>
    public AgencyNames Names { get; private set; } = null!;

    /// <summary>Reads the names agencies are shown by (<see cref="AgencyNames"/>) into <see cref="Names"/>.</summary>
    protected async Task<AgencyNames> LoadNamesAsync(CancellationToken ct) =>
        Names = await AgencyNames.LoadAsync(Agency, ct).ConfigureAwait(false);

    /// <summary>
    /// Runs an action; a refusal by the domain becomes the page's error message instead of an error page, with the
    /// agencies it names by DID named by name.
    /// </summary>
    protected async Task<bool> TryAsync(Func<Task> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            await action().ConfigureAwait(false);
            return true;
        }
        catch (TelexException e)
        {
            Error = (await AgencyNames.LoadAsync(Agency, HttpContext.RequestAborted).ConfigureAwait(false)).InText(e.Message);
            return false;
        }
    }
}
