namespace Telex.Core.Model;

/// <summary>What was done to an officer: the acts of officer administration that the register's chain records.</summary>
public enum OfficerAction
{
    /// <summary>Added by an admin, with a one-time password.</summary>
    Added,

    /// <summary>Given a new one-time password (by an admin, or offline at the agency's folder); the officer's sessions end.</summary>
    PasswordReset,

    /// <summary>A lockout after failed sign-ins lifted by an admin.</summary>
    Unlocked,

    /// <summary>Disabled: no sign-in, the officer's sessions end.</summary>
    Disabled,

    /// <summary>Enabled again.</summary>
    Enabled,

    /// <summary>Given another role.</summary>
    RoleChanged,

    /// <summary>Removed; the officer's sessions end.</summary>
    Removed,

    /// <summary>Locked out by the agency after too many failed sign-ins in a row, until <see cref="OfficerEvent.Until"/>.</summary>
    LockedOut,
}

/// <summary>
/// One act of officer administration: who did what to whom, and when. Each is an <c>officer</c> entry of the register's
/// chain, its content kept in the entry (<see cref="Register.RegisterChain.OfficerContent"/>).
/// </summary>
public sealed record OfficerEvent
{
    /// <summary>What was done.</summary>
    public required OfficerAction Action { get; init; }

    /// <summary>The officer it was done to.</summary>
    public required string Officer { get; init; }

    /// <summary>The admin who did it; null when the agency did (a lockout) or it was done offline.</summary>
    public string? By { get; init; }

    /// <summary>True for a password reset at the stopped agency's folder (<c>telex officer reset NAME --data DIR</c>). Default false.</summary>
    public bool Offline { get; init; }

    /// <summary>When.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The role given (<see cref="OfficerAction.Added"/>, <see cref="OfficerAction.RoleChanged"/>); null otherwise.</summary>
    public Role? Role { get; init; }

    /// <summary>The role before a <see cref="OfficerAction.RoleChanged"/> (filled in by the store); null otherwise.</summary>
    public Role? PreviousRole { get; init; }

    /// <summary>For <see cref="OfficerAction.LockedOut"/>: until when sign-in is refused.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>The entry's position in the register's chain (0 before it is filed; not part of the content).</summary>
    public long Position { get; init; }

    /// <summary>The action as written in the register and shown to scripts: <c>added</c>, <c>password-reset</c>, <c>locked-out</c>, ….</summary>
    public static string Name(OfficerAction action) => action switch
    {
        OfficerAction.PasswordReset => "password-reset",
        OfficerAction.RoleChanged => "role-changed",
        OfficerAction.LockedOut => "locked-out",
        _ => action.ToString().ToLowerInvariant(),
    };

    /// <summary>The action named by <see cref="Name"/>, or null.</summary>
    public static OfficerAction? Parse(string? name) =>
        Enum.GetValues<OfficerAction>().Select(a => (OfficerAction?)a).FirstOrDefault(a => Name(a!.Value) == name);
}

/// <summary>
/// The rules of officer administration, which each store applies inside the transaction that files the act, so that
/// the check of the last enabled admin and the change are one.
/// </summary>
public static class OfficerRules
{
    /// <summary>
    /// The officer <paramref name="current"/> after <paramref name="act"/>: null when removed. <c>Changed</c> is false when
    /// the act would change nothing. <paramref name="enabledAdmins"/> counts the agency's enabled admins now, the officer
    /// included. Throws a <see cref="TelexException"/> (Conflict) when the act would leave no enabled admin, (Invalid)
    /// when it lacks what it needs (a role, a password hash, a lockout time).
    /// </summary>
    public static (Officer? After, bool Changed) Apply(Officer current, OfficerEvent act, string? passwordHash, int enabledAdmins)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(act);
        Officer? after = act.Action switch
        {
            OfficerAction.PasswordReset => current with
            {
                PasswordHash = passwordHash ?? throw new TelexException(TelexErrorKind.Invalid, "a password reset needs the new password"),
                MustChangePassword = true,
                FailedSignIns = 0,
                LockedUntil = null,
            },
            OfficerAction.Unlocked => current with { FailedSignIns = 0, LockedUntil = null },
            OfficerAction.Disabled => current with { Disabled = true },
            OfficerAction.Enabled => current with { Disabled = false },
            OfficerAction.RoleChanged => current with
            {
                Role = act.Role ?? throw new TelexException(TelexErrorKind.Invalid, "a role change needs the role"),
            },
            OfficerAction.LockedOut => current with
            {
                FailedSignIns = 0,
                LockedUntil = act.Until ?? throw new TelexException(TelexErrorKind.Invalid, "a lockout needs its end"),
            },
            OfficerAction.Removed => null,
            _ => throw new TelexException(TelexErrorKind.Invalid, $"{OfficerEvent.Name(act.Action)} is not an act on an existing officer"),
        };

        bool changed = act.Action switch
        {
            OfficerAction.Unlocked => current.LockedUntil is not null || current.FailedSignIns != 0,
            OfficerAction.Disabled => !current.Disabled,
            OfficerAction.Enabled => current.Disabled,
            OfficerAction.RoleChanged => current.Role != after!.Role,
            _ => true,
        };

        bool wasEnabledAdmin = current.Role == Role.Admin && !current.Disabled;
        bool staysEnabledAdmin = after is { Role: Role.Admin, Disabled: false };
        if (changed && wasEnabledAdmin && !staysEnabledAdmin && enabledAdmins <= 1)
        {
            string what = act.Action switch
            {
                OfficerAction.Removed => "removed",
                OfficerAction.Disabled => "disabled",
                _ => "given another role",
            };
            throw new TelexException(TelexErrorKind.Conflict,
                $"{current.Name} is the agency's last enabled admin and cannot be {what}: make another officer admin first");
        }

        return (after, changed);
    }
}
