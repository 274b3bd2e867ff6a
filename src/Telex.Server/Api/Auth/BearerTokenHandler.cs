using System.Text.Encodings.Web;

using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Telex.Server.Api.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer tlx_…</c>: the token's SHA-256 must name an unexpired, unrevoked token of
/// an existing officer. The officer's role is read at every request, so a role change takes effect at once.
/// Challenges and refusals are problem documents.
/// </summary>
internal sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ITelexStore store)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    /// <summary>Tokens are "tlx_" and 43 base64url characters; anything much longer is not worth hashing.</summary>
    private const int MaxTokenLength = 128;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith(SchemeName + " ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        string token = header[(SchemeName.Length + 1)..].Trim();
        if (!token.StartsWith("tlx_", StringComparison.Ordinal) || token.Length > MaxTokenLength)
        {
            return AuthenticateResult.Fail("malformed token");
        }

        var (user, failure) = await OfficerSignIn.AuthenticateAsync(token, SchemeName, store, TimeProvider.GetUtcNow(), Context.RequestAborted)
            .ConfigureAwait(false);
        return user is null ? AuthenticateResult.Fail(failure!) : AuthenticateResult.Success(new AuthenticationTicket(user, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        bool presented = Request.Headers.Authorization.Count > 0;
        Response.Headers.WWWAuthenticate = presented ? "Bearer error=\"invalid_token\"" : "Bearer";
        await Problems.Unauthorized(presented
                ? "the bearer token is unknown, expired or revoked; sign in again"
                : "a bearer token is required: sign in at POST /api/session")
            .ExecuteAsync(Context).ConfigureAwait(false);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        await Problems.Problem(403, "forbidden", "your role does not allow this").ExecuteAsync(Context).ConfigureAwait(false);
}
