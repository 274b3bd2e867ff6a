using Telex.Core.Security;

namespace Telex.Cli.Commands;

/// <summary><c>telex init</c>: creates an agency in a data folder.</summary>
internal static class InitCommand
{
    public static Command Create(Globals globals)
    {
        var data = Globals.Data();
        var name = new Option<string>("--name", "-n") { Description = "The agency's display name", Required = true, HelpName = "NAME" };
        var listen = new Option<string?>("--listen")
        {
            Description = "Where the agency will listen (default http://127.0.0.1:7400)",
            HelpName = "URL",
        };
        var endpoint = new Option<string?>("--endpoint")
        {
            Description = "The public federation endpoint other agencies post to, carried in the DID (default the listen URL + /didcomm); https unless loopback",
            HelpName = "URL",
        };
        var seal = new Option<bool>("--passphrase")
        {
            Description = $"Seal the agency's secret keys with a passphrase from ${Passphrase.EnvironmentVariable} or a prompt; telex serve then needs it",
        };
        var passphraseFile = Passphrase.FileOption();
        passphraseFile.Description = "Seal the agency's secret keys with the passphrase in this file (owner-only); telex serve then needs it";
        var command = new Command("init", "Create an agency: configuration, identity (DID and keys), database and first admin officer")
        {
            data, name, listen, endpoint, seal, passphraseFile,
        };
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            string directory = Path.GetFullPath(parse.GetValue(data)!);
            var overrides = new List<string> { "Name=" + parse.GetValue(name) };
            if (parse.GetValue(listen) is { } l)
            {
                overrides.Add("Listen=" + l);
            }

            if (parse.GetValue(endpoint) is { } e)
            {
                overrides.Add("PublicEndpoint=" + e);
            }

            // A telex.json already in the folder is refused below; the new agency reads defaults, environment and flags.
            var options = TelexConfiguration.Load(null, overrides);
            string? passphrase = parse.GetValue(seal) || parse.GetValue(passphraseFile) is not null
                ? Passphrase.Read(parse.GetValue(passphraseFile), confirm: true)
                : null;
            string password = PasswordHasher.NewOneTimePassword();
            await using var agency = await AgencyFolder.CreateAsync(directory, options, password, mustChangePassword: true, ct, passphrase).ConfigureAwait(false);
            string url = options.Listen.TrimEnd('/');
            if (terminal.Json)
            {
                terminal.WriteJson(new JsonObject
                {
                    ["name"] = agency.Identity.Name,
                    ["did"] = agency.Identity.Did,
                    ["endpoint"] = agency.Identity.Endpoint,
                    ["url"] = url,
                    ["dataDirectory"] = directory,
                    ["sealed"] = agency.Identity.IsSealed,
                    ["officer"] = new JsonObject
                    {
                        ["name"] = AgencyFolder.FirstOfficer,
                        ["role"] = "admin",
                        ["oneTimePassword"] = password,
                        ["mustChangePassword"] = true,
                    },
                });
                return ExitCodes.Ok;
            }

            terminal.Markup($"[green]Created agency[/] [bold]{Spectre.Console.Markup.Escape(agency.Identity.Name)}[/] in {Spectre.Console.Markup.Escape(directory)}");
            terminal.Fields(
            [
                ("DID", agency.Identity.Did),
                ("Endpoint", agency.Identity.Endpoint),
                ("Client URL", url),
                ("Keys", agency.Identity.IsSealed ? "sealed with the passphrase" : "owner-only file, not sealed"),
                ("Officer", AgencyFolder.FirstOfficer + " (admin)"),
                ("One-time password", password),
            ]);
            terminal.Line();
            terminal.Line("The password is shown only now. Start the agency, sign in and choose your own password:");
            terminal.Line($"  telex serve --data {directory}");
            terminal.Line($"  telex login --url {url} --name {AgencyFolder.FirstOfficer}");
            terminal.Line("  telex password");
            return ExitCodes.Ok;
        });
        return command;
    }
}
