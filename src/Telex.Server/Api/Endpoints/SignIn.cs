using Microsoft.AspNetCore.Http.HttpResults;

using Telex.Core;
using Telex.Core.Storage;
using Telex.Server.Api.Auth;
using Telex.Server.Api.Contracts;

namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/session</c>: a name and password for a bearer token, by the rules of <see cref="OfficerSignIn"/> (the
/// console signs in by the same rules and the same lockout).
/// </summary>
internal static class SignIn
{
    /// <summary>Longer passwords are not worth hashing; nobody's is this long.</summary>
    internal const int MaxPasswordLength = OfficerSignIn.MaxPasswordLength;

    public static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> HandleAsync(SignInRequest? request, ITelexStore store,
        TelexOptions options, SignInGuard guard, TimeProvider time, ILoggerFactory loggers, HttpContext http, CancellationToken ct)
    {
        // An empty body is an empty object: the answer names the first missing field.
        request ??= new SignInRequest(null, null);
        var outcome = await OfficerSignIn.TryAsync(request.Name, request.Password, store, options, guard, time, loggers.CreateLogger(ApiLog.Category),
            http.Connection.RemoteIpAddress?.ToString(), ct);
        if (outcome.Result == SignInStatus.RateLimited)
        {
            http.Response.Headers.RetryAfter = RetryAfterSeconds(outcome.RetryAfter);
        }

        return outcome.Result switch
        {
            SignInStatus.Success => TypedResults.Ok(new SessionResponse(outcome.Token!, outcome.ExpiresAt,
                new SessionOfficer(outcome.Officer!.Name, outcome.Officer.Role, outcome.Officer.MustChangePassword))),
            SignInStatus.Invalid => Problems.Invalid(outcome.Field!, outcome.Detail!),
            SignInStatus.LockedOut => Problems.Problem(403, "locked", $"too many failed sign-ins: try again after {outcome.LockedUntil:u}"),
            SignInStatus.RateLimited => Problems.Problem(429, "too-many-requests", "too many failed sign-ins from this address: try again later"),
            _ => WrongCredentials(),
        };
    }

    /// <summary>Whole seconds, rounded up, for a <c>Retry-After</c> header.</summary>
    internal static string RetryAfterSeconds(TimeSpan wait) =>
        ((long)Math.Ceiling(Math.Max(1, wait.TotalSeconds))).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static ProblemHttpResult WrongCredentials() => Problems.Unauthorized("wrong name or password");
}
