namespace Telex.Cli.Commands;

/// <summary><c>telex issue …</c>: issues shared with a counterpart, their status and outcome, and their history.</summary>
internal static class IssueCommands
{
    public static Command Create(Globals globals) =>
        Globals.Group("issue", "Open issues with a counterpart, record their outcomes, refer them, show their history",
            Open(globals), List(globals), Show(globals), Status(globals), Outcomes(globals));

    private static Argument<string> IssueArgument() => new("ISSUE") { Description = "The issue: its number here (issue list shows them) or its id" };

    private static Command Open(Globals globals)
    {
        var with = new Option<string>("--with", "-w") { Description = "The counterpart: its DID or its name", Required = true, HelpName = "DID|NAME" };
        var title = new Option<string>("--title", "-t") { Description = "What the issue is about", Required = true, HelpName = "TEXT" };
        return ClientCommand.Show(globals, new Command("open", "Open an issue with a counterpart; it holds the issue too") { with, title },
            async run =>
            {
                string counterpart = await run.CounterpartAsync(run.Value(with)).ConfigureAwait(false);
                return await run.Call((api, ct) => api.OpenIssueAsync(new OpenIssueRequest(counterpart, run.Value(title)), ct)).ConfigureAwait(false);
            },
            (run, issue) =>
            {
                run.Terminal.Fields([("Issue", Terminal.Number(issue.Number)), ("With", issue.CounterpartName), ("Title", issue.Title), ("Status", issue.Term)]);
                run.Terminal.Line();
                run.Terminal.Line($"Name it on telegrams with: telex send --issue {issue.Number} …");
            });
    }

    private static Command List(Globals globals)
    {
        var counterpart = new Option<string?>("--counterpart", "-c") { Description = "Only issues with this counterpart (DID or name)", HelpName = "DID|NAME" };
        var status = new Option<string?>("--status") { Description = "Only issues in this status (open, deferred, agreed, referred, closed) or with this outcome (premature, granted…)", HelpName = "STATUS|OUTCOME" };
        var search = new Option<string?>("--search", "-q") { Description = "Words to find in titles, outcomes and agencies referred to", HelpName = "TEXT" };
        return ClientCommand.Show(globals, new Command("list", "List issues, most recently changed first") { counterpart, status, search },
            async run =>
            {
                var query = new StringBuilder();
                void Add(string name, string? value)
                {
                    if (!string.IsNullOrEmpty(value))
                    {
                        query.Append(query.Length == 0 ? "" : "&").Append(name).Append('=').Append(Uri.EscapeDataString(value));
                    }
                }

                if (run.Parse.GetValue(counterpart) is { } c)
                {
                    Add("counterpart", await run.CounterpartAsync(c).ConfigureAwait(false));
                }

                Add("status", run.Parse.GetValue(status));
                Add("q", run.Parse.GetValue(search));
                return await run.Call((api, ct) => api.ListIssuesAsync(query.ToString(), ct)).ConfigureAwait(false);
            },
            (run, list) => Print(run.Terminal, list, "no issues"));
    }

    /// <summary>A table of issues (also under <c>telex search</c> and <c>telex bureau show</c>).</summary>
    internal static void Print(Terminal terminal, IReadOnlyList<IssueSummary> items, string empty, string? title = null)
    {
        if (items.Count == 0)
        {
            terminal.Line(empty);
            return;
        }

        terminal.Table(["Nº", "With", "Title", "Status", "Outcome", "Changed"], items.Select(i => (IReadOnlyList<string?>)
        [
            Terminal.Number(i.Number),
            i.CounterpartName,
            i.Title,
            StatusText(i.Term, i.ReferredTo),
            i.Outcome,
            Terminal.Time(i.ChangedAt),
        ]), title, 2, 4);
    }

    private static string StatusText(string term, string? referredTo) => referredTo is { } to ? $"{term} to {to}" : term;

    private static Command Show(Globals globals)
    {
        var id = IssueArgument();
        return ClientCommand.Show(globals, new Command("show", "Show an issue and its full history: changes and telegrams, in order") { id },
            run => run.Call((api, ct) => api.GetIssueAsync(run.Value(id), ct)),
            (run, issue) =>
            {
                run.Terminal.Fields(
                [
                    ("Issue", Terminal.Number(issue.Number)),
                    ("With", issue.CounterpartName),
                    ("Also", issue.Participants.Count > 0 ? string.Join(", ", issue.Participants.Select(p => p.Name)) : null),
                    ("Title", issue.Title),
                    ("Status", StatusText(issue.Term, issue.ReferredTo)),
                    ("Outcome", issue.Outcome),
                    ("Opened", Terminal.Time(issue.OpenedAt)),
                ]);
                run.Terminal.Line();
                run.Terminal.Table(["Time", "Clock", "By", "What", "Outcome / subject"], issue.History.Select(HistoryRow), "History", 4);
            });
    }

