using Telex.Core;

namespace Telex.Storage.Relational;

/// <summary>Officers: their accounts and sign-in state, and administration acts, each entered in the register in the transaction that makes it.</summary>
internal sealed class RelationalOfficers(RelationalStore store) : RelationalRole(store), IOfficerStore
{
    private const string OfficerColumns = "name, role, password_hash, created_at, must_change, failed, locked_until, disabled";

    /// <inheritdoc/>
    public Task<bool> AddOfficerAsync(Officer officer, CancellationToken ct = default) =>
        WriteAsync((c, tx) => InsertOfficerAsync(c, tx, officer, ct), ct);

    private async Task<bool> InsertOfficerAsync(DbConnection c, DbTransaction tx, Officer officer, CancellationToken ct) =>
        await ExecuteAsync(c, tx, """
            INSERT INTO officers(name, role, password_hash, created_at, must_change, failed, locked_until, disabled)
            VALUES(@n, @r, @h, @c, @m, @f, @l, @d) ON CONFLICT(name) DO NOTHING
            """, ct,
            ("@n", officer.Name), ("@r", (int)officer.Role), ("@h", officer.PasswordHash), ("@c", Time(officer.CreatedAt)),
            ("@m", Bool(officer.MustChangePassword)), ("@f", officer.FailedSignIns), ("@l", Time(officer.LockedUntil)), ("@d", Bool(officer.Disabled)))
            .ConfigureAwait(false) == 1;

    /// <inheritdoc/>
    public Task UpdateOfficerAsync(Officer officer, CancellationToken ct = default) =>
        WriteAsync((c, tx) => ExecuteAsync(c, tx, "UPDATE officers SET password_hash=@h, must_change=@m, failed=@f, locked_until=@l WHERE name=@n", ct,
            ("@n", officer.Name), ("@h", officer.PasswordHash), ("@m", Bool(officer.MustChangePassword)), ("@f", officer.FailedSignIns),
            ("@l", Time(officer.LockedUntil))), ct);

    /// <inheritdoc/>
    public Task<Officer?> FindOfficerAsync(string name, CancellationToken ct = default) =>
        ReadAsync(c => FindOfficerAsync(c, null, name, ct), ct);

    private Task<Officer?> FindOfficerAsync(DbConnection c, DbTransaction? tx, string name, CancellationToken ct) =>
        FirstAsync(c, tx, $"SELECT {OfficerColumns} FROM officers WHERE name=@n", OfficerRow, ct, ("@n", name));

