using System.Text;

namespace Telex.Cli.Commands;

/// <summary><c>telex issue …</c>: issues shared with a counterpart, their status and outcome, and their history.</summary>
internal static class IssueCommands
{
    public static Command Create(Globals globals)
    {
        var issue = new Command("issue", "Open issues with a counterpart, record their outcomes, refer them, show their history");
        issue.Subcommands.Add(Open(globals));
        issue.Subcommands.Add(List(globals));
        issue.Subcommands.Add(Show(globals));
        issue.Subcommands.Add(Status(globals));
        issue.Subcommands.Add(Outcomes(globals));
        return issue;
    }

    private static string IssuePath(string id, string? action = null) =>
        "api/issues/" + Uri.EscapeDataString(id) + (action is null ? "" : "/" + action);

    private static Command Open(Globals globals)
    {
        var client = new ClientOptions();
        var with = new Option<string>("--with", "-w") { Description = "The counterpart: its DID or its name", Required = true, HelpName = "DID|NAME" };
        var title = new Option<string>("--title", "-t") { Description = "What the issue is about", Required = true, HelpName = "TEXT" };
        var command = client.AddTo(new Command("open", "Open an issue with a counterpart; it holds the issue too") { with, title });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            string counterpart = await Counterparts.ResolveAsync(api, parse.GetValue(with)!, ct).ConfigureAwait(false);
            var issue = await api.PostAsync("api/issues", new JsonObject { ["counterpart"] = counterpart, ["title"] = parse.GetValue(title) }, ct)
                .ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(issue);
                return ExitCodes.Ok;
            }

