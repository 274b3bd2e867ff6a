namespace Telex.Core.Officers;

/// <summary>
/// The agency's officers: who they are, their sign-in state and tokens, and their administration, each act filed in the
/// register's chain and announced to the live streams as an event <c>officer.ACTION</c> (<c>officer.locked-out</c>,
/// <c>officer.disabled</c>, …) so the admins' console pages refresh. Who and what are in the register's officer
/// entries, which only admins read.
/// </summary>
public sealed class OfficerService : AgencyService
{
    private readonly IOfficerStore _officers;
    private readonly ISessionStore _sessions;

    /// <summary>Creates the officers of the agency <paramref name="context"/> serves.</summary>
    internal OfficerService(AgencyContext context)
        : base(context)
    {
        _officers = context.Store.Officers;
        _sessions = context.Store.Sessions;
    }

    /// <summary>Finds an officer by name; null when there is none.</summary>
    public Task<Officer?> FindOfficerAsync(string name, CancellationToken ct = default) => _officers.FindOfficerAsync(name, ct);

    /// <summary>Every officer, by name.</summary>
    public Task<IReadOnlyList<Officer>> ListOfficersAsync(CancellationToken ct = default) => _officers.ListOfficersAsync(ct);

    /// <summary>The administration acts the chain records, newest first, of <paramref name="officer"/> (all when null), at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<OfficerEvent>> ListOfficerEventsAsync(string? officer = null, int limit = 100, CancellationToken ct = default) =>
        _officers.ListOfficerEventsAsync(officer, limit, ct);

    /// <summary>
    /// Adds an officer, filed in the chain as added by <paramref name="by"/>, and announces it; false, and nothing
    /// written, when the name is taken.
    /// </summary>
    public async Task<bool> AddOfficerAsync(Officer officer, string by, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(officer);
        if (!await _officers.AddOfficerAsync(officer, by, ct).ConfigureAwait(false))
        {
            return false;
        }

        Announce(OfficerAction.Added);
        return true;
    }

    /// <summary>
    /// Applies an act of administration to its officer, files it in the chain and announces it (see
    /// <see cref="IOfficerStore.AdministerOfficerAsync"/>). Returns the act as filed, or null when it would change nothing
    /// (then nothing is written or announced). Throws a <see cref="TelexException"/> of kind NotFound for an unknown
    /// officer, or Conflict when the act would leave no enabled admin.
    /// </summary>
    public async Task<OfficerEvent?> AdministerOfficerAsync(OfficerEvent act, string? passwordHash = null, CancellationToken ct = default)
    {
        var filed = await _officers.AdministerOfficerAsync(act, passwordHash, ct).ConfigureAwait(false);
        if (filed is not null)
        {
            Announce(filed.Action);
        }

        return filed;
    }

    /// <summary>Replaces an officer's password hash, must-change flag, failure count and lockout (by name).</summary>
    public Task UpdateOfficerAsync(Officer officer, CancellationToken ct = default) => _officers.UpdateOfficerAsync(officer, ct);

    /// <summary>Sets an officer's count of failed sign-ins and lockout time, and nothing else; no chain entry.</summary>
    public Task SetSignInFailuresAsync(string name, int failedSignIns, DateTimeOffset? lockedUntil, CancellationToken ct = default) =>
        _officers.SetSignInFailuresAsync(name, failedSignIns, lockedUntil, ct);

    /// <summary>Keeps a token an officer signed in with.</summary>
    public Task AddTokenAsync(ApiToken token, CancellationToken ct = default) => _sessions.AddTokenAsync(token, ct);

    /// <summary>Finds an unexpired token by its hash.</summary>
    public Task<ApiToken?> FindTokenAsync(string tokenHash, DateTimeOffset now, CancellationToken ct = default) => _sessions.FindTokenAsync(tokenHash, now, ct);

    private void Announce(OfficerAction action) => Publish("officer." + OfficerEvent.Name(action));
}
