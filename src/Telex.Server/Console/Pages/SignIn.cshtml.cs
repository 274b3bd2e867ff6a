using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Telex.Server.Console.Pages;

/// <summary>
/// Sign-in by name and password, by the same rules and lockout as the client API; success sets the session cookie.
/// An officer who must change a one-time password is sent to their account page first.
/// </summary>
internal sealed class SignInModel(Agency agency, TelexOptions options, TimeProvider time, ILoggerFactory loggers) : PageModel
{
    /// <summary>This agency's name.</summary>
    public string AgencyName => agency.Identity.Name;

    /// <summary>The name typed, kept when the sign-in fails.</summary>
    public string? Name { get; set; }

    /// <summary>Where to go after signing in (a local path only).</summary>
    public string? ReturnUrl { get; set; }

    /// <summary>Why the sign-in failed.</summary>
    public string? Error { get; set; }

    /// <summary>Shows the form (or the desk, when already signed in).</summary>
    public IActionResult OnGet(string? returnUrl)
    {
        ReturnUrl = returnUrl;
        return User.Identity?.IsAuthenticated == true ? LocalRedirect(Safe(returnUrl)) : Page();
    }

    /// <summary>Signs in.</summary>
    public async Task<IActionResult> OnPostAsync(string? name, string? password, string? returnUrl, CancellationToken ct)
    {
        Name = name;
        ReturnUrl = returnUrl;
        var guard = HttpContext.RequestServices.GetRequiredService<SignInGuard>();
        var outcome = await OfficerSignIn.TryAsync(name?.Trim(), password, agency, options, guard, time, loggers.CreateLogger(ApiLog.Category),
            HttpContext.Connection.RemoteIpAddress?.ToString(), ct);
        switch (outcome.Result)
        {
            case SignInStatus.Success:
                ConsoleAuthentication.Issue(Response, outcome.Token!, outcome.ExpiresAt);
                return LocalRedirect(outcome.Officer!.MustChangePassword ? "/account" : Safe(returnUrl));
            case SignInStatus.Invalid:
                Error = $"{(outcome.Field == "name" ? "Officer name" : "Password")}: {outcome.Detail}.";
                break;
            case SignInStatus.LockedOut:
                Error = "T" + Api.Endpoints.SignIn.LockedDetail(outcome.LockedUntil!.Value)[1..] + ".";
                break;
            case SignInStatus.Disabled:
                Error = "This officer is disabled: an admin of the agency may enable them again.";
                Response.StatusCode = StatusCodes.Status403Forbidden;
                return Page();
            case SignInStatus.RateLimited:
                Error = "Too many failed sign-ins from this address: try again in a minute.";
                Response.Headers.RetryAfter = Api.Endpoints.SignIn.RetryAfterSeconds(outcome.RetryAfter);
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                return Page();
            default:
                Error = "Wrong name or password.";
                break;
        }

        Response.StatusCode = outcome.Result == SignInStatus.Invalid ? StatusCodes.Status400BadRequest : StatusCodes.Status401Unauthorized;
        return Page();
    }

    private string Safe(string? returnUrl) => returnUrl is not null && Url.IsLocalUrl(returnUrl) && !returnUrl.StartsWith("/sign-in", StringComparison.Ordinal) ? returnUrl : "/";
}