    private static IReadOnlyList<string?> HistoryRow(IssueHistoryView entry)
    {
        if (entry.Event is { } e)
        {
            string by = e.AgencyName + (e.Officer is { } o ? $" ({o})" : "");
            return [Terminal.Time(e.At), Terminal.Number(e.Clock), by, StatusText(e.Term, e.ReferredTo), e.Title ?? e.Outcome];
        }

        if (entry.Telegram is not { } t)
        {
            return [Terminal.Time(entry.At), "", "", "", ""];
        }

        bool inbound = t.Direction == Direction.Inbound;
        string label = inbound ? $"telegram Nº {t.RegistryNumber}" : $"telegram No. {t.Serial}";
        return [Terminal.Time(t.ReleasedAt), "", inbound ? t.CounterpartName : "us to " + t.CounterpartName, label, t.Subject];
    }

    private static Command Status(Globals globals)
    {
        var id = IssueArgument();
        var outcomeTerm = new Argument<string>("OUTCOME") { Description = "An outcome of this agency's vocabulary: premature, granted, agreed, deferred, referred, closed, open… (telex issue outcomes)" };
        var text = new Option<string>("--text", "--outcome", "-o") { Description = "What was decided, or why", Required = true, HelpName = "TEXT" };
        var referredTo = new Option<string?>("--referred-to") { Description = "With referred: the tied agency the issue is referred to; it receives the issue", HelpName = "AGENCY" };
        var noHistory = new Option<bool>("--no-history") { Description = "With referred: send only the opening and the referral, not the history so far" };
        var command = new Command("status", "Record an issue's outcome with its text; every agency taking part receives the change. "
            + "A referral brings the agency referred to into the issue.")
        {
            id, outcomeTerm, text, referredTo, noHistory,
        };
        return ClientCommand.Show(globals, command,
            run => run.Call((api, ct) => api.ChangeIssueStatusAsync(run.Value(id),
                new IssueStatusRequest(run.Value(outcomeTerm), run.Value(text), run.Parse.GetValue(referredTo), run.Value(noHistory) ? false : null), ct)),
            (run, issue) => run.Terminal.Fields([("Issue", Terminal.Number(issue.Number)), ("Title", issue.Title),
                ("Status", StatusText(issue.Term, issue.ReferredTo)), ("Outcome", issue.Outcome), ("Clock", Terminal.Number(issue.Clock))]));
    }

    private static Command Outcomes(Globals globals) =>
        OutcomesCommand(globals, null, "List the outcomes this agency records issue changes by, and the status each means; --add/--remove change them",
            _ => Task.FromResult<Guid?>(null));

    /// <summary>
    /// An <c>outcomes</c> command: lists a vocabulary of outcomes (the agency's, or the bureau's <paramref name="bureauOf"/>
    /// names), and with <c>--add TERM=STATUS</c> / <c>--remove TERM</c> replaces it. <c>telex issue outcomes</c> and
    /// <c>telex bureau outcomes BUREAU</c> are both this command.
    /// </summary>
    internal static Command OutcomesCommand(Globals globals, Argument<string>? subject, string description, Func<ClientRun, Task<Guid?>> bureauOf)
    {
        var add = new Option<string[]>("--add") { Description = "Add an outcome: TERM=STATUS, e.g. postponed=deferred (admins)", HelpName = "TERM=STATUS", AllowMultipleArgumentsPerToken = false };
        var remove = new Option<string[]>("--remove") { Description = "Remove an outcome (admins)", HelpName = "TERM" };
        var command = new Command("outcomes", description) { add, remove };
        var created = ClientCommand.Show(globals, command, async run =>
        {
            var bureau = await bureauOf(run).ConfigureAwait(false);
            var list = await run.Call((api, ct) => api.GetOutcomesAsync(bureau, ct)).ConfigureAwait(false);
            string[] adding = run.Parse.GetValue(add) ?? [], removing = run.Parse.GetValue(remove) ?? [];
            if (adding.Length + removing.Length == 0)
            {
                return list;
            }

            // Retired terms stay as they are (a bureau keeps them); adding one again offers it again.
            var terms = list.Where(o => !removing.Contains(o.Term)).ToList();
            foreach (string a in adding)
            {
                if (a.Split('=', 2) is not [{ Length: > 0 } term, { Length: > 0 } means])
                {
                    throw new CliException(ExitCodes.Usage, $"--add takes TERM=STATUS (e.g. postponed=deferred), not \"{a}\"");
                }

                if (!Enum.TryParse<IssueStatus>(means, ignoreCase: true, out var status) || !means.All(char.IsAsciiLetter))
                {
                    throw new CliException(ExitCodes.Usage,
                        $"--add {a}: the status must be one of {string.Join(", ", Enum.GetValues<IssueStatus>().Select(Terminal.Word))}");
                }

                terms.RemoveAll(o => o.Term == term);
                terms.Add(new OutcomeTerm(term, status));
            }

            return await run.Call((api, ct) => api.SetOutcomesAsync(new OutcomesRequest(terms), bureau, ct)).ConfigureAwait(false);
        }, (run, list) => run.Terminal.Table(["Outcome", "Means", "Offered"],
            list.Select(o => (IReadOnlyList<string?>)[o.Term, Terminal.Word(o.Means), o.Retired ? "retired (still filed from others)" : "yes"])));
        if (subject is not null)
        {
            command.Arguments.Add(subject);
        }

        return created;
    }
}
