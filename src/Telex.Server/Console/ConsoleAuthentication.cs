using System.Text.Encodings.Web;

using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Telex.Server.Console;

/// <summary>
/// The console's session: a cookie (named per agency, <see cref="ConsoleCookies"/>) holding an officer token issued by
/// the same sign-in as the client API (and kept in the store by its hash, so sign-out revokes it on every node and a role change takes effect at once). The cookie
/// is HttpOnly, SameSite=Strict and Secure over HTTPS. An anonymous visitor is sent to the sign-in page; an officer
/// whose role does not allow a page gets a 403 page saying so.
/// </summary>
internal sealed class ConsoleAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ITelexStore store,
    ConsoleCookies cookies)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Console";

    /// <summary>Chooses between the console cookie and the API's bearer token for each request.</summary>
    public const string SelectorName = "Telex";

    /// <summary>Tokens are "tlx_" and 43 base64url characters; anything much longer is not worth hashing.</summary>
    private const int MaxTokenLength = 128;

    /// <summary>
    /// The client API, its OpenAPI document and metrics take bearer tokens only (so a cookie never authorizes them and
    /// they need no CSRF tokens); everything else is the console and takes the cookie only.
    /// </summary>
    public static string Select(HttpContext context)
    {
        return Hosting.RequestPaths.TakesBearerToken(context.Request.Path) ? BearerTokenHandler.SchemeName : SchemeName;
    }

    /// <summary>Sets the session cookie after a successful sign-in.</summary>
    public static void Issue(HttpResponse response, string token, DateTimeOffset expiresAt) =>
        response.Cookies.Append(ConsoleCookies.Of(response.HttpContext).Session, token, CookieOptions(response.HttpContext, expiresAt));

    /// <summary>Removes the session cookie.</summary>
    public static void Clear(HttpResponse response) =>
        response.Cookies.Delete(ConsoleCookies.Of(response.HttpContext).Session, CookieOptions(response.HttpContext, null));

    private static CookieOptions CookieOptions(HttpContext context, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Cookies.TryGetValue(cookies.Session, out var token) || string.IsNullOrEmpty(token))
        {
            return AuthenticateResult.NoResult();
        }

        if (!token.StartsWith("tlx_", StringComparison.Ordinal) || token.Length > MaxTokenLength)
        {
            return AuthenticateResult.Fail("malformed session cookie");
        }

        var (user, failure) = await OfficerSignIn.AuthenticateAsync(token, SchemeName, store, TimeProvider.GetUtcNow(), Context.RequestAborted)
            .ConfigureAwait(false);
        return user is null ? AuthenticateResult.Fail(failure!) : AuthenticateResult.Success(new AuthenticationTicket(user, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // The live stream and other script requests cannot follow a redirect to a form: they get a bare 401.
        if (Hosting.RequestPaths.IsUnder(Request.Path, Hosting.RequestPaths.ConsoleEvents) || Request.Headers.ContainsKey(ConsoleHeaders.LiveRequest))
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        }

        string back = Request.PathBase + Request.Path + Request.QueryString;
        Response.Redirect("/sign-in" + (back is "/" or "" ? "" : "?returnUrl=" + Uri.EscapeDataString(back)));
        return Task.CompletedTask;
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        ConsoleHeaders.Apply(Response);
        Response.ContentType = "text/html; charset=utf-8";
        string role = Context.User.Identity?.IsAuthenticated == true ? RoleNames.Of(Context.User.OfficerRole()) : "no role";
        await Response.WriteAsync(StatusPage.Forbidden(role), Context.RequestAborted).ConfigureAwait(false);
    }
}
