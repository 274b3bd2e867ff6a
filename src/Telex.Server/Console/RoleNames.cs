namespace Telex.Server.Console;

/// <summary>Roles as officers read them.</summary>
internal static class RoleNames
{
    public static string Of(Role role) => role switch
    {
        Role.Clerk => "clerk",
        Role.ReleasingOfficer => "releasing officer",
        Role.Admin => "admin",
        Role.Auditor => "auditor",
        _ => role.ToString(),
    };
}
