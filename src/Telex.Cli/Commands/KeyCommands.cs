using System.CommandLine;
using System.Text.Json;

using Telex.Cli.Client;
using Telex.Cli.Output;

namespace Telex.Cli.Commands;

/// <summary><c>telex keys rotate</c> and <c>telex keys list</c>: the agency's DIDs and their rotation.</summary>
internal static class KeyCommands
{
    public static Command Create(Globals globals)
    {
        var keys = new Command("keys", "The agency's keys: rotate them, list current and prior DIDs");
        keys.Subcommands.Add(Rotate(globals));
        keys.Subcommands.Add(List(globals));
        return keys;
    }

    private static Command Rotate(Globals globals)
    {
        var client = new ClientOptions();
        var command = client.AddTo(new Command("rotate",
            "Make new keys and a new DID, announce it over every tie signed by the old key (admins); the old keys are kept to verify the register"));
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var result = await api.PostAsync("api/keys/rotate", null, ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(result);
                return ExitCodes.Ok;
            }

            long told = result.TryGetProperty("tiesTold", out var t) && t.TryGetInt64(out long n) ? n : 0;
            terminal.Fields([("Old DID", result.Str("oldDid")), ("New DID", result.Str("newDid")), ("Rotated", Terminal.Time(result.Time("at"))),
                ("Ties told", told.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
            terminal.Line();
            terminal.Line("Counterparts switch to the new DID as the announcement reaches them; tie fingerprints change with it.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(Globals globals)
    {
        var client = new ClientOptions();
        var command = client.AddTo(new Command("list", "List the agency's current and prior DIDs, and the key rotations its register records"));
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var keys = await api.GetAsync("api/keys", ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(keys);
                return ExitCodes.Ok;
            }

            // DIDs are long: printed whole, one per line, so they can be copied.
            var fields = new List<(string Label, string? Value)> { ("Current DID", keys.Str("did")) };
            foreach (var prior in Array(keys, "priors").AsEnumerable().Reverse())
            {
                fields.Add(("Prior DID", prior.Str("did")));
                fields.Add(("  replaced", Terminal.Time(prior.Time("rotatedAt"))));
            }

            terminal.Fields(fields);
            var rotations = Array(keys, "rotations");
            if (rotations.Count > 0)
            {
                terminal.Line();
                terminal.Line("Key rotations in the register:");
                foreach (var r in rotations)
                {
                    terminal.Line($"  {Terminal.Time(r.Time("at"))}  {r.Str("side")}  {r.Str("oldDid")} -> {r.Str("newDid")}");
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static List<JsonElement> Array(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? [.. v.EnumerateArray()] : [];
}
