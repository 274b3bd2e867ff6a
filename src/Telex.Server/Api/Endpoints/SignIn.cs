namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/session</c>: a name and password for a bearer token, by the rules of <see cref="OfficerSignIn"/> (the
/// console signs in by the same rules and the same lockout).
/// </summary>
internal static class SignIn
{
    /// <summary>Longer passwords are not worth hashing; nobody's is this long.</summary>
    internal const int MaxPasswordLength = OfficerSignIn.MaxPasswordLength;

    public static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> HandleAsync(SignInRequest? request, Agency agency,
        TelexOptions options, SignInGuard guard, TimeProvider time, ILoggerFactory loggers, HttpContext http, CancellationToken ct)
    {
        // An empty body is an empty object: the answer names the first missing field.
        request ??= new SignInRequest(null, null);
        var outcome = await OfficerSignIn.TryAsync(request.Name, request.Password, agency, options, guard, time, loggers.CreateLogger(ApiLog.Category),
            http.Connection.RemoteIpAddress?.ToString(), ct);
        if (outcome.Result == SignInStatus.RateLimited)
        {
            http.Response.Headers.RetryAfter = RetryAfterSeconds(outcome.RetryAfter);
        }

        if (outcome is { Result: SignInStatus.LockedOut, LockedUntil: { } until })
        {
            http.Response.Headers.RetryAfter = RetryAfterSeconds(until - time.GetUtcNow());
        }

        return outcome.Result switch
        {
            SignInStatus.Success => TypedResults.Ok(new SessionResponse(outcome.Token!, outcome.ExpiresAt,
                new SessionOfficer(outcome.Officer!.Name, outcome.Officer.Role, outcome.Officer.MustChangePassword))),
            SignInStatus.Invalid => Problems.Invalid(outcome.Field!, outcome.Detail!),
            SignInStatus.LockedOut => Problems.Locked(LockedDetail(outcome.LockedUntil!.Value), outcome.LockedUntil.Value),
            SignInStatus.Disabled => Problems.Problem(403, "disabled", "this officer is disabled: an admin of the agency may enable them again"),
            SignInStatus.RateLimited => Problems.Problem(429, "too-many-requests", "too many failed sign-ins from this address: try again later"),
            _ => WrongCredentials(),
        };
    }

    /// <summary>What a locked-out officer is told, for the API and the console alike: when to try again, and who can help sooner.</summary>
    internal static string LockedDetail(DateTimeOffset until) =>
        $"too many failed sign-ins: try again after {until.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC, or ask an admin to unlock you (telex officer unlock NAME)";

    /// <summary>Whole seconds, rounded up, for a <c>Retry-After</c> header.</summary>
    internal static string RetryAfterSeconds(TimeSpan wait) =>
        ((long)Math.Ceiling(Math.Max(1, wait.TotalSeconds))).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static ProblemHttpResult WrongCredentials() => Problems.Unauthorized("wrong name or password");
}
