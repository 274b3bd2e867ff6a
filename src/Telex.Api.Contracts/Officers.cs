namespace Telex.Api.Contracts;

/// <summary><c>POST /api/officers/me/password</c>.</summary>
public sealed record ChangePasswordRequest(string? Current, string? New);

/// <summary>An officer as admins see it: <c>locked</c> while a lockout runs, until <c>lockedUntil</c>.</summary>
public sealed record OfficerView(string Name, Role Role, DateTimeOffset CreatedAt, bool MustChangePassword, bool Locked, DateTimeOffset? LockedUntil,
    bool Disabled);

/// <summary><c>POST /api/officers/{name}/role</c>.</summary>
public sealed record ChangeRoleRequest(Role? Role);

/// <summary>
/// The answer to an admin's act on an officer: the act (<c>password-reset</c>, <c>unlocked</c>, <c>disabled</c>,
/// <c>enabled</c>, <c>role-changed</c>, <c>removed</c>), whether it changed anything (false, and nothing filed, when the
/// officer already stood so), the chain entry that records it, the officer as they stand now (null once removed) and,
/// for a reset, the one-time password, shown once.
/// </summary>
public sealed record OfficerActView(string Name, string Action, bool Changed, long? Entry, OfficerView? Officer, string? OneTimePassword);

/// <summary>An act of officer administration as the register's chain records it; <c>by</c> is null for the agency's own lockout or an offline reset.</summary>
public sealed record OfficerEventView(long Entry, string Action, string Officer, string? By, bool Offline, DateTimeOffset At, Role? Role,
    Role? PreviousRole, DateTimeOffset? Until);

/// <summary><c>POST /api/officers</c>.</summary>
public sealed record CreateOfficerRequest(string? Name, Role? Role);

/// <summary>A new officer and the one-time password to hand over; it is shown once and never stored in clear.</summary>
public sealed record CreatedOfficer(string Name, Role Role, string OneTimePassword);
