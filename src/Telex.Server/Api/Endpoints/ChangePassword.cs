namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/officers/me/password</c>: the signed-in officer replaces their password, which clears
/// "must change password" and revokes the officer's other tokens and console sessions (this one stays). A wrong current
/// password counts towards the lockout like a failed sign-in.
/// </summary>
internal static class ChangePassword
{
    /// <summary>Shortest new password.</summary>
    public const int MinLength = OfficerSignIn.MinPasswordLength;

    public static async Task<Results<NoContent, ProblemHttpResult>> HandleAsync(ChangePasswordRequest? request, ClaimsPrincipal user,
        Agency agency, TelexOptions options, SignInGuard guard, Sessions sessions, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        // An empty body is an empty object: the answer names the first missing field.
        request ??= new ChangePasswordRequest(null, null);
        var refusal = await OfficerSignIn.ChangePasswordAsync(user.OfficerName(), request.Current, request.New, user.FindFirstValue(OfficerClaims.TokenHash),
            agency, options, guard, sessions, time, loggers.CreateLogger(ApiLog.Category), ct);
        return refusal is null ? TypedResults.NoContent()
            : refusal.Field is { } field ? Problems.Invalid(field, refusal.Detail)
            : refusal.LockedUntil is { } until ? Problems.Locked(refusal.Detail, until)
            : Problems.Problem(403, refusal.Code, refusal.Detail);
    }
}
