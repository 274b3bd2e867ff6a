using Telex.Server;

namespace Telex.Cli.Commands;

/// <summary>
/// <c>telex officer add|list|reset|unlock|disable|enable|role|remove|history</c> and <c>telex password</c>. Every act
/// on an officer is filed in the register's chain (<c>telex officer history</c> shows them); <c>telex officer reset NAME
/// --data DIR</c> is the offline recovery, on a stopped agency's folder.
/// </summary>
internal static class OfficerCommands
{
    /// <summary>The roles the API accepts.</summary>
    public static readonly string[] Roles = ["clerk", "releasingofficer", "admin", "auditor"];

    public static Command Create(Globals globals)
    {
        return Globals.Group("officer", "Manage the agency's officers (admin); every act is filed in the register. Locked out? telex officer reset NAME --data DIR on the stopped agency's folder",
            Add(globals), List(globals), Reset(globals), Act(globals, "unlock", "Lift an officer's lockout after failed sign-ins"),
            Act(globals, "disable", "Disable an officer: no sign-in, their sessions end"), Act(globals, "enable", "Enable a disabled officer again"),
            Role(globals), Act(globals, "remove", "Remove an officer; their sessions end (never the last enabled admin)"), History(globals));
    }

    private static Argument<string> NameArgument() => new("NAME") { Description = "The officer's sign-in name" };

    /// <summary>An act that takes only the officer's name (<see cref="TelexApiClient.ActOnOfficerAsync"/>).</summary>
    private static Command Act(Globals globals, string command, string description)
    {
        var name = NameArgument();
        return ClientCommand.Show(globals, new Command(command, description) { name },
            run => run.Call((api, ct) => api.ActOnOfficerAsync(run.Value(name), command, ct)), (run, done) => Report(run.Terminal, done));
    }

    private static Command Role(Globals globals)
    {
        var name = NameArgument();
        var role = new Argument<string>("ROLE") { Description = "The new role: " + string.Join(", ", Roles) };
        role.AcceptOnlyFromAmong(Roles);
        var command = new Command("role", "Give an officer another role, in effect at their next request (never demoting the last enabled admin)")
        {
            name, role,
        };
        return ClientCommand.Show(globals, command,
            run => run.Call((api, ct) => api.ChangeRoleAsync(run.Value(name), new ChangeRoleRequest(RoleOf(run.Value(role))), ct)),
            (run, done) => Report(run.Terminal, done));
    }

    private static Role RoleOf(string name) => Enum.Parse<Role>(name, ignoreCase: true);

    /// <summary>
    /// <c>telex officer reset NAME</c> over the API (admin), or with <c>--data DIR</c> on the stopped agency's folder:
    /// the offline recovery when no admin can sign in. The folder's lock is taken exclusively, so it is refused while
    /// the agency runs from that folder.
    /// </summary>
    private static Command Reset(Globals globals)
    {
        var name = NameArgument();
        var data = new Option<string?>("--data", "-d")
        {
            Description = "Reset offline, on the stopped agency's data folder, instead of over the API (refused while the agency runs)",
            HelpName = "DIR",
        };
        var set = Globals.Set();
        var command = new Command("reset", "Give an officer a new one-time password (their sessions end; they choose a new one at next sign-in)")
        {
            name, data, set,
        };
        return ClientCommand.Create(globals, command, async run =>
        {
            var terminal = run.Terminal;
            string officer = run.Value(name);
            if (run.Parse.GetValue(data) is { Length: > 0 } directory)
            {
                string password = await ResetOfflineAsync(directory, officer, run.Value(set), run.Ct).ConfigureAwait(false);
                if (terminal.Json)
                {
                    terminal.WriteJson(new JsonObject { ["name"] = officer, ["action"] = "password-reset", ["offline"] = true, ["oneTimePassword"] = password });
                    return ExitCodes.Ok;
                }

                terminal.Fields([("Officer", officer), ("One-time password", password)]);
                terminal.Line($"Reset offline and filed in the register. {officer} signs in with this password once, then chooses a new one (telex password).");
                return ExitCodes.Ok;
            }

            var done = await run.Call((api, ct) => api.ActOnOfficerAsync(officer, "reset", ct)).ConfigureAwait(false);
            return run.Print(done, d => Report(terminal, d));
        }, connectFirst: false);
    }

    private static async Task<string> ResetOfflineAsync(string directory, string officer, string[] overrides, CancellationToken ct)
    {
        directory = Path.GetFullPath(directory);
        if (!File.Exists(Path.Combine(directory, AgencyFolder.KeyFile)))
        {
            throw new CliException(ExitCodes.NotFound, $"no agency in {directory} (no {AgencyFolder.KeyFile})");
        }

        var options = TelexConfiguration.Load(directory, overrides);
        StorageProvider.Check(options);

        // Exclusive: whatever opens the agency (telex serve, a --data command) holds the lock shared until it closes. The keys
        // are not read, so a sealed agency needs no passphrase here.
        using var stopped = FolderLock.TryExclusive(directory)
            ?? throw new CliException(ExitCodes.Conflict,
                $"the agency in {directory} is running ({FolderLock.PathIn(directory)} is held by telex serve or another telex command); stop it, then reset the password, or have an admin run telex officer reset {officer} over the API");
        var store = StorageProvider.Open(directory, options);
        await using (store.ConfigureAwait(false))
        {
            await StorageProvider.MigrateAsync(store, ct).ConfigureAwait(false);
            try
            {
                return await Officers.ResetOfflineAsync(store, officer, DateTimeOffset.UtcNow, ct).ConfigureAwait(false);
            }
            catch (TelexException e) when (e.Kind == TelexErrorKind.NotFound)
            {
                var names = (await store.Officers.ListOfficersAsync(ct).ConfigureAwait(false)).Select(o => o.Name);
                throw new CliException(ExitCodes.NotFound, $"there is no officer named {officer} in {directory}; officers: {string.Join(", ", names)}");
            }
        }
    }

