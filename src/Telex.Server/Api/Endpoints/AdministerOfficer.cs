namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/officers/{name}/reset</c>, <c>/unlock</c>, <c>/disable</c>, <c>/enable</c>, <c>/role</c> and
/// <c>DELETE /api/officers/{name}</c> (admin, by the policy of the group they are mapped in): an admin resets an
/// officer's password (a new one-time password, returned once, to be changed at next sign-in; the officer's sessions
/// end), lifts a lockout, disables (no sign-in, sessions end) or enables an officer, changes their role (in effect at
/// their next request) or removes them. Each act is filed in the register's chain as an officer event. Unknown officer:
/// 404; an act that would leave the agency without an enabled admin: 409, and nothing changes.
/// </summary>
internal static class AdministerOfficer
{
    public static Task<Ok<OfficerActView>> ResetAsync(string name, ClaimsPrincipal user, Agency agency, Sessions sessions, SignInGuard guard,
        TimeProvider time, ILoggerFactory loggers, CancellationToken ct) =>
        ActAsync(OfficerAction.PasswordReset, name, null, user, agency, sessions, guard, time, loggers, ct);

    public static Task<Ok<OfficerActView>> UnlockAsync(string name, ClaimsPrincipal user, Agency agency, Sessions sessions, SignInGuard guard,
        TimeProvider time, ILoggerFactory loggers, CancellationToken ct) =>
        ActAsync(OfficerAction.Unlocked, name, null, user, agency, sessions, guard, time, loggers, ct);

    public static Task<Ok<OfficerActView>> DisableAsync(string name, ClaimsPrincipal user, Agency agency, Sessions sessions, SignInGuard guard,
        TimeProvider time, ILoggerFactory loggers, CancellationToken ct) =>
        ActAsync(OfficerAction.Disabled, name, null, user, agency, sessions, guard, time, loggers, ct);

    public static Task<Ok<OfficerActView>> EnableAsync(string name, ClaimsPrincipal user, Agency agency, Sessions sessions, SignInGuard guard,
        TimeProvider time, ILoggerFactory loggers, CancellationToken ct) =>
        ActAsync(OfficerAction.Enabled, name, null, user, agency, sessions, guard, time, loggers, ct);

    public static Task<Ok<OfficerActView>> RemoveAsync(string name, ClaimsPrincipal user, Agency agency, Sessions sessions, SignInGuard guard,
        TimeProvider time, ILoggerFactory loggers, CancellationToken ct) =>
        ActAsync(OfficerAction.Removed, name, null, user, agency, sessions, guard, time, loggers, ct);

    public static async Task<Results<Ok<OfficerActView>, ProblemHttpResult>> ChangeRoleAsync(string name, ChangeRoleRequest? request, ClaimsPrincipal user,
        Agency agency, Sessions sessions, SignInGuard guard, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        if (request?.Role is not { } role)
        {
            return Problems.Invalid("role", "required: clerk, releasingofficer, admin or auditor");
        }

        return await ActAsync(OfficerAction.RoleChanged, name, role, user, agency, sessions, guard, time, loggers, ct);
    }

    private static async Task<Ok<OfficerActView>> ActAsync(OfficerAction action, string name, Role? role, ClaimsPrincipal user, Agency agency,
        Sessions sessions, SignInGuard guard, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var (filed, password) = await Officers.AdministerAsync(agency, sessions, guard, user.OfficerName(), action, name, role, now,
            loggers.CreateLogger(ApiLog.Category), ct);
        var officer = await agency.Officers.FindOfficerAsync(name, ct);
        return TypedResults.Ok(new OfficerActView(name, OfficerEvent.Name(action), filed is not null, filed?.Position,
            officer is null ? null : OfficerView.Of(officer, now), password));
    }
}
