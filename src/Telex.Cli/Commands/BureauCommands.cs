namespace Telex.Cli.Commands;

/// <summary>
/// <c>telex bureau …</c>: bureaus — propose a charter, see its readiness, charter it, accept, leave, send bulletins to
/// every member of the current epoch, open bureau issues.
/// </summary>
internal static class BureauCommands
{
    public static Command Create(Globals globals)
    {
        return Globals.Group("bureau", "Bureaus: multilateral bodies of agencies, chartered once enough ties exist",
            Propose(globals), Readiness(globals), AddMember(globals), RemoveMember(globals),
            Step(globals, "charter", "Charter a bureau this agency proposed; refused while it is premature"),
            Step(globals, "accept", "Accept a bureau's charter: the secretariat opens an epoch with this agency"),
            Step(globals, "leave", "Leave a bureau: nothing of its next epoch reaches this agency"), List(globals), Show(globals), Members(globals),
            Bulletin(globals), Issue(globals), Outcomes(globals));
    }

    private static Command Outcomes(Globals globals)
    {
        var id = IdArgument();
        return IssueCommands.OutcomesCommand(globals, id,
            "List the outcomes the bureau's issues are named by (the same at every member); --add/--remove change them at the bureau's secretariat "
            + "(a removed outcome is retired: no longer offered, still filed from members; a term never changes its meaning)",
            async run => await BureauIdAsync(run, run.Value(id)).ConfigureAwait(false));
    }

    private static Argument<string> IdArgument() => new("BUREAU") { Description = "The bureau: its name (telex bureau list shows them) or its id" };

    /// <summary>The bureau a person names: by its id, or by its name (ignoring case) among the bureaus held here.</summary>
    private static async Task<Guid> BureauIdAsync(ClientRun run, string reference)
    {
        if (Guid.TryParse(reference, out var id))
        {
            return id;
        }

        var named = (await run.Call((api, ct) => api.ListBureausAsync(ct)).ConfigureAwait(false))
            .Where(b => string.Equals(b.Name, reference.Trim(), StringComparison.OrdinalIgnoreCase)).ToList();
        return named.Count switch
        {
            1 => named[0].Id,
            0 => throw new CliException(ExitCodes.NotFound, $"no bureau named \"{reference}\" here (telex bureau list shows them)"),
            _ => throw new CliException(ExitCodes.Usage, $"{named.Count} bureaus are named \"{reference}\": give the id (telex bureau list --json)"),
        };
    }

    /// <summary>A command on the bureau named by its <c>BUREAU</c> argument, printing what <paramref name="act"/> answers.</summary>
    private static Command OnBureau<T>(Globals globals, Command command, Argument<string> id, Func<ClientRun, Guid, Task<T>> act, Action<ClientRun, T> print) =>
        ClientCommand.Create(globals, command, async run =>
        {
            var answer = await act(run, await BureauIdAsync(run, run.Value(id)).ConfigureAwait(false)).ConfigureAwait(false);
            return run.Print(answer, a => print(run, a));
        });

