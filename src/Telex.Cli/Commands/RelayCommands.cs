namespace Telex.Cli.Commands;

/// <summary><c>telex relay allow|deny|policy</c>: for which pairs of counterparts this agency relays (nobody by default).</summary>
internal static class RelayCommands
{
    public static Command Create(Globals globals)
    {
        var relay = new Command("relay", "The relay policy: for which pairs of counterparts this agency passes telegrams on");
        relay.Subcommands.Add(Pair(globals, "allow", "Relay between two counterparts (admin)"));
        relay.Subcommands.Add(Pair(globals, "deny", "Stop relaying between two counterparts (admin)"));
        relay.Subcommands.Add(Policy(globals));
        return relay;
    }

    private static Command Pair(Globals globals, string action, string description)
    {
        var client = new ClientOptions();
        var a = new Argument<string>("A") { Description = "One counterpart, by DID or name" };
        var b = new Argument<string>("B") { Description = "The other counterpart, by DID or name" };
        var command = client.AddTo(new Command(action, description) { a, b });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var policy = await api.PostAsync("api/relay/" + action, new JsonObject { ["a"] = parse.GetValue(a), ["b"] = parse.GetValue(b) }, ct)
                .ConfigureAwait(false);
            Print(terminal, policy);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Policy(Globals globals)
    {
        var client = new ClientOptions();
        var tiedPairs = new Option<bool?>("--tied-pairs")
        {
            Description = "Relay between any two counterparts that both hold an established tie with this agency (admin)",
            HelpName = "true|false",
        };
        var command = client.AddTo(new Command("policy", "Show the relay policy, or change it with --tied-pairs") { tiedPairs });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var policy = parse.GetValue(tiedPairs) is { } value
                ? await api.PostAsync("api/relay/policy", new JsonObject { ["tiedPairs"] = value }, ct).ConfigureAwait(false)
                : await api.GetAsync("api/relay/policy", ct).ConfigureAwait(false);
            Print(terminal, policy);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Print(Terminal terminal, JsonElement policy)
    {
        if (terminal.Json)
        {
            terminal.WriteJson(policy);
            return;
        }

        bool tied = policy.Bool("tiedPairs") == true;
        var pairs = policy.TryGetProperty("pairs", out var p) ? p.Items().Select(x => x.Items().Select(d => d.GetString()).ToArray()).ToList() : [];
        terminal.Line(tied
            ? "Relays between any two counterparts with an established tie here."
            : pairs.Count == 0 ? "Relays for nobody." : "Relays only for the pairs listed.");
        if (pairs.Count > 0)
        {
            terminal.Table(["Counterpart", "Counterpart"], pairs.Select(x => new[] { Terminal.NameOf(x.ElementAtOrDefault(0)), Terminal.NameOf(x.ElementAtOrDefault(1)) }));
        }
    }
}
