namespace Telex.Cli.Commands;

/// <summary><c>telex directory list|show|add|link|note|review|remove</c>: every counterpart known of, tied or not, with its dossier.</summary>
internal static class DirectoryCommands
{
    public static Command Create(Globals globals) =>
        Globals.Group("directory", "Every counterpart the agency knows of, tied or not, and their dossiers",
            List(globals), Show(globals), Add(globals), Link(globals), Note(globals), Review(globals), Remove(globals));

    private static Argument<string> Counterpart() => new("COUNTERPART") { Description = "The counterpart's DID or name" };

    /// <summary>A command that answers with one counterpart, printed with its dossier.</summary>
    private static Command OnCounterpart(Globals globals, Command command, Func<ClientRun, Task<CounterpartView>> act) =>
        ClientCommand.Show(globals, command, act, (run, counterpart) => Print(run.Terminal, counterpart));

    private static Command List(Globals globals) =>
        ClientCommand.List(globals, new Command("list", "List every counterpart: tie status, DID, endpoint, known ties, dossier"),
            run => run.Call((api, ct) => api.ListDirectoryAsync(ct)), "The directory is empty: telex directory add NAME, or establish a tie.",
            (run, items) => run.Terminal.Table(["Counterpart", "Tie", "Notes", "Reviewed", "Known ties", "Endpoint"],
                items.Select(c => new[]
                {
                    c.Name,
                    Terminal.Word(c.TieStatus),
                    Terminal.Number(c.Notes.Count),
                    Terminal.Time(c.ReviewedAt),
                    string.Join(", ", c.KnownTies.Select(Terminal.NameOf)),
                    c.Endpoint,
                }), null, 4, 5));

    private static Command Show(Globals globals)
    {
        var counterpart = Counterpart();
        return OnCounterpart(globals, new Command("show", "Show a counterpart and its dossier") { counterpart },
            run => run.Call((api, ct) => api.GetCounterpartAsync(run.Value(counterpart), ct)));
    }

    private static Command Add(Globals globals)
    {
        var name = new Argument<string>("NAME") { Description = "The counterpart's name" };
        var did = new Option<string?>("--did") { Description = "Its DID, if known (did:peer:2)", HelpName = "DID" };
        var endpoint = new Option<string?>("--endpoint") { Description = "Its federation endpoint, if known (default: the DID's)", HelpName = "URL" };
        var tiedWith = new Option<string[]>("--tied-with")
        {
            Description = "An agency it is known to hold a tie with, by DID or name (repeatable): a relay that can reach it",
            HelpName = "DID|NAME",
        };
        return OnCounterpart(globals, new Command("add", "Add a counterpart the agency knows of (admin)") { name, did, endpoint, tiedWith },
            run => run.Call((api, ct) => api.AddCounterpartAsync(
                new DirectoryAddRequest(run.Value(name), run.Parse.GetValue(did), run.Parse.GetValue(endpoint), run.Parse.GetValue(tiedWith) ?? []), ct)));
    }

    private static Command Link(Globals globals)
    {
        var name = new Argument<string>("NAME") { Description = "The counterpart known of by name only (no DID yet)" };
        var tie = new Argument<string>("TIE") { Description = "The tie whose agency it is, by the tie's name (telex tie list shows them) or DID" };
        var command = new Command("link",
            "Link a counterpart known of by name only to the agency of an established tie, when their names differ or before the tie is verified (then name the tie by its DID) (admin); the bureau prospects it was named as become prospective members")
        {
            name, tie,
        };
        return OnCounterpart(globals, command,
            run => run.Call((api, ct) => api.LinkCounterpartAsync(run.Value(name), new LinkCounterpartRequest(run.Value(tie)), ct)));
    }

    private static Command Note(Globals globals)
    {
        var counterpart = Counterpart();
        var text = new Argument<string>("TEXT") { Description = "The note" };
        return OnCounterpart(globals, new Command("note", "Add a note to a counterpart's dossier (admin)") { counterpart, text },
            run => run.Call((api, ct) => api.AddDossierNoteAsync(run.Value(counterpart), new DossierNoteRequest(run.Value(text)), ct)));
    }

    private static Command Review(Globals globals)
    {
        var counterpart = Counterpart();
        return OnCounterpart(globals, new Command("review", "Record that a counterpart's dossier was reviewed now (admin)") { counterpart },
            run => run.Call((api, ct) => api.ReviewDossierAsync(run.Value(counterpart), ct)));
    }

    private static Command Remove(Globals globals)
    {
        var counterpart = Counterpart();
        return ClientCommand.Create(globals, new Command("remove", "Remove an untied counterpart and its dossier (admin)") { counterpart }, async run =>
        {
            string name = run.Value(counterpart);
            await run.Call((api, ct) => api.RemoveCounterpartAsync(name, ct)).ConfigureAwait(false);
            return run.Terminal.Report(new JsonObject { ["removed"] = name }, $"{name} removed from the directory");
        });
    }

    private static void Print(Terminal terminal, CounterpartView c)
    {
        bool nameOnly = c.Did is null;
        terminal.Fields(
        [
            ("Counterpart", c.Name),
            ("Tie", nameOnly ? "known of, no tie" : Terminal.Word(c.TieStatus)),
            ("DID", c.Did ?? "not known yet"),
            ("Endpoint", c.Endpoint),
            ("Known ties", string.Join(", ", c.KnownTies.Select(Terminal.NameOf))),
            ("Added", Terminal.Time(c.AddedAt)),
            ("Last reviewed", c.ReviewedAt is { } r ? Terminal.Time(r) : "never"),
        ]);
        if (nameOnly)
        {
            terminal.Line();
            terminal.Line("Nothing can be sent to it, nor can it join a bureau, before a tie: establish one (telex tie invite, or telex tie accept CODE).");
            terminal.Line($"As the tie is established, this entry takes the agency's DID if the agency goes by the same name; else: telex directory link \"{c.Name}\" TIE");
        }

        terminal.Line();
        if (c.Notes.Count == 0)
        {
            terminal.Line("Dossier: no notes yet.");
            return;
        }

        terminal.Table(["Time", "Officer", "Note"], c.Notes.Select(x => new[] { Terminal.Time(x.At), x.Officer, x.Text }), "Dossier", 2);
    }
}