    private static Command Propose(Globals globals)
    {
        var name = new Option<string>("--name", "-n") { Description = "The bureau's name", Required = true, HelpName = "TEXT" };
        var purpose = new Option<string>("--purpose") { Description = "What the bureau is for", Required = true, HelpName = "TEXT" };
        var members = new Option<string[]>("--member", "-m")
        {
            Description = "A prospective member: its DID, or the name of a counterpart (repeatable); one known of by name only (telex directory add NAME) is a prospect: known of, no tie",
            Required = true,
            HelpName = "DID|NAME",
        };
        var rule = new Option<string>("--rule")
        {
            Description = "When it may be chartered: all (ties with every prospective member) or quorum:N",
            DefaultValueFactory = _ => "all",
            HelpName = "all|quorum:N",
        };
        var secretariat = new Option<string?>("--secretariat") { Description = "The member that opens epochs (default this agency)", HelpName = "DID|NAME" };
        var command = new Command("propose", "Propose a bureau's charter; nothing is sent before it is chartered")
        {
            name, purpose, members, rule, secretariat,
        };
        return ClientCommand.Create(globals, command, async run =>
        {
            string ruleText = run.Value(rule);
            if (ruleText != "all" && !(ruleText.StartsWith("quorum:", StringComparison.Ordinal)
                && int.TryParse(ruleText.AsSpan("quorum:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out int q) && q >= 1))
            {
                throw new CliException(ExitCodes.Usage, $"--rule must be all or quorum:N (N from 1), not '{ruleText}'");
            }

            // Names go as given: the agency finds them among its ties and its directory, and keeps those known of by name only as prospects.
            var request = new ProposeBureauRequest(run.Value(name), run.Value(purpose), run.Value(members), ruleText, run.Parse.GetValue(secretariat));
            var bureau = await run.Call((api, ct) => api.ProposeBureauAsync(request, ct)).ConfigureAwait(false);
            return run.Print(bureau, b =>
            {
                PrintFields(run.Terminal, b);
                run.Terminal.Line();
                PrintChanged(run.Terminal, b);
            });
        }, connectFirst: false);
    }

    private static Command Readiness(Globals globals)
    {
        var id = IdArgument();
        return OnBureau(globals, new Command("readiness", "Show how many prospective members the founder is tied with, and who is missing") { id }, id,
            (run, bureau) => run.Call((api, ct) => api.GetBureauReadinessAsync(bureau, ct)),
            (run, readiness) =>
            {
                run.Terminal.Line(Terminal.NamesIn(readiness.Summary));
                if (readiness.Missing.Count > 0)
                {
                    run.Terminal.Table(["Missing", "Tie", "Next"],
                        readiness.Missing.Select(x => (IReadOnlyList<string?>)[Terminal.Named(x.Name), x.Tie, x.Next]), null, 2);
                }
            });
    }

    private static Command AddMember(Globals globals)
    {
        var id = IdArgument();
        var member = new Argument<string>("MEMBER")
        {
            Description = "The agency: a tie's or the directory's name, or a DID; one known of by name only (telex directory add NAME) is a prospect",
        };
        var command = new Command("add", "Name another prospective member for a bureau this agency proposed and has not chartered (admin); nothing is sent")
        {
            id, member,
        };
        return OnBureau(globals, command, id,
            (run, bureau) => run.Call((api, ct) => api.AddBureauMemberAsync(bureau, new BureauMemberRequest(run.Value(member)), ct)),
            (run, bureau) => PrintChanged(run.Terminal, bureau));
    }

    private static Command RemoveMember(Globals globals)
    {
        var id = IdArgument();
        var member = new Argument<string>("MEMBER") { Description = "The prospective member or prospect, by name (or DID)" };
        var command = new Command("remove", "Drop a prospective member or prospect from a bureau this agency proposed and has not chartered (admin)")
        {
            id, member,
        };
        return OnBureau(globals, command, id,
            (run, bureau) => run.Call((api, ct) => api.RemoveBureauMemberAsync(bureau, run.Value(member), ct)),
            (run, bureau) => PrintChanged(run.Terminal, bureau));
    }

    /// <summary>The members as they now stand, and how to see whether the bureau may be chartered.</summary>
    private static void PrintChanged(Terminal terminal, BureauView bureau)
    {
        PrintMembers(terminal, bureau);
        terminal.Line();
        terminal.Line($"See whether it may be chartered with: telex bureau readiness \"{bureau.Name}\"");
    }

    private static Command Step(Globals globals, string action, string description)
    {
        var id = IdArgument();
        return OnBureau(globals, new Command(action, description) { id }, id,
            (run, bureau) => run.Call((api, ct) => api.BureauStepAsync(bureau, action, ct)),
            (run, bureau) => PrintFields(run.Terminal, bureau));
    }

    private static Command List(Globals globals) =>
        ClientCommand.List(globals, new Command("list", "List the bureaus this agency founded or was named in"),
            run => run.Call((api, ct) => api.ListBureausAsync(ct)), "no bureaus",
            (run, items) => run.Terminal.Table(["Bureau", "Status", "Epoch", "Members", "Changed"], items.Select(b => (IReadOnlyList<string?>)
            [
                b.Name,
                Terminal.Word(b.Status),
                Terminal.Number(b.Epoch),
                Terminal.Number(MembersIn(b)),
                Terminal.Time(b.ChangedAt),
            ])));

    private static Command Show(Globals globals)
    {
        var id = IdArgument();
        return OnBureau(globals, new Command("show", "Show a bureau: its charter, members, epochs and issues") { id }, id,
            (run, bureau) => run.Call((api, ct) => api.GetBureauAsync(bureau, ct)),
            (run, bureau) =>
            {
                PrintFields(run.Terminal, bureau);
                run.Terminal.Line();
                PrintMembers(run.Terminal, bureau);
                if (bureau.Issues is { Count: > 0 } issues)
                {
                    run.Terminal.Line();
                    IssueCommands.Print(run.Terminal, issues, "no issues", "Issues");
                }
            });
    }

    private static Command Members(Globals globals)
    {
        var id = IdArgument();
        var epoch = new Option<long?>("--epoch", "-e") { Description = "An earlier epoch (default the current one)", HelpName = "N" };
        return OnBureau(globals, new Command("members", "List the members of a bureau's current epoch, or of an earlier one") { id, epoch }, id,
            async (run, id) =>
            {
                var bureau = await run.Call((api, ct) => api.GetBureauAsync(id, ct)).ConfigureAwait(false);
                long number = run.Parse.GetValue(epoch) ?? bureau.Epoch;
                return bureau.Epochs?.FirstOrDefault(e => e.Number == number) ?? throw new CliException(ExitCodes.NotFound, number == 0
                    ? "the bureau has no epoch yet: it opens once the secretariat has joined"
                    : $"this agency holds no epoch {number} of the bureau");
            },
            (run, found) => run.Terminal.Table(["Member"], found.Members.Select(m => (IReadOnlyList<string?>)[Terminal.Named(m.Name)]),
                string.Create(CultureInfo.InvariantCulture, $"Epoch {found.Number}")));
    }

    private static Command Bulletin(Globals globals)
    {
        var id = IdArgument();
        var subject = new Option<string>("--subject", "-s") { Description = "The subject line", Required = true, HelpName = "TEXT" };
        var body = new Option<string?>("--body", "-b") { Description = "The text (else --body-file, else stdin)", HelpName = "TEXT" };
        var bodyFile = new Option<FileInfo>("--body-file") { Description = "Read the text from a file", HelpName = "FILE" };
        bodyFile.AcceptExistingOnly();
        var precedence = new Option<string>("--precedence", "-p") { Description = "How urgent", DefaultValueFactory = _ => "routine" };
        precedence.AcceptOnlyFromAmong(SendCommand.Precedences);
        var issue = new Option<string?>("--issue", "-i") { Description = "The bureau issue the bulletin belongs to", HelpName = "ID" };
        var command = new Command("bulletin", "Send a bulletin: one telegram to every other member of the bureau's current epoch")
        {
            id, subject, body, bodyFile, precedence, issue,
        };
        return ClientCommand.Create(globals, command, async run =>
        {
            string text = await SendCommand.ReadBodyAsync(run.Parse.GetValue(body), run.Parse.GetValue(bodyFile), run.Ct).ConfigureAwait(false);
            var bureau = await BureauIdAsync(run, run.Value(id)).ConfigureAwait(false);
            var request = new BulletinRequest(run.Value(subject), text, SendCommand.PrecedenceOf(run.Value(precedence)), run.Parse.GetValue(issue), null, null);
            var sent = await run.Call((api, ct) => api.SendBulletinAsync(bureau, request, ct)).ConfigureAwait(false);
            return run.Print(sent, _ => run.Terminal.Table(["Telegram", "To", "Serial", "Status"], sent.Select(t => (IReadOnlyList<string?>)
            [
                t.Id.ToString(), t.CounterpartName, Terminal.Number(t.Serial), Terminal.Word(t.Status),
            ]), string.Create(CultureInfo.InvariantCulture, $"Bulletin of epoch {sent.FirstOrDefault()?.BureauEpoch} to {sent.Length} members")));
        }, connectFirst: false);
    }

    private static Command Issue(Globals globals)
    {
        var id = IdArgument();
        var title = new Option<string>("--title", "-t") { Description = "What the issue is about", Required = true, HelpName = "TEXT" };
        return OnBureau(globals, new Command("issue", "Open an issue shared by every member of the bureau's current epoch") { id, title }, id,
            (run, bureau) => run.Call((api, ct) => api.OpenBureauIssueAsync(bureau, new OpenBureauIssueRequest(run.Value(title)), ct)),
            (run, opened) =>
            {
                run.Terminal.Fields([("Issue", opened.Id), ("With", opened.CounterpartName), ("Title", opened.Title), ("Status", Terminal.Word(opened.Status))]);
                run.Terminal.Line();
                run.Terminal.Line($"Name it on bulletins with: telex bureau bulletin {run.Value(id)} --issue {opened.Id} …");
            });
    }

    private static int MembersIn(BureauView bureau) => bureau.Members.Count(m => m.InCurrentEpoch);

    private static void PrintFields(Terminal terminal, BureauView bureau) => terminal.Fields(
    [
        ("Bureau", bureau.Name),
        ("Purpose", bureau.Purpose),
        ("Status", Terminal.Word(bureau.Status)),
        ("Rule", bureau.Rule),
        ("Founder", Terminal.NameOf(bureau.Founder)),
        ("Secretariat", Terminal.NameOf(bureau.Secretariat)),
        ("Epoch", Terminal.Number(bureau.Epoch)),
        ("Members", Terminal.Number(MembersIn(bureau)) + " in the current epoch"),
    ]);

    private static void PrintMembers(Terminal terminal, BureauView bureau) =>
        terminal.Table(["Member", "State", "In epoch"], bureau.Members.Select(m => (IReadOnlyList<string?>)
        [
            Terminal.Named(m.Name), Terminal.Word(m.State), m.InCurrentEpoch ? "yes" : "no",
        ]).Concat(bureau.Prospects.Select(x => (IReadOnlyList<string?>)[Terminal.Named(x.Name), x.Tie, "no"])), "Members");
}