    /// <inheritdoc/>
    public Task<IReadOnlyList<Officer>> ListOfficersAsync(CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<Officer>>(async c =>
            await ListAsync(c, null, $"SELECT {OfficerColumns} FROM officers ORDER BY name", OfficerRow, ct).ConfigureAwait(false), ct);

    /// <summary>The row mapper of <c>officers</c>.</summary>
    private Func<Officer> OfficerRow(DbDataReader r)
    {
        int name = r.GetOrdinal("name"), role = r.GetOrdinal("role"), hash = r.GetOrdinal("password_hash"), createdAt = r.GetOrdinal("created_at"),
            mustChange = r.GetOrdinal("must_change"), failed = r.GetOrdinal("failed"), lockedUntil = r.GetOrdinal("locked_until"),
            disabled = r.GetOrdinal("disabled");
        return () => new(r.GetString(name), (Role)r.GetInt32(role), r.GetString(hash), ReadTime(r, createdAt),
            MustChangePassword: ReadBool(r, mustChange), FailedSignIns: r.GetInt32(failed), LockedUntil: ReadTimeOrNull(r, lockedUntil),
            Disabled: ReadBool(r, disabled));
    }

    /// <inheritdoc/>
    public Task<bool> AddOfficerAsync(Officer officer, string by, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(officer);
        ArgumentException.ThrowIfNullOrEmpty(by);
        return WriteAsync(async (c, tx) =>
        {
            if (!await InsertOfficerAsync(c, tx, officer, ct).ConfigureAwait(false))
            {
                return false;
            }

            var added = new OfficerEvent { Action = OfficerAction.Added, Officer = officer.Name, By = by, Role = officer.Role, At = officer.CreatedAt };
            await AppendEntryAsync(c, tx, RegisterKinds.Officer, RegisterChain.OfficerReference(officer.Name), RegisterChain.OfficerContent(added),
                keepContent: true, ct).ConfigureAwait(false);
            return true;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<OfficerEvent?> AdministerOfficerAsync(OfficerEvent act, string? passwordHash = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(act);
        return WriteAsync(async (c, tx) =>
        {
            // Every act of officer administration files a chain entry, so each takes the chain's lock first, before it counts
            // the enabled admins: two admins demoting each other on two nodes at once are serialized, and the second sees
            // the first's change.
            await LockChainAsync(c, tx, ct).ConfigureAwait(false);
            var current = await FindOfficerAsync(c, tx, act.Officer, ct).ConfigureAwait(false)
                ?? throw new TelexException(TelexErrorKind.NotFound, $"there is no officer named {act.Officer}");
            int enabledAdmins = (int)await LongAsync(c, tx, "SELECT COUNT(*) FROM officers WHERE role=@admin AND NOT disabled", ct,
                ("@admin", (int)Role.Admin)).ConfigureAwait(false);
            var (after, changed) = OfficerRules.Apply(current, act, passwordHash, enabledAdmins);
            if (!changed)
            {
                return null;
            }

            if (after is null)
            {
                await ExecuteAsync(c, tx, "DELETE FROM officers WHERE name=@n", ct, ("@n", current.Name)).ConfigureAwait(false);
            }
            else
            {
                await ExecuteAsync(c, tx, """
                    UPDATE officers SET role=@r, password_hash=@h, must_change=@m, failed=@f, locked_until=@l, disabled=@d WHERE name=@n
                    """, ct,
                    ("@n", after.Name), ("@r", (int)after.Role), ("@h", after.PasswordHash), ("@m", Bool(after.MustChangePassword)),
                    ("@f", after.FailedSignIns), ("@l", Time(after.LockedUntil)), ("@d", Bool(after.Disabled))).ConfigureAwait(false);
            }

            if (act.Action is OfficerAction.PasswordReset or OfficerAction.Disabled or OfficerAction.Removed)
            {
                await ExecuteAsync(c, tx, "DELETE FROM tokens WHERE officer=@o", ct, ("@o", current.Name)).ConfigureAwait(false);
            }

            var filed = act with { PreviousRole = act.Action == OfficerAction.RoleChanged ? current.Role : null };
            var entry = await AppendEntryAsync(c, tx, RegisterKinds.Officer, RegisterChain.OfficerReference(current.Name),
                RegisterChain.OfficerContent(filed), keepContent: true, ct).ConfigureAwait(false);
            return filed with { Position = entry.Position };
        }, ct);
    }

    /// <inheritdoc/>
    public Task SetSignInFailuresAsync(string name, int failedSignIns, DateTimeOffset? lockedUntil, CancellationToken ct = default) =>
        WriteAsync((c, tx) => ExecuteAsync(c, tx, "UPDATE officers SET failed=@f, locked_until=@l WHERE name=@n", ct,
            ("@n", name), ("@f", failedSignIns), ("@l", Time(lockedUntil))), ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<OfficerEvent>> ListOfficerEventsAsync(string? officer = null, int limit = 100, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<OfficerEvent>>(async c =>
        {
            var entries = officer is null
                ? await ListAsync(c, null, $"SELECT {EntryColumns} FROM register_log WHERE kind=@k ORDER BY position DESC LIMIT @l", EntryRow, ct,
                    ("@k", RegisterKinds.Officer), ("@l", Math.Max(0, limit))).ConfigureAwait(false)
                : await ListAsync(c, null, $"SELECT {EntryColumns} FROM register_log WHERE kind=@k AND reference=@r ORDER BY position DESC LIMIT @l",
                    EntryRow, ct, ("@k", RegisterKinds.Officer), ("@r", RegisterChain.OfficerReference(officer)), ("@l", Math.Max(0, limit)))
                    .ConfigureAwait(false);

            // An entry whose content was altered is left out here; register verify reports it.
            return [.. entries.Select(RegisterChain.ReadOfficerEvent).OfType<OfficerEvent>()];
        }, ct);
}
