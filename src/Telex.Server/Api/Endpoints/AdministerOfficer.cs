using Microsoft.AspNetCore.Mvc;

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
    /// <summary>What every act is done with besides the officer named: the admin acting and the services the act uses.</summary>
    // Init properties, not a positional record: the generated request delegate binds these (as ListTelegrams.Query).
    internal sealed class Act
    {
        public ClaimsPrincipal User { get; init; } = null!;

        [FromServices]
        public Agency Agency { get; init; } = null!;

        [FromServices]
        public Sessions Sessions { get; init; } = null!;

        [FromServices]
        public SignInGuard Guard { get; init; } = null!;

        [FromServices]
        public TimeProvider Time { get; init; } = null!;

        [FromServices]
        public ILoggerFactory Loggers { get; init; } = null!;

        public CancellationToken Ct { get; init; }
    }

    public static Task<Ok<OfficerActView>> ResetAsync(string name, [AsParameters] Act act) => ActAsync(OfficerAction.PasswordReset, name, null, act);

    public static Task<Ok<OfficerActView>> UnlockAsync(string name, [AsParameters] Act act) => ActAsync(OfficerAction.Unlocked, name, null, act);

    public static Task<Ok<OfficerActView>> DisableAsync(string name, [AsParameters] Act act) => ActAsync(OfficerAction.Disabled, name, null, act);

    public static Task<Ok<OfficerActView>> EnableAsync(string name, [AsParameters] Act act) => ActAsync(OfficerAction.Enabled, name, null, act);

    public static Task<Ok<OfficerActView>> RemoveAsync(string name, [AsParameters] Act act) => ActAsync(OfficerAction.Removed, name, null, act);

    public static async Task<Results<Ok<OfficerActView>, ProblemHttpResult>> ChangeRoleAsync(string name, ChangeRoleRequest? request,
        [AsParameters] Act act)
    {
        if (request?.Role is not { } role)
        {
            return Problems.Invalid("role", "required: clerk, releasingofficer, admin or auditor");
        }

        return await ActAsync(OfficerAction.RoleChanged, name, role, act);
    }

    private static async Task<Ok<OfficerActView>> ActAsync(OfficerAction action, string name, Role? role, Act act)
    {
        var now = act.Time.GetUtcNow();
        var (filed, password) = await Officers.AdministerAsync(act.Agency, act.Sessions, act.Guard, act.User.OfficerName(), action, name, role, now,
            act.Loggers.CreateLogger(ApiLog.Category), act.Ct);
        var officer = await act.Agency.Officers.FindOfficerAsync(name, act.Ct);
        return TypedResults.Ok(new OfficerActView(name, OfficerEvent.Name(action), filed is not null, filed?.Position,
            officer is null ? null : OfficerView.Of(officer, now), password));
    }
}