            terminal.Fields([("Issue", issue.Str("number")), ("With", issue.Str("counterpartName")), ("Title", issue.Str("title")), ("Status", issue.Str("term"))]);
            terminal.Line();
            terminal.Line($"Name it on telegrams with: telex send --issue {issue.Str("number")} …");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(Globals globals)
    {
        var client = new ClientOptions();
        var counterpart = new Option<string?>("--counterpart", "-c") { Description = "Only issues with this counterpart (DID or name)", HelpName = "DID|NAME" };
        var status = new Option<string?>("--status") { Description = "Only issues in this status (open, deferred, agreed, referred, closed) or with this outcome (premature, granted…)", HelpName = "STATUS|OUTCOME" };
        var search = new Option<string?>("--search", "-q") { Description = "Words to find in titles, outcomes and agencies referred to", HelpName = "TEXT" };
        var command = client.AddTo(new Command("list", "List issues, most recently changed first") { counterpart, status, search });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var query = new StringBuilder();
            void Add(string name, string? value)
            {
                if (!string.IsNullOrEmpty(value))
                {
                    query.Append(query.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
                }
            }

            if (parse.GetValue(counterpart) is { } c)
            {
                Add("counterpart", await Counterparts.ResolveAsync(api, c, ct).ConfigureAwait(false));
            }

            Add("status", parse.GetValue(status));
            Add("q", parse.GetValue(search));
            var list = await api.GetAsync("api/issues" + query, ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(list);
                return ExitCodes.Ok;
            }

            Print(terminal, list, "no issues");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A table of issues (also under <c>telex search</c>).</summary>
    internal static void Print(Terminal terminal, JsonElement list, string empty, string? title = null)
    {
        var items = list.Items().ToList();
        if (items.Count == 0)
        {
            terminal.Line(empty);
            return;
        }

        terminal.Table(["Nº", "With", "Title", "Status", "Outcome", "Changed"], items.Select(i => (IReadOnlyList<string?>)
        [
            i.Str("number"),
            i.Str("counterpartName") ?? Terminal.NameOf(i.Str("counterpart")),
            i.Str("title"),
            StatusText(i),
            i.Str("outcome"),
            Terminal.Time(i.Time("changedAt")),
        ]), title, 2, 4);
    }

    private static string? StatusText(JsonElement e) =>
        e.Str("referredTo") is { } to ? $"{e.Str("term")} to {to}" : e.Str("term");

    private static Command Show(Globals globals)
    {
        var client = new ClientOptions();
        var id = new Argument<string>("ISSUE") { Description = "The issue: its number here (issue list shows them) or its id" };
        var command = client.AddTo(new Command("show", "Show an issue and its full history: changes and telegrams, in order") { id });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var issue = await api.GetAsync(IssuePath(parse.GetValue(id)!), ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(issue);
                return ExitCodes.Ok;
            }

            var participants = issue.TryGetProperty("participants", out var p) ? p.EnumerateArray().Select(x => x.Str("name")).ToList() : [];
            terminal.Fields(
            [
                ("Issue", issue.Str("number")),
                ("With", issue.Str("counterpartName")),
                ("Also", participants.Count > 0 ? string.Join(", ", participants) : null),
                ("Title", issue.Str("title")),
                ("Status", StatusText(issue)),
                ("Outcome", issue.Str("outcome")),
                ("Opened", Terminal.Time(issue.Time("openedAt"))),
            ]);
            terminal.Line();
            var history = issue.TryGetProperty("history", out var h) ? h.EnumerateArray().ToList() : [];
            terminal.Table(["Time", "Clock", "By", "What", "Outcome / subject"], history.Select(entry =>
            {
                if (entry.Obj("event") is { } e)
                {
                    string what = StatusText(e) ?? "";
                    string by = e.Str("agencyName") + (e.Str("officer") is { } o ? $" ({o})" : "");
                    return (IReadOnlyList<string?>)[Terminal.Time(e.Time("at")), e.Str("clock"), by, what, e.Str("title") ?? e.Str("outcome")];
                }

                var t = entry.Obj("telegram") ?? default;
                bool inbound = string.Equals(t.Str("direction"), "inbound", StringComparison.OrdinalIgnoreCase);
                string label = inbound ? $"telegram Nº {t.Str("registryNumber")}" : $"telegram No. {t.Str("serial")}";
                return [Terminal.Time(t.Time("releasedAt")), "", inbound ? t.Str("counterpartName") : "us to " + t.Str("counterpartName"), label,
                    t.Str("subject")];
            }), "History", 4);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Status(Globals globals)
    {
        var client = new ClientOptions();
        var id = new Argument<string>("ISSUE") { Description = "The issue: its number here (issue list shows them) or its id" };
        var outcomeTerm = new Argument<string>("OUTCOME") { Description = "An outcome of this agency's vocabulary: premature, granted, agreed, deferred, referred, closed, open… (telex issue outcomes)" };
        var text = new Option<string>("--text", "--outcome", "-o") { Description = "What was decided, or why", Required = true, HelpName = "TEXT" };
        var referredTo = new Option<string?>("--referred-to") { Description = "With referred: the tied agency the issue is referred to; it receives the issue", HelpName = "AGENCY" };
        var noHistory = new Option<bool>("--no-history") { Description = "With referred: send only the opening and the referral, not the history so far" };
        var command = client.AddTo(new Command("status", "Record an issue's outcome with its text; every agency taking part receives the change. "
            + "A referral brings the agency referred to into the issue.")
        {
            id, outcomeTerm, text, referredTo, noHistory,
        });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var body = new JsonObject { ["status"] = parse.GetValue(outcomeTerm), ["outcome"] = parse.GetValue(text) };
            if (parse.GetValue(referredTo) is { } to)
            {
                body["referredTo"] = to;
            }

            if (parse.GetValue(noHistory))
            {
                body["shareHistory"] = false;
            }

            var issue = await api.PostAsync(IssuePath(parse.GetValue(id)!, "status"), body, ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(issue);
                return ExitCodes.Ok;
            }

            terminal.Fields([("Issue", issue.Str("number")), ("Title", issue.Str("title")), ("Status", StatusText(issue)), ("Outcome", issue.Str("outcome")),
                ("Clock", issue.Long("clock")?.ToString(CultureInfo.InvariantCulture))]);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Outcomes(Globals globals) =>
        OutcomesCommand(globals, null, "List the outcomes this agency records issue changes by, and the status each means; --add/--remove change them",
            (_, _, _) => Task.FromResult("api/issues/outcomes"));

    /// <summary>
    /// An <c>outcomes</c> command: lists a vocabulary of outcomes at the path <paramref name="pathOf"/> gives, and with
    /// <c>--add TERM=STATUS</c> / <c>--remove TERM</c> replaces it. <c>telex issue outcomes</c> (the agency's) and
    /// <c>telex bureau outcomes BUREAU</c> (a bureau's) are both this command.
    /// </summary>
    internal static Command OutcomesCommand(Globals globals, Argument<string>? subject, string description,
        Func<ApiClient, System.CommandLine.ParseResult, CancellationToken, Task<string>> pathOf)
    {
        var client = new ClientOptions();
        var add = new Option<string[]>("--add") { Description = "Add an outcome: TERM=STATUS, e.g. postponed=deferred (admins)", HelpName = "TERM=STATUS", AllowMultipleArgumentsPerToken = false };
        var remove = new Option<string[]>("--remove") { Description = "Remove an outcome (admins)", HelpName = "TERM" };
        var command = client.AddTo(new Command("outcomes", description) { add, remove });
        if (subject is not null)
        {
            command.Arguments.Add(subject);
        }

        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            string path = await pathOf(api, parse, ct).ConfigureAwait(false);
            var list = await api.GetAsync(path, ct).ConfigureAwait(false);
            string[] adding = parse.GetValue(add) ?? [], removing = parse.GetValue(remove) ?? [];
            if (adding.Length + removing.Length > 0)
            {
                // Retired terms stay as they are (a bureau keeps them); adding one again offers it again.
                var terms = list.Items().Select(o => (Term: o.Str("term")!, Means: o.Str("means")!, Retired: IsRetired(o)))
                    .Where(o => !removing.Contains(o.Term)).ToList();
                foreach (string a in adding)
                {
                    if (a.Split('=', 2) is not [{ Length: > 0 } term, { Length: > 0 } means])
                    {
                        throw new CliException(ExitCodes.Usage, $"--add takes TERM=STATUS (e.g. postponed=deferred), not \"{a}\"");
                    }

                    terms.RemoveAll(o => o.Term == term);
                    terms.Add((term, means, false));
                }

                var body = new JsonObject
                {
                    ["outcomes"] = new JsonArray([.. terms.Select(o => (JsonNode)new JsonObject { ["term"] = o.Term, ["means"] = o.Means, ["retired"] = o.Retired })]),
                };
                list = await api.PutAsync(path, body, ct).ConfigureAwait(false);
            }

            if (terminal.Json)
            {
                terminal.WriteJson(list);
                return ExitCodes.Ok;
            }

            terminal.Table(["Outcome", "Means", "Offered"],
                list.Items().Select(o => (IReadOnlyList<string?>)[o.Str("term"), o.Str("means"), IsRetired(o) ? "retired (still filed from others)" : "yes"]));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static bool IsRetired(JsonElement outcome) => outcome.Bool("retired") == true;
}
