using System.Buffers;

using Telex.Core.Security;

namespace Telex.Server;

/// <summary>
/// Creating and administering officers, for the API, the console, <c>telex init</c> and the offline reset
/// (<c>telex officer reset NAME --data DIR</c>). Every act after the first admin is filed in the register's chain as an
/// officer event by the store, in the transaction that makes it; the store refuses an act that would leave the agency
/// without an enabled admin.
/// </summary>
public static class Officers
{
    /// <summary>Longest officer name.</summary>
    public const int MaxNameLength = 64;

    private static readonly SearchValues<char> NameChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789._-");

    /// <summary>
    /// Creates the agency's first officer: an admin named <paramref name="name"/> who must change the returned
    /// one-time password at first sign-in. Throws <see cref="TelexException"/> (<see cref="TelexErrorKind.Conflict"/>)
    /// if any officer exists already, (<see cref="TelexErrorKind.Invalid"/>) if the name is not 1–64 characters of
    /// <c>a-z 0-9 . _ -</c>.
    /// </summary>
    public static async Task<string> CreateFirstAdminAsync(ITelexStore store, string name, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (CheckName(name) is { } problem)
        {
            throw new TelexException(TelexErrorKind.Invalid, "officer name: " + problem);
        }

        if ((await store.Officers.ListOfficersAsync(ct).ConfigureAwait(false)).Count > 0)
        {
            throw new TelexException(TelexErrorKind.Conflict, "the agency has officers already; an admin adds more");
        }

        return await TryAddAsync(store, name, Role.Admin, DateTimeOffset.UtcNow, ct).ConfigureAwait(false)
            ?? throw new TelexException(TelexErrorKind.Conflict, "the agency has officers already; an admin adds more");
    }

    /// <summary>Why <paramref name="name"/> is not a valid officer name, or null.</summary>
    internal static string? CheckName(string? name) =>
        string.IsNullOrEmpty(name) ? "required"
        : name.Length > MaxNameLength ? $"at most {MaxNameLength} characters"
        : name.AsSpan().ContainsAnyExcept(NameChars) ? "only a-z, 0-9, '.', '_' and '-'"
        : null;

    /// <summary>
    /// Resets the password of <paramref name="name"/> on a stopped agency's store (the offline recovery of an agency whose
    /// admins are all locked out or have forgotten their passwords): a new one-time password, to be changed at next
    /// sign-in, lockout lifted, the officer's sessions revoked, filed as an offline reset. Returns the password. Throws a
    /// <see cref="TelexException"/> (NotFound) when there is no such officer.
    /// </summary>
    public static async Task<string> ResetOfflineAsync(ITelexStore store, string name, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        string password = PasswordHasher.NewOneTimePassword();
        await store.Officers.AdministerOfficerAsync(new OfficerEvent { Action = OfficerAction.PasswordReset, Officer = name, Offline = true, At = now },
            PasswordHasher.Hash(password), ct).ConfigureAwait(false);
        return password;
    }

    /// <summary>
    /// An admin's act on an officer: <paramref name="action"/> one of reset, unlock, disable, enable, role change (with
    /// <paramref name="role"/>) or remove. Returns the event as filed (null when it changed nothing) and, for a reset, the
    /// new one-time password. Whatever the officer keeps open on this node (an event stream) ends with a reset, a
    /// disabling or a removal; the store has revoked their tokens on every node. The act takes the officer's sign-in lock,
    /// as a password change does: a sign-in that checked the old password (or found the officer enabled) has either issued
    /// its token before the act, which revokes it, or checks again after it. Throws a <see cref="TelexException"/>:
    /// NotFound for no such officer, Conflict when it would leave no enabled admin, or remove (or make an auditor of) an
    /// officer a clearance rule names as a clearer.
    /// </summary>
    internal static async Task<(OfficerEvent? Filed, string? Password)> AdministerAsync(Agency agency, Api.Auth.Sessions sessions,
        Api.Auth.SignInGuard guard, string by, OfficerAction action, string name, Role? role, DateTimeOffset now, ILogger logger, CancellationToken ct)
    {
        // A clearance rule naming the officer would leave every draft it matches waiting for a clearance no one can give.
        if (action == OfficerAction.Removed || (action == OfficerAction.RoleChanged && role == Role.Auditor))
        {
            int naming = (await agency.Clearance.GetClearanceRulesAsync(ct).ConfigureAwait(false)).Count(r => r.Officers.Contains(name, StringComparer.Ordinal));
            if (naming > 0)
            {
                throw new TelexException(TelexErrorKind.Conflict,
                    $"{name} must clear under {naming} clearance rule(s), which would wait for them for ever: replace those rules first (telex clearance rule list)");
            }
        }

        string? password = action == OfficerAction.PasswordReset ? PasswordHasher.NewOneTimePassword() : null;
        string? hash = password is null ? null : PasswordHasher.Hash(password);
        OfficerEvent? filed;
        using (await guard.LockAsync(name, ct).ConfigureAwait(false))
        {
            filed = await agency.Officers.AdministerOfficerAsync(new OfficerEvent { Action = action, Officer = name, By = by, Role = role, At = now },
                hash, ct).ConfigureAwait(false);
        }

        if (filed is null)
        {
            return (null, null);
        }

        if (action is OfficerAction.PasswordReset or OfficerAction.Disabled or OfficerAction.Removed)
        {
            sessions.EndAll(name);
        }

        Api.ApiLog.OfficerAdministered(logger, OfficerEvent.Name(action), name, by);
        return (filed, password);
    }

    /// <summary>
    /// Adds an officer with a fresh one-time password, filed in the chain as added by <paramref name="by"/>, and returns
    /// the password; null if the name is taken.
    /// </summary>
    internal static async Task<string?> TryAddAsync(Agency agency, string by, string name, Role role, DateTimeOffset now, CancellationToken ct)
    {
        var (officer, password) = NewOfficer(name, role, now);
        if (!await agency.Officers.AddOfficerAsync(officer, by, ct).ConfigureAwait(false))
        {
            return null;
        }

        return password;
    }

    /// <summary>Adds an officer with a fresh one-time password and returns it; null if the name is taken.</summary>
    private static async Task<string?> TryAddAsync(ITelexStore store, string name, Role role, DateTimeOffset now, CancellationToken ct)
    {
        var (officer, password) = NewOfficer(name, role, now);
        return await store.Officers.AddOfficerAsync(officer, ct).ConfigureAwait(false) ? password : null;
    }

    /// <summary>A new officer who must change the fresh one-time password it is returned with at first sign-in.</summary>
    private static (Officer Officer, string Password) NewOfficer(string name, Role role, DateTimeOffset now)
    {
        string password = PasswordHasher.NewOneTimePassword();
        return (new Officer(name, role, PasswordHasher.Hash(password), CreatedAt: now, MustChangePassword: true), password);
    }
}
