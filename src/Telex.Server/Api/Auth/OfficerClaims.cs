using System.Globalization;

namespace Telex.Server.Api.Auth;

/// <summary>What the bearer token handler puts in the principal, and how endpoints read it back.</summary>
internal static class OfficerClaims
{
    /// <summary>The SHA-256 of the presented token, to revoke it on sign-out.</summary>
    public const string TokenHash = "telex:token-hash";

    /// <summary>When the presented token expires (round-trip format).</summary>
    public const string TokenExpires = "telex:token-expires";

    public static ClaimsPrincipal Create(Officer officer, ApiToken token, string scheme)
    {
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, officer.Name),
            new Claim(ClaimTypes.Role, officer.Role.ToString()),
            new Claim(TokenHash, token.TokenHash),
            new Claim(TokenExpires, token.ExpiresAt.ToString("O", CultureInfo.InvariantCulture)),
        ], scheme, ClaimTypes.Name, ClaimTypes.Role);
        return new ClaimsPrincipal(identity);
    }

    public static string OfficerName(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.Name) ?? throw new InvalidOperationException("the endpoint requires a signed-in officer");

    public static Role OfficerRole(this ClaimsPrincipal user) =>
        Enum.Parse<Role>(user.FindFirstValue(ClaimTypes.Role) ?? throw new InvalidOperationException("the endpoint requires a signed-in officer"));
}
