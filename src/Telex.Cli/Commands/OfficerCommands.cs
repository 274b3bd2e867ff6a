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
        var officer = new Command("officer", "Manage the agency's officers (admin); every act is filed in the register. Locked out? telex officer reset NAME --data DIR on the stopped agency's folder");
        officer.Subcommands.Add(Add(globals));
        officer.Subcommands.Add(List(globals));
        officer.Subcommands.Add(Reset(globals));
        officer.Subcommands.Add(Act(globals, "unlock", "unlock", "Lift an officer's lockout after failed sign-ins"));
        officer.Subcommands.Add(Act(globals, "disable", "disable", "Disable an officer: no sign-in, their sessions end"));
        officer.Subcommands.Add(Act(globals, "enable", "enable", "Enable a disabled officer again"));
        officer.Subcommands.Add(Role(globals));
        officer.Subcommands.Add(Act(globals, "remove", null, "Remove an officer; their sessions end (never the last enabled admin)"));
        officer.Subcommands.Add(History(globals));
        return officer;
    }

    private static Argument<string> NameArgument() => new("NAME") { Description = "The officer's sign-in name" };

    /// <summary>An act that takes only the officer's name: <c>POST api/officers/NAME/VERB</c>, or <c>DELETE</c> for remove (no verb).</summary>
    private static Command Act(Globals globals, string command, string? verb, string description)
    {
        var client = new ClientOptions();
        var name = NameArgument();
        var act = client.AddTo(new Command(command, description) { name });
        act.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            string path = "api/officers/" + Uri.EscapeDataString(parse.GetValue(name)!);
            var done = verb is null ? await api.DeleteAsync(path, ct).ConfigureAwait(false) : await api.PostAsync(path + "/" + verb, null, ct).ConfigureAwait(false);
            return Report(terminal, done);
        });
        return act;
    }

    private static Command Role(Globals globals)
    {
        var client = new ClientOptions();
        var name = NameArgument();
        var role = new Argument<string>("ROLE") { Description = "The new role: " + string.Join(", ", Roles) };
        role.AcceptOnlyFromAmong(Roles);
        var command = client.AddTo(new Command("role", "Give an officer another role, in effect at their next request (never demoting the last enabled admin)")
        {
            name, role,
        });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var done = await api.PostAsync("api/officers/" + Uri.EscapeDataString(parse.GetValue(name)!) + "/role",
                new JsonObject { ["role"] = parse.GetValue(role) }, ct).ConfigureAwait(false);
            return Report(terminal, done);
        });
        return command;
    }

    /// <summary>
    /// <c>telex officer reset NAME</c> over the API (admin), or with <c>--data DIR</c> on the stopped agency's folder:
    /// the offline recovery when no admin can sign in. The folder's lock is taken exclusively, so it is refused while
    /// the agency runs from that folder.
    /// </summary>
    private static Command Reset(Globals globals)
    {
        var client = new ClientOptions();
        var name = NameArgument();
        var data = new Option<string?>("--data", "-d")
        {
            Description = "Reset offline, on the stopped agency's data folder, instead of over the API (refused while the agency runs)",
            HelpName = "DIR",
        };
        var set = Globals.Set();
        var command = client.AddTo(new Command("reset", "Give an officer a new one-time password (their sessions end; they choose a new one at next sign-in)")
        {
            name, data, set,
        });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            string officer = parse.GetValue(name)!;
            if (parse.GetValue(data) is { Length: > 0 } directory)
            {
                string password = await ResetOfflineAsync(directory, officer, parse.GetValue(set)!, ct).ConfigureAwait(false);
                if (terminal.Json)
                {
                    terminal.WriteJson(new JsonObject { ["name"] = officer, ["action"] = "password-reset", ["offline"] = true, ["oneTimePassword"] = password });
                    return ExitCodes.Ok;
                }

                terminal.Fields([("Officer", officer), ("One-time password", password)]);
                terminal.Line($"Reset offline and filed in the register. {officer} signs in with this password once, then chooses a new one (telex password).");
                return ExitCodes.Ok;
            }

            using var api = client.Connect(parse);
            var done = await api.PostAsync("api/officers/" + Uri.EscapeDataString(officer) + "/reset", null, ct).ConfigureAwait(false);
            return Report(terminal, done);
        });
        return command;
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

    /// <summary>What an act did, in a line (or the API's answer with --json).</summary>
    private static int Report(Output.Terminal terminal, JsonElement done)
    {
        if (terminal.Json)
        {
            terminal.WriteJson(done);
            return ExitCodes.Ok;
        }

        string name = done.Str("name") ?? "?";
        if (done.Bool("changed") != true)
        {
            terminal.Line($"nothing to change: {name} stands so already");
            return ExitCodes.Ok;
        }

        string entry = done.Long("entry") is { } n ? string.Create(CultureInfo.InvariantCulture, $" (register entry {n})") : "";
        var officer = done.TryGetProperty("officer", out var o) && o.ValueKind == JsonValueKind.Object ? o : (JsonElement?)null;
        switch (done.Str("action"))
        {
            case "password-reset":
                terminal.Fields([("Officer", name), ("One-time password", done.Str("oneTimePassword"))]);
                terminal.Line($"Their sessions have ended{entry}. Hand the password over privately; {name} chooses a new one at next sign-in (telex password).");
                break;
            case "role-changed":
                terminal.Line($"{name} is now {officer?.Str("role")}{entry}; in effect at their next request");
                break;
            case "removed":
                terminal.Line($"{name} removed; their sessions have ended{entry}");
                break;
            case "disabled":
                terminal.Line($"{name} disabled; their sessions have ended{entry}");
                break;
            default:
                terminal.Line($"{name} {done.Str("action")}{entry}");
                break;
        }

        return ExitCodes.Ok;
    }

    private static Command History(Globals globals)
    {
        var client = new ClientOptions();
        var name = new Argument<string?>("NAME") { Description = "Only this officer (default: every officer)", Arity = ArgumentArity.ZeroOrOne };
        var limit = new Option<int>("--limit", "-n") { Description = "At most this many, newest first (1 to 1000)", DefaultValueFactory = _ => 100 };
        var command = client.AddTo(new Command("history",
            "The acts of officer administration the register's chain records (added, reset, unlocked, disabled, enabled, role changed, removed) and lockouts")
        {
            name, limit,
        });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            string query = string.Create(CultureInfo.InvariantCulture, $"api/officers/history?limit={parse.GetValue(limit)}")
                + (parse.GetValue(name) is { Length: > 0 } who ? "&officer=" + Uri.EscapeDataString(who) : "");
            var events = await api.GetAsync(query, ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(events);
                return ExitCodes.Ok;
            }

            terminal.Table(["When", "Officer", "What", "By", "Entry"],
                events.Items().Select(e => new[]
                {
                    Output.Terminal.Time(e.Time("at")),
                    e.Str("officer"),
                    What(e),
                    e.Str("by") ?? (e.Bool("offline") == true ? "offline (agency folder)" : "the agency"),
                    e.Long("entry")?.ToString(CultureInfo.InvariantCulture),
                }));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string What(JsonElement e) => e.Str("action") switch
    {
        "added" => "added as " + e.Str("role"),
        "role-changed" => $"role {e.Str("previousRole")} → {e.Str("role")}",
        "locked-out" => "locked out until " + Output.Terminal.Time(e.Time("until")),
        "password-reset" => e.Bool("offline") == true ? "password reset offline" : "password reset",
        var action => action ?? "?",
    };

    private static Command Add(Globals globals)
    {
        var client = new ClientOptions();
        var name = new Argument<string>("NAME") { Description = "The new officer's sign-in name" };
        var role = new Option<string>("--role", "-r") { Description = "The officer's role", Required = true, HelpName = "ROLE" };
        role.AcceptOnlyFromAmong(Roles);
        var command = client.AddTo(new Command("add", "Add an officer; prints a one-time password to hand over") { name, role });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var created = await api.PostAsync("api/officers", new JsonObject
            {
                ["name"] = parse.GetValue(name),
                ["role"] = parse.GetValue(role),
            }, ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(created);
                return ExitCodes.Ok;
            }

            terminal.Fields(
            [
                ("Officer", created.Str("name") ?? parse.GetValue(name)),
                ("Role", created.Str("role") ?? parse.GetValue(role)),
                ("One-time password", created.Str("oneTimePassword")),
            ]);
            terminal.Line("Hand the password over privately; the officer chooses a new one at first sign-in (telex password).");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(Globals globals)
    {
        var client = new ClientOptions();
        var command = client.AddTo(new Command("list", "List the agency's officers"));
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var officers = await api.GetAsync("api/officers", ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(officers);
                return ExitCodes.Ok;
            }

            terminal.Table(["Officer", "Role", "State", "Must change password", "Created"],
                officers.Items().Select(o => new[]
                {
                    o.Str("name"),
                    o.Str("role"),
                    o.Bool("disabled") == true ? "disabled"
                        : o.Bool("locked") == true ? "locked out until " + Output.Terminal.Time(o.Time("lockedUntil"))
                        : "active",
                    o.Bool("mustChangePassword") == true ? "yes" : "no",
                    Output.Terminal.Time(o.Time("createdAt")),
                }));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary><c>telex password</c>: changes the signed-in officer's password.</summary>
    public static Command Password(Globals globals)
    {
        var client = new ClientOptions();
        var stdin = new Option<bool>("--password-stdin")
        {
            Description = "Read the current password and the new one from the first two lines of stdin instead of prompting",
        };
        var command = client.AddTo(new Command("password", "Change your own password") { stdin });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            bool fromStdin = parse.GetValue(stdin);
            using var api = client.Connect(parse);
            string current = Secrets.Read(terminal, fromStdin, "Current password:");
            string next = Secrets.Read(terminal, fromStdin, "New password:");
            if (!fromStdin && Secrets.Read(terminal, fromStdin, "New password again:") != next)
            {
                throw new CliException(ExitCodes.Usage, "the two new passwords differ; nothing changed");
            }

            await api.PostAsync("api/officers/me/password", new JsonObject { ["current"] = current, ["new"] = next }, ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(new JsonObject { ["changed"] = true });
            }
            else
            {
                terminal.Line("password changed");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
