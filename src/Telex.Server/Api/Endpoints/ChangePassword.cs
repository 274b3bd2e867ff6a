using System.Security.Claims;

using Microsoft.AspNetCore.Http.HttpResults;

using Telex.Core;
using Telex.Core.Security;
using Telex.Core.Storage;
using Telex.Server.Api.Auth;
using Telex.Server.Api.Contracts;

namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/officers/me/password</c>: the signed-in officer replaces their password, which clears
/// "must change password". A wrong current password counts towards the lockout like a failed sign-in.
/// </summary>
internal static class ChangePassword
{
    /// <summary>Shortest new password: long enough to resist guessing at the PBKDF2 work factor.</summary>
    public const int MinLength = 12;

    public static async Task<Results<NoContent, ProblemHttpResult>> HandleAsync(ChangePasswordRequest? request, ClaimsPrincipal user,
        ITelexStore store, TelexOptions options, SignInGuard guard, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        // An empty body is an empty object: the answer names the first missing field.
        request ??= new ChangePasswordRequest(null, null);
        if (string.IsNullOrEmpty(request.Current))
        {
            return Problems.Invalid("current", "required");
        }

        if (request.New is null)
        {
            return Problems.Invalid("new", "required");
        }

        if (request.New.Length < MinLength)
        {
            return Problems.Invalid("new", $"at least {MinLength} characters");
        }

        if (request.New.Length > SignIn.MaxPasswordLength || request.Current.Length > SignIn.MaxPasswordLength)
        {
            return Problems.Invalid(request.New.Length > SignIn.MaxPasswordLength ? "new" : "current", $"at most {SignIn.MaxPasswordLength} characters");
        }

        if (request.New == request.Current)
        {
            return Problems.Invalid("new", "must differ from the current password");
        }

        var logger = loggers.CreateLogger(ApiLog.Category);
        string name = user.OfficerName();
        using (await guard.LockAsync(name, ct))
        {
            var officer = await store.FindOfficerAsync(name, ct) ?? throw new TelexException(TelexErrorKind.NotFound, "the officer no longer exists");
            var now = time.GetUtcNow();
            if (officer.LockedUntil is { } until && until > now)
            {
                return Problems.Problem(403, "locked", $"too many failed attempts: try again after {until:u}");
            }

            if (!PasswordHasher.Verify(request.Current, officer.PasswordHash))
            {
                await SignIn.CountFailureAsync(store, officer, options.Api, now, logger, ct);
                return Problems.Problem(403, "wrong-password", "the current password is wrong");
            }

            await store.UpdateOfficerAsync(officer with
            {
                PasswordHash = PasswordHasher.Hash(request.New),
                MustChangePassword = false,
                FailedSignIns = 0,
                LockedUntil = null,
            }, ct);
        }

        ApiLog.PasswordChanged(logger, name);
        return TypedResults.NoContent();
    }
}
