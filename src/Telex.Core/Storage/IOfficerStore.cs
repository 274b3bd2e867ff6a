namespace Telex.Core.Storage;

/// <summary>
/// Officer administration. Every act (<see cref="OfficerEvent"/>) is written with its <c>officer</c> entry in the
/// register's chain in one transaction. The agency is never left without an enabled admin: removing, disabling or
/// demoting the last enabled admin is refused, decided under the same lock on every node so that two admins acting at
/// once cannot both pass the check.
/// </summary>
public interface IOfficerStore
{
    /// <summary>
    /// Adds an officer and records <see cref="OfficerAction.Added"/> by <paramref name="by"/>; false, and nothing
    /// written, if the name is taken.
    /// </summary>
    Task<bool> AddOfficerAsync(Officer officer, string by, CancellationToken ct = default);

    /// <summary>Adds an officer, as given, without a chain entry (the first admin, a copy to another backend); false if the name is taken.</summary>
    Task<bool> AddOfficerAsync(Officer officer, CancellationToken ct = default);

    /// <summary>Finds an officer by name.</summary>
    Task<Officer?> FindOfficerAsync(string name, CancellationToken ct = default);

    /// <summary>
    /// Replaces an officer's password hash, must-change flag, failure count and lockout (by name). The role and whether
    /// the officer is disabled are changed only by <see cref="AdministerOfficerAsync"/>, which files the change.
    /// </summary>
    Task UpdateOfficerAsync(Officer officer, CancellationToken ct = default);

    /// <summary>All officers by name.</summary>
    Task<IReadOnlyList<Officer>> ListOfficersAsync(CancellationToken ct = default);

    /// <summary>
    /// Applies <paramref name="act"/> to its officer and files it in the chain, in one transaction:
    /// <see cref="OfficerAction.PasswordReset"/> sets <paramref name="passwordHash"/>, marks it to be changed at next sign-in,
    /// lifts a lockout and revokes the officer's tokens; <see cref="OfficerAction.Unlocked"/> lifts a lockout and clears
    /// the failure count; <see cref="OfficerAction.Disabled"/> disables and revokes the tokens; <see cref="OfficerAction.Enabled"/>
    /// enables; <see cref="OfficerAction.RoleChanged"/> sets <see cref="OfficerEvent.Role"/> (the store fills in
    /// <see cref="OfficerEvent.PreviousRole"/>); <see cref="OfficerAction.Removed"/> deletes the officer and the tokens;
    /// <see cref="OfficerAction.LockedOut"/> locks sign-in until <see cref="OfficerEvent.Until"/> and clears the failure count.
    /// Returns the event as filed (with its chain position), or null when it would change nothing (enabling an enabled
    /// officer, unlocking one not locked out, giving the role held): then nothing is written. Throws a
    /// <see cref="TelexException"/> of kind NotFound when there is no such officer, or Conflict when the act would leave
    /// no enabled admin; nothing is written then.
    /// </summary>
    Task<OfficerEvent?> AdministerOfficerAsync(OfficerEvent act, string? passwordHash = null, CancellationToken ct = default);

    /// <summary>
    /// Sets an officer's count of failed sign-ins and lockout time, and nothing else (a concurrent reset, role change or
    /// disabling is not undone). No chain entry: a lockout is filed with <see cref="AdministerOfficerAsync"/>.
    /// </summary>
    Task SetSignInFailuresAsync(string name, int failedSignIns, DateTimeOffset? lockedUntil, CancellationToken ct = default);

    /// <summary>
    /// The officer administration events the chain records, newest first, of <paramref name="officer"/> (all when null),
    /// at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<OfficerEvent>> ListOfficerEventsAsync(string? officer = null, int limit = 100, CancellationToken ct = default);
}
