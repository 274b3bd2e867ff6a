using Telex.Core;
using Telex.Core.Model;
using Telex.Core.Register;

namespace Telex.Storage.Postgres;

public sealed partial class PostgresStore
{
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
            Officer? current;
            using (var find = Command(c, tx, "SELECT " + OfficerColumns + " FROM officers WHERE name=@n", ("@n", act.Officer)))
            using (var r = await find.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                current = await r.ReadAsync(ct).ConfigureAwait(false) ? ReadOfficer(r) : null;
            }

            if (current is null)
            {
                throw new TelexException(TelexErrorKind.NotFound, $"there is no officer named {act.Officer}");
            }

            using var admins = Command(c, tx, "SELECT COUNT(*) FROM officers WHERE role=@admin AND NOT disabled", ("@admin", (int)Role.Admin));
            int enabledAdmins = (int)(long)(await admins.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            var (after, changed) = OfficerRules.Apply(current, act, passwordHash, enabledAdmins);
            if (!changed)
            {
                return null;
            }

            if (after is null)
            {
                using var delete = Command(c, tx, "DELETE FROM officers WHERE name=@n", ("@n", current.Name));
                await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            else
            {
                using var update = Command(c, tx, """
                    UPDATE officers SET role=@r, password_hash=@h, must_change=@m, failed=@f, locked_until=@l, disabled=@d WHERE name=@n
                    """,
                    ("@n", after.Name), ("@r", (int)after.Role), ("@h", after.PasswordHash), ("@m", after.MustChangePassword),
                    ("@f", after.FailedSignIns), ("@l", after.LockedUntil?.ToUnixTimeMilliseconds()), ("@d", after.Disabled));
                await update.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            if (act.Action is OfficerAction.PasswordReset or OfficerAction.Disabled or OfficerAction.Removed)
            {
                using var revoke = Command(c, tx, "DELETE FROM tokens WHERE officer=@o", ("@o", current.Name));
                await revoke.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            var filed = act with { PreviousRole = act.Action == OfficerAction.RoleChanged ? current.Role : null };
            var entry = await AppendEntryAsync(c, tx, RegisterKinds.Officer, RegisterChain.OfficerReference(current.Name),
                RegisterChain.OfficerContent(filed), keepContent: true, ct).ConfigureAwait(false);
            return filed with { Position = entry.Position };
        }, ct);
    }

    /// <inheritdoc/>
    public Task SetSignInFailuresAsync(string name, int failedSignIns, DateTimeOffset? lockedUntil, CancellationToken ct = default) =>
        WriteAsync(async (c, tx) =>
        {
            using var cmd = Command(c, tx, "UPDATE officers SET failed=@f, locked_until=@l WHERE name=@n",
                ("@n", name), ("@f", failedSignIns), ("@l", lockedUntil?.ToUnixTimeMilliseconds()));
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<OfficerEvent>> ListOfficerEventsAsync(string? officer = null, int limit = 100, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<OfficerEvent>>(async c =>
        {
            using var cmd = officer is null
                ? Command(c, null, $"SELECT {EntryColumns} FROM register_log WHERE kind=@k ORDER BY position DESC LIMIT @l",
                    ("@k", RegisterKinds.Officer), ("@l", Math.Max(0, limit)))
                : Command(c, null, $"SELECT {EntryColumns} FROM register_log WHERE kind=@k AND reference=@r ORDER BY position DESC LIMIT @l",
                    ("@k", RegisterKinds.Officer), ("@r", RegisterChain.OfficerReference(officer)), ("@l", Math.Max(0, limit)));
            using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var events = new List<OfficerEvent>();
            var entry = EntryRow(r);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                // An entry whose content was altered is left out here; register verify reports it.
                if (RegisterChain.ReadOfficerEvent(entry()) is { } e)
                {
                    events.Add(e);
                }
            }

            return events;
        }, ct);
}
