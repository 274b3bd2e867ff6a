using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Telex.Server.Console.Pages;

/// <summary>Sign-out (POST only, with the CSRF token): revokes the session's token in the store and removes the cookie.</summary>
internal sealed class SignOutModel(Sessions sessions, ILoggerFactory loggers) : PageModel
{
    /// <summary>A plain visit signs nothing out.</summary>
    public IActionResult OnGet() => LocalRedirect("/");

    /// <summary>Signs out.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (User.FindFirstValue(OfficerClaims.TokenHash) is { } hash)
        {
            await sessions.RevokeAsync(hash, ct);
            ApiLog.SignedOut(loggers.CreateLogger(ApiLog.Category), User.OfficerName());
        }

        ConsoleAuthentication.Clear(Response);
        return LocalRedirect("/sign-in");
    }
}
