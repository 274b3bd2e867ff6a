namespace Telex.Server.Api.Endpoints;

/// <summary><c>DELETE /api/session</c>: revokes the token the request carries, and ends its event streams.</summary>
internal static class SignOut
{
    public static async Task<NoContent> Handle(ClaimsPrincipal user, Sessions sessions, ILoggerFactory loggers, CancellationToken ct)
    {
        string hash = user.FindFirstValue(OfficerClaims.TokenHash) ?? throw new InvalidOperationException("no token in the principal");
        await sessions.RevokeAsync(hash, ct).ConfigureAwait(false);
        ApiLog.SignedOut(loggers.CreateLogger(ApiLog.Category), user.OfficerName());
        return TypedResults.NoContent();
    }
}
