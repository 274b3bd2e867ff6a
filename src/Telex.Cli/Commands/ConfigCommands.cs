namespace Telex.Cli.Commands;

/// <summary><c>telex config example|docs|show</c>.</summary>
internal static class ConfigCommands
{
    public static Command Create(Globals globals)
    {
        var config = new Command("config", "The agency configuration: example, reference, effective values");

        var example = new Command("example", "Print the full default telex.json, each key with its description (--json: plain JSON)");
        example.SetAction(parse =>
        {
            var terminal = globals.Terminal(parse);
            if (terminal.Json)
            {
                terminal.WriteJson(ConfigurationExample.Json());
            }
            else
            {
                terminal.Stdout.Write(ConfigurationExample.Jsonc());
            }

            return ExitCodes.Ok;
        });
        config.Subcommands.Add(example);

        var docs = new Command("docs", "Print the configuration reference (docs/CONFIGURATION.md) generated from the option types");
        docs.SetAction(parse =>
        {
            globals.Terminal(parse).Stdout.Write(ConfigurationExample.Markdown());
            return ExitCodes.Ok;
        });
        config.Subcommands.Add(docs);

        var data = Globals.Data();
        var set = Globals.Set();
        var show = new Command("show", "Print the configuration the agency in --data would run with: defaults, telex.json, TELEX__ variables, --set")
        {
            data, set,
        };
        show.SetAction(parse =>
        {
            var terminal = globals.Terminal(parse);
            var options = TelexConfiguration.Load(parse.GetValue(data), parse.GetValue(set));
            terminal.WriteJson(ConfigurationExample.Json(options));
            return ExitCodes.Ok;
        });
        config.Subcommands.Add(show);
        return config;
    }
}
