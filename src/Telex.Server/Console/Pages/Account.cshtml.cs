using Microsoft.AspNetCore.Mvc;

namespace Telex.Server.Console.Pages;

/// <summary>The signed-in officer's account: their role, and changing their password (required after a one-time password).</summary>
internal sealed class AccountModel(Agency agency, TelexOptions options, SignInGuard guard, Sessions sessions, TimeProvider time,
    ILoggerFactory loggers) : ConsolePage(agency)
{
    /// <summary>True while the officer still has a one-time password.</summary>
    public bool MustChange { get; private set; }

    /// <summary>Shortest new password.</summary>
    public static int MinLength => OfficerSignIn.MinPasswordLength;

    /// <summary>Reads the account.</summary>
    public async Task OnGetAsync(CancellationToken ct) =>
        MustChange = (await Agency.Officers.FindOfficerAsync(Officer, ct))?.MustChangePassword == true;

    /// <summary>Changes the password.</summary>
    public async Task<IActionResult> OnPostAsync(string? current, string? replacement, CancellationToken ct)
    {
        var refusal = await OfficerSignIn.ChangePasswordAsync(Officer, current, replacement, User.FindFirstValue(OfficerClaims.TokenHash),
            Agency, options, guard, sessions, time, loggers.CreateLogger(ApiLog.Category), ct);
        if (refusal is null)
        {
            Notice = "Password changed.";
            return Redirect("/");
        }

        Error = refusal.Field switch
        {
            "current" => "Current password: " + refusal.Detail + ".",
            "new" => "New password: " + refusal.Detail + ".",
            _ => char.ToUpperInvariant(refusal.Detail[0]) + refusal.Detail[1..] + ".",
        };
        MustChange = (await Agency.Officers.FindOfficerAsync(Officer, ct))?.MustChangePassword == true;
        return Page();
    }
}
