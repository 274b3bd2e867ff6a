namespace Telex.Cli.Commands;

/// <summary><c>telex directory list|show|add|link|note|review|remove</c>: every counterpart known of, tied or not, with its dossier.</summary>
internal static class DirectoryCommands
{
    public static Command Create(Globals globals)
    {
        var directory = new Command("directory", "Every counterpart the agency knows of, tied or not, and their dossiers");
        directory.Subcommands.Add(List(globals));
        directory.Subcommands.Add(Show(globals));
        directory.Subcommands.Add(Add(globals));
        directory.Subcommands.Add(Link(globals));
        directory.Subcommands.Add(Note(globals));
        directory.Subcommands.Add(Review(globals));
        directory.Subcommands.Add(Remove(globals));
        return directory;
    }

    private static string PathOf(string counterpart, string? action = null) =>
        "api/directory/" + Uri.EscapeDataString(counterpart) + (action is null ? "" : "/" + action);

    private static Argument<string> Counterpart() => new("COUNTERPART") { Description = "The counterpart's DID or name" };

    private static Command List(Globals globals)
    {
        var client = new ClientOptions();
        var command = client.AddTo(new Command("list", "List every counterpart: tie status, DID, endpoint, known ties, dossier"));
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var list = await api.GetAsync("api/directory", ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(list);
                return ExitCodes.Ok;
            }

            var items = list.Items().ToList();
            if (items.Count == 0)
            {
                terminal.Line("The directory is empty: telex directory add NAME, or establish a tie.");
                return ExitCodes.Ok;
            }

            terminal.Table(["Counterpart", "Tie", "Notes", "Reviewed", "Known ties", "Endpoint"],
                items.Select(c => new[]
                {
                    c.Str("name"),
                    c.Str("tieStatus")?.ToLowerInvariant(),
                    c.TryGetProperty("notes", out var notes) ? notes.GetArrayLength().ToString(System.Globalization.CultureInfo.InvariantCulture) : "0",
                    Terminal.Time(c.Time("reviewedAt")),
                    string.Join(", ", c.Strings("knownTies").Select(Terminal.NameOf)),
                    c.Str("endpoint"),
                }), null, 4, 5);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show(Globals globals)
    {
        var client = new ClientOptions();
        var counterpart = Counterpart();
        var command = client.AddTo(new Command("show", "Show a counterpart and its dossier") { counterpart });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            Print(terminal, await api.GetAsync(PathOf(parse.GetValue(counterpart)!), ct).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Add(Globals globals)
    {
        var client = new ClientOptions();
        var name = new Argument<string>("NAME") { Description = "The counterpart's name" };
        var did = new Option<string?>("--did") { Description = "Its DID, if known (did:peer:2)", HelpName = "DID" };
        var endpoint = new Option<string?>("--endpoint") { Description = "Its federation endpoint, if known (default: the DID's)", HelpName = "URL" };
        var tiedWith = new Option<string[]>("--tied-with")
        {
            Description = "An agency it is known to hold a tie with, by DID or name (repeatable): a relay that can reach it",
            HelpName = "DID|NAME",
        };
        var command = client.AddTo(new Command("add", "Add a counterpart the agency knows of (admin)") { name, did, endpoint, tiedWith });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var added = await api.PostAsync("api/directory", new JsonObject
            {
                ["name"] = parse.GetValue(name),
                ["did"] = parse.GetValue(did),
                ["endpoint"] = parse.GetValue(endpoint),
                ["tiedWith"] = new JsonArray((parse.GetValue(tiedWith) ?? []).Select(t => (JsonNode)t).ToArray()),
            }, ct).ConfigureAwait(false);
            Print(terminal, added);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Link(Globals globals)
    {
        var client = new ClientOptions();
        var name = new Argument<string>("NAME") { Description = "The counterpart known of by name only (no DID yet)" };
        var tie = new Argument<string>("TIE") { Description = "The tie whose agency it is, by the tie's name (telex tie list shows them) or DID" };
        var command = client.AddTo(new Command("link",
            "Link a counterpart known of by name only to the agency of an established tie, when their names differ or before the tie is verified (admin); the bureau prospects it was named as become prospective members")
        {
            name, tie,
        });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var linked = await api.PostAsync(PathOf(parse.GetValue(name)!, "link"), new JsonObject { ["tie"] = parse.GetValue(tie) }, ct).ConfigureAwait(false);
            Print(terminal, linked);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Note(Globals globals)
    {
        var client = new ClientOptions();
        var counterpart = Counterpart();
        var text = new Argument<string>("TEXT") { Description = "The note" };
        var command = client.AddTo(new Command("note", "Add a note to a counterpart's dossier (admin)") { counterpart, text });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var updated = await api.PostAsync(PathOf(parse.GetValue(counterpart)!, "notes"), new JsonObject { ["text"] = parse.GetValue(text) }, ct)
                .ConfigureAwait(false);
            Print(terminal, updated);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Review(Globals globals)
    {
        var client = new ClientOptions();
        var counterpart = Counterpart();
        var command = client.AddTo(new Command("review", "Record that a counterpart's dossier was reviewed now (admin)") { counterpart });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            Print(terminal, await api.PostAsync(PathOf(parse.GetValue(counterpart)!, "review"), null, ct).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Remove(Globals globals)
    {
        var client = new ClientOptions();
        var counterpart = Counterpart();
        var command = client.AddTo(new Command("remove", "Remove an untied counterpart and its dossier (admin)") { counterpart });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            string name = parse.GetValue(counterpart)!;
            await api.DeleteAsync(PathOf(name), ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(new JsonObject { ["removed"] = name });
            }
            else
            {
                terminal.Line($"{name} removed from the directory");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Print(Terminal terminal, JsonElement c)
    {
        if (terminal.Json)
        {
            terminal.WriteJson(c);
            return;
        }

        bool nameOnly = c.Str("did") is null;
        terminal.Fields(
        [
            ("Counterpart", c.Str("name")),
            ("Tie", nameOnly ? "known of, no tie" : c.Str("tieStatus")?.ToLowerInvariant()),
            ("DID", c.Str("did") ?? "not known yet"),
            ("Endpoint", c.Str("endpoint")),
            ("Known ties", string.Join(", ", c.Strings("knownTies").Select(Terminal.NameOf))),
            ("Added", Terminal.Time(c.Time("addedAt"))),
            ("Last reviewed", c.Time("reviewedAt") is { } r ? Terminal.Time(r) : "never"),
        ]);
        if (nameOnly)
        {
            terminal.Line();
            terminal.Line("Nothing can be sent to it, nor can it join a bureau, before a tie: establish one (telex tie invite, or telex tie accept CODE).");
            terminal.Line($"As the tie is established, this entry takes the agency's DID if the agency goes by the same name; else: telex directory link \"{c.Str("name")}\" TIE");
        }

        var notes = c.TryGetProperty("notes", out var n) ? n.Items().ToList() : [];
        terminal.Line();
        if (notes.Count == 0)
        {
            terminal.Line("Dossier: no notes yet.");
            return;
        }

        terminal.Table(["Time", "Officer", "Note"], notes.Select(x => new[] { Terminal.Time(x.Time("at")), x.Str("officer"), x.Str("text") }),
            "Dossier", 2);
    }
}
