using System.CommandLine;
using System.Text.Json.Nodes;

using Telex.Cli.Client;

namespace Telex.Cli.Commands;

/// <summary><c>telex officer add|list</c> and <c>telex password</c>.</summary>
internal static class OfficerCommands
{
    /// <summary>The roles the API accepts.</summary>
    public static readonly string[] Roles = ["clerk", "releasingofficer", "admin", "auditor"];

    public static Command Create(Globals globals)
    {
        var officer = new Command("officer", "Manage the agency's officers (admin)");
        officer.Subcommands.Add(Add(globals));
        officer.Subcommands.Add(List(globals));
        return officer;
    }

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

            terminal.Table(["Officer", "Role", "Must change password", "Locked out", "Created"],
                officers.Items().Select(o => new[]
                {
                    o.Str("name"),
                    o.Str("role"),
                    o.Bool("mustChangePassword") == true ? "yes" : "no",
                    o.Bool("locked") == true ? "yes" : "no",
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
