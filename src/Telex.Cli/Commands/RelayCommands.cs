namespace Telex.Cli.Commands;

/// <summary><c>telex relay allow|deny|policy</c>: for which pairs of counterparts this agency relays (nobody by default).</summary>
internal static class RelayCommands
{
    public static Command Create(Globals globals) =>
        Globals.Group("relay", "The relay policy: for which pairs of counterparts this agency passes telegrams on",
            Pair(globals, "allow", "Relay between two counterparts (admin)"), Pair(globals, "deny", "Stop relaying between two counterparts (admin)"),
            Policy(globals));

    private static Command Pair(Globals globals, string action, string description)
    {
        var a = new Argument<string>("A") { Description = "One counterpart, by DID or name" };
        var b = new Argument<string>("B") { Description = "The other counterpart, by DID or name" };
        return ClientCommand.Show(globals, new Command(action, description) { a, b },
            run => run.Call((api, ct) => api.ChangeRelayPairAsync(action == "allow", new RelayPairRequest(run.Value(a), run.Value(b)), ct)), Print);
    }

    private static Command Policy(Globals globals)
    {
        var tiedPairs = new Option<bool?>("--tied-pairs")
        {
            Description = "Relay between any two counterparts that both hold an established tie with this agency (admin)",
            HelpName = "true|false",
        };
        return ClientCommand.Show(globals, new Command("policy", "Show the relay policy, or change it with --tied-pairs") { tiedPairs },
            run => run.Parse.GetValue(tiedPairs) is { } value
                ? run.Call((api, ct) => api.SetRelayPolicyAsync(new RelayPolicyRequest(value), ct))
                : run.Call((api, ct) => api.GetRelayPolicyAsync(ct)),
            Print);
    }

    private static void Print(ClientRun run, RelayPolicyView policy)
    {
        var pairs = policy.Pairs;
        run.Terminal.Line(policy.TiedPairs
            ? "Relays between any two counterparts with an established tie here."
            : pairs.Count == 0 ? "Relays for nobody." : "Relays only for the pairs listed.");
        if (pairs.Count > 0)
        {
            run.Terminal.Table(["Counterpart", "Counterpart"], pairs.Select(x => new[] { Terminal.NameOf(x.ElementAtOrDefault(0)), Terminal.NameOf(x.ElementAtOrDefault(1)) }));
        }
    }
}
