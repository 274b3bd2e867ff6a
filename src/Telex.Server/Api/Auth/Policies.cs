using Microsoft.AspNetCore.Authorization;

namespace Telex.Server.Api.Auth;

/// <summary>
/// Who may call what. Every role reads; releasing officers and admins send; admins manage; auditors only read. Which
/// policy each endpoint needs is said where it is mapped (<see cref="ClientApi"/>, the console's conventions), and
/// <c>AuthorizationTests</c> holds every endpoint to a table of decisions.
/// </summary>
internal static class Policies
{
    /// <summary>Any signed-in officer.</summary>
    public const string Read = "telex.read";

    /// <summary>Releasing officers and admins: release telegrams.</summary>
    public const string Send = "telex.send";

    /// <summary>Clerks, releasing officers and admins: draft telegrams and clear them (not auditors).</summary>
    public const string Draft = "telex.draft";

    /// <summary>Admins: ties, officers, bureaus, the directory, relay policy, clearance rules, keys, cable imports and checkpoints.</summary>
    public const string Admin = "telex.admin";

    /// <summary>Auditors and admins: operational metrics.</summary>
    public const string Metrics = "telex.metrics";

    public static void Configure(AuthorizationOptions options)
    {
        // No schemes named here: the bearer scheme is the default, authenticated once per request by the middleware.
        var signedIn = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        options.AddPolicy(Read, signedIn);
        options.AddPolicy(Send, Roles(Role.ReleasingOfficer, Role.Admin));
        options.AddPolicy(Draft, Roles(Role.Clerk, Role.ReleasingOfficer, Role.Admin));
        options.AddPolicy(Admin, Roles(Role.Admin));
        options.AddPolicy(Metrics, Roles(Role.Auditor, Role.Admin));

        // No anonymous access to anything that does not say so (only the federation endpoint, health and sign-in do),
        // including paths that match no endpoint: an anonymous caller cannot even probe which resources exist.
        options.DefaultPolicy = signedIn;
        options.FallbackPolicy = signedIn;
    }

    private static AuthorizationPolicy Roles(params Role[] roles) =>
        new AuthorizationPolicyBuilder()
            .RequireAuthenticatedUser()
            .RequireRole(roles.Select(r => r.ToString()))
            .Build();
}