    /// <summary>What an act did, in a line.</summary>
    private static void Report(Output.Terminal terminal, OfficerActView done)
    {
        string name = done.Name;
        if (!done.Changed)
        {
            terminal.Line($"nothing to change: {name} stands so already");
            return;
        }

        string entry = done.Entry is { } n ? string.Create(CultureInfo.InvariantCulture, $" (register entry {n})") : "";
        switch (done.Action)
        {
            case "password-reset":
                terminal.Fields([("Officer", name), ("One-time password", done.OneTimePassword)]);
                terminal.Line($"Their sessions have ended{entry}. Hand the password over privately; {name} chooses a new one at next sign-in (telex password).");
                break;
            case "role-changed":
                terminal.Line($"{name} is now {(done.Officer is { } officer ? Output.Terminal.Word(officer.Role) : null)}{entry}; in effect at their next request");
                break;
            case "removed":
                terminal.Line($"{name} removed; their sessions have ended{entry}");
                break;
            case "disabled":
                terminal.Line($"{name} disabled; their sessions have ended{entry}");
                break;
            default:
                terminal.Line($"{name} {done.Action}{entry}");
                break;
        }
    }

    private static Command History(Globals globals)
    {
        var name = new Argument<string?>("NAME") { Description = "Only this officer (default: every officer)", Arity = ArgumentArity.ZeroOrOne };
        var limit = new Option<int>("--limit", "-n") { Description = "At most this many, newest first (1 to 1000)", DefaultValueFactory = _ => 100 };
        var command = new Command("history",
            "The acts of officer administration the register's chain records (added, reset, unlocked, disabled, enabled, role changed, removed) and lockouts")
        {
            name, limit,
        };
        return ClientCommand.Show(globals, command,
            run => run.Call((api, ct) => api.OfficerHistoryAsync(run.Parse.GetValue(name), run.Value(limit), ct)),
            (run, events) => run.Terminal.Table(["When", "Officer", "What", "By", "Entry"],
                events.Select(e => new[]
                {
                    Output.Terminal.Time(e.At),
                    e.Officer,
                    What(e),
                    e.By ?? (e.Offline ? "offline (agency folder)" : "the agency"),
                    Output.Terminal.Number(e.Entry),
                })));
    }

    private static string What(OfficerEventView e) => e.Action switch
    {
        "added" => "added as " + Word(e.Role),
        "role-changed" => $"role {Word(e.PreviousRole)} → {Word(e.Role)}",
        "locked-out" => "locked out until " + Output.Terminal.Time(e.Until),
        "password-reset" => e.Offline ? "password reset offline" : "password reset",
        var action => action,
    };

    private static string? Word(Role? role) => role is { } r ? Output.Terminal.Word(r) : null;

    private static Command Add(Globals globals)
    {
        var name = new Argument<string>("NAME") { Description = "The new officer's sign-in name" };
        var role = new Option<string>("--role", "-r") { Description = "The officer's role", Required = true, HelpName = "ROLE" };
        role.AcceptOnlyFromAmong(Roles);
        return ClientCommand.Show(globals, new Command("add", "Add an officer; prints a one-time password to hand over") { name, role },
            run => run.Call((api, ct) => api.CreateOfficerAsync(new CreateOfficerRequest(run.Value(name), RoleOf(run.Value(role))), ct)),
            (run, created) =>
            {
                run.Terminal.Fields(
                [
                    ("Officer", created.Name),
                    ("Role", Output.Terminal.Word(created.Role)),
                    ("One-time password", created.OneTimePassword),
                ]);
                run.Terminal.Line("Hand the password over privately; the officer chooses a new one at first sign-in (telex password).");
            });
    }

    private static Command List(Globals globals) =>
        ClientCommand.Show(globals, new Command("list", "List the agency's officers"),
            run => run.Call((api, ct) => api.ListOfficersAsync(ct)),
            (run, officers) => run.Terminal.Table(["Officer", "Role", "State", "Must change password", "Created"],
                officers.Select(o => new[]
                {
                    o.Name,
                    Output.Terminal.Word(o.Role),
                    o.Disabled ? "disabled"
                        : o.Locked ? "locked out until " + Output.Terminal.Time(o.LockedUntil)
                        : "active",
                    o.MustChangePassword ? "yes" : "no",
                    Output.Terminal.Time(o.CreatedAt),
                })));

    /// <summary><c>telex password</c>: changes the signed-in officer's password.</summary>
    public static Command Password(Globals globals)
    {
        var stdin = new Option<bool>("--password-stdin")
        {
            Description = "Read the current password and the new one from the first two lines of stdin instead of prompting",
        };
        return ClientCommand.Create(globals, new Command("password", "Change your own password") { stdin }, async run =>
        {
            var terminal = run.Terminal;
            bool fromStdin = run.Value(stdin);
            string current = Secrets.Read(terminal, fromStdin, "Current password:");
            string next = Secrets.Read(terminal, fromStdin, "New password:");
            if (!fromStdin && Secrets.Read(terminal, fromStdin, "New password again:") != next)
            {
                throw new CliException(ExitCodes.Usage, "the two new passwords differ; nothing changed");
            }

            await run.Call((api, ct) => api.ChangePasswordAsync(new ChangePasswordRequest(current, next), ct)).ConfigureAwait(false);
            return terminal.Report(new JsonObject { ["changed"] = true }, "password changed");
        });
    }
}
