using Microsoft.AspNetCore.Mvc;

namespace Telex.Server.Console.Pages;

/// <summary>
/// Officers (admins only, by the page's policy): who signs in with which role, who is locked out or disabled; adding an
/// officer or resetting a password shows the one-time password once; unlock, disable, enable, change role and remove,
/// each refused with the reason when it would leave the agency without an enabled admin; and the administration history
/// from the register's chain, lockouts included.
/// </summary>
internal sealed class OfficersModel(Agency agency, Sessions sessions, SignInGuard guard, TimeProvider time, ILoggerFactory loggers) : ConsolePage(agency)
{
    /// <summary>Administration events shown.</summary>
    private const int HistoryShown = 50;

    /// <summary>All officers by name.</summary>
    public IReadOnlyList<Officer> Officers { get; private set; } = [];

    /// <summary>The latest acts of officer administration, newest first.</summary>
    public IReadOnlyList<OfficerEvent> History { get; private set; } = [];

    /// <summary>Now, to tell who is locked out.</summary>
    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>The officer just added or reset and their one-time password.</summary>
    public (string Name, string Password)? Created { get; private set; }

    /// <summary>Reads the list.</summary>
    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    /// <summary>Adds an officer with a one-time password they change at first sign-in.</summary>
    public async Task<IActionResult> OnPostAsync(string? name, Role role, CancellationToken ct)
    {
        name = name?.Trim();
        if (Telex.Server.Officers.CheckName(name) is { } problem)
        {
            Error = "Name: " + problem + ".";
        }
        else if (await Telex.Server.Officers.TryAddAsync(Agency, Officer, name!, role, time.GetUtcNow(), ct) is { } password)
        {
            ApiLog.OfficerCreated(loggers.CreateLogger(ApiLog.Category), Officer, name!, role);
            Created = (name!, password);
        }
        else
        {
            Error = $"An officer named {name} exists already.";
        }

        await LoadAsync(ct);
        return Page();
    }

    /// <summary>Gives the officer a new one-time password, shown once; their sessions end.</summary>
    public Task<IActionResult> OnPostResetAsync(string name, CancellationToken ct) =>
        ActAsync(OfficerAction.PasswordReset, name, null, $"{name} has a new one-time password; their sessions have ended.", ct);

    /// <summary>Lifts a lockout.</summary>
    public Task<IActionResult> OnPostUnlockAsync(string name, CancellationToken ct) =>
        ActAsync(OfficerAction.Unlocked, name, null, $"{name} may sign in again.", ct);

    /// <summary>Disables an officer: no sign-in, sessions end.</summary>
    public Task<IActionResult> OnPostDisableAsync(string name, CancellationToken ct) =>
        ActAsync(OfficerAction.Disabled, name, null, $"{name} is disabled; their sessions have ended.", ct);

    /// <summary>Enables an officer again.</summary>
    public Task<IActionResult> OnPostEnableAsync(string name, CancellationToken ct) =>
        ActAsync(OfficerAction.Enabled, name, null, $"{name} is enabled.", ct);

    /// <summary>Gives an officer another role, in effect at their next request.</summary>
    public Task<IActionResult> OnPostRoleAsync(string name, Role role, CancellationToken ct) =>
        ActAsync(OfficerAction.RoleChanged, name, role, $"{name} is now {RoleNames.Of(role)}.", ct);

    /// <summary>Removes an officer; their sessions end.</summary>
    public Task<IActionResult> OnPostRemoveAsync(string name, CancellationToken ct) =>
        ActAsync(OfficerAction.Removed, name, null, $"{name} is removed.", ct);

    /// <summary>One line saying what an administration event did, for the history.</summary>
    public static string Summary(OfficerEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Action switch
        {
            OfficerAction.Added => $"{e.Officer} added as {RoleOf(e.Role)}",
            OfficerAction.PasswordReset => $"{e.Officer}: password reset" + (e.Offline ? " offline" : ""),
            OfficerAction.Unlocked => $"{e.Officer} unlocked",
            OfficerAction.Disabled => $"{e.Officer} disabled",
            OfficerAction.Enabled => $"{e.Officer} enabled",
            OfficerAction.RoleChanged => $"{e.Officer}: role changed from {RoleOf(e.PreviousRole)} to {RoleOf(e.Role)}",
            OfficerAction.Removed => $"{e.Officer} removed",
            OfficerAction.LockedOut => $"{e.Officer} locked out after failed sign-ins until {(e.Until is { } u ? Describe.Time(u) : "?")}",
            _ => $"{e.Officer}: {OfficerEvent.Name(e.Action)}",
        };
    }

    private static string RoleOf(Role? role) => role is { } r ? RoleNames.Of(r) : "?";

    private async Task<IActionResult> ActAsync(OfficerAction action, string name, Role? role, string done, CancellationToken ct)
    {
        string? password = null;
        OfficerEvent? filed = null;
        bool acted = await TryAsync(async () => (filed, password) = await Telex.Server.Officers.AdministerAsync(Agency, sessions, guard, Officer, action, name,
            role, time.GetUtcNow(), loggers.CreateLogger(ApiLog.Category), ct));
        if (password is not null)
        {
            // Shown on this answer only, never carried over a redirect.
            Created = (name, password);
        }
        else if (acted)
        {
            Notice = filed is null ? $"Nothing to change: {name} stands so already." : done;

            // An admin who disabled or removed themselves has no session left: the sign-in page follows.
            return Redirect(filed is not null && name == Officer && action is OfficerAction.Disabled or OfficerAction.Removed ? "/sign-in" : "/officers");
        }

        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Officers = await Agency.Officers.ListOfficersAsync(ct);
        History = await Agency.Officers.ListOfficerEventsAsync(null, HistoryShown, ct);
    }
}
