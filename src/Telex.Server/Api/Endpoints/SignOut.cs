using System.Globalization;
using System.Security.Claims;

using Microsoft.AspNetCore.Http.HttpResults;

using Telex.Server.Api.Auth;

namespace Telex.Server.Api.Endpoints;

/// <summary><c>DELETE /api/session</c>: revokes the token the request carries.</summary>
internal static class SignOut
{
    public static NoContent Handle(ClaimsPrincipal user, TokenRevocations revocations, ILoggerFactory loggers)
    {
        string hash = user.FindFirstValue(OfficerClaims.TokenHash) ?? throw new InvalidOperationException("no token in the principal");
        var expires = DateTimeOffset.Parse(user.FindFirstValue(OfficerClaims.TokenExpires)!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        revocations.Revoke(hash, expires);
        ApiLog.SignedOut(loggers.CreateLogger(ApiLog.Category), user.OfficerName());
        return TypedResults.NoContent();
    }
}
