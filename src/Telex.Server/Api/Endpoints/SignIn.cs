using Microsoft.AspNetCore.Http.HttpResults;

using Telex.Core;
using Telex.Core.Model;
using Telex.Core.Security;
using Telex.Core.Storage;
using Telex.Server.Api.Auth;
using Telex.Server.Api.Contracts;

namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/session</c>: a name and password for a bearer token. An unknown name and a wrong password get the
/// same answer in about the same time; too many failures in a row lock the officer out for a while, whatever
/// password comes next; a success resets the count.
/// </summary>
internal static class SignIn
{
    /// <summary>Longer passwords are not worth hashing; nobody's is this long.</summary>
    internal const int MaxPasswordLength = 1024;

    public static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> HandleAsync(SignInRequest? request, ITelexStore store,
        TelexOptions options, SignInGuard guard, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        // An empty body is an empty object: the answer names the first missing field.
        request ??= new SignInRequest(null, null);
        if (string.IsNullOrEmpty(request.Name))
        {
            return Problems.Invalid("name", "required");
        }

        if (string.IsNullOrEmpty(request.Password))
        {
            return Problems.Invalid("password", "required");
        }

        if (request.Password.Length > MaxPasswordLength)
        {
            return Problems.Invalid("password", $"at most {MaxPasswordLength} characters");
        }

        var logger = loggers.CreateLogger(ApiLog.Category);
        var officer = request.Name.Length <= Officers.MaxNameLength ? await store.FindOfficerAsync(request.Name, ct) : null;
        if (officer is null)
        {
            PasswordHasher.Verify(request.Password, guard.DummyHash);
            ApiLog.UnknownOfficer(logger);
            return WrongCredentials();
        }

        using (await guard.LockAsync(officer.Name, ct))
        {
            // Read again under the lock: a concurrent attempt may have counted a failure meanwhile.
            officer = await store.FindOfficerAsync(officer.Name, ct);
            if (officer is null)
            {
                return WrongCredentials();
            }

            var now = time.GetUtcNow();
            if (officer.LockedUntil is { } until && until > now)
            {
                return Problems.Problem(403, "locked", $"too many failed sign-ins: try again after {until:u}");
            }

            if (!PasswordHasher.Verify(request.Password, officer.PasswordHash))
            {
                await CountFailureAsync(store, officer, options.Api, now, logger, ct);
                return WrongCredentials();
            }

            if (officer.FailedSignIns != 0 || officer.LockedUntil is not null)
            {
                await store.UpdateOfficerAsync(officer with { FailedSignIns = 0, LockedUntil = null }, ct);
            }

            var (token, hash) = PasswordHasher.NewToken();
            var expiresAt = now + options.Api.TokenLifetime;
            await store.AddTokenAsync(new ApiToken(hash, officer.Name, now, expiresAt), ct);
            ApiLog.SignedIn(logger, officer.Name);
            return TypedResults.Ok(new SessionResponse(token, expiresAt, new SessionOfficer(officer.Name, officer.Role, officer.MustChangePassword)));
        }
    }

    /// <summary>Counts a wrong password; at the limit, locks the officer out and starts the count again.</summary>
    internal static async Task CountFailureAsync(ITelexStore store, Officer officer, ApiOptions api, DateTimeOffset now, ILogger logger, CancellationToken ct)
    {
        int failures = officer.FailedSignIns + 1;
        ApiLog.SignInFailed(logger, officer.Name, failures);
        if (failures >= api.MaxFailedSignIns)
        {
            var until = now + api.Lockout;
            await store.UpdateOfficerAsync(officer with { FailedSignIns = 0, LockedUntil = until }, ct);
            ApiLog.LockedOut(logger, officer.Name, until);
        }
        else
        {
            await store.UpdateOfficerAsync(officer with { FailedSignIns = failures }, ct);
        }
    }

    private static ProblemHttpResult WrongCredentials() => Problems.Unauthorized("wrong name or password");
}
