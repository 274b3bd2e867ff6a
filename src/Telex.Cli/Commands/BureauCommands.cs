namespace Telex.Cli.Commands;

/// <summary>
/// <c>telex bureau …</c>: bureaus — propose a charter, see its readiness, charter it, accept, leave, send bulletins to
/// every member of the current epoch, open bureau issues.
/// </summary>
internal static class BureauCommands
{
    public static Command Create(Globals globals)
    {
        var bureau = new Command("bureau", "Bureaus: multilateral bodies of agencies, chartered once enough ties exist");
        bureau.Subcommands.Add(Propose(globals));
        bureau.Subcommands.Add(Readiness(globals));
        bureau.Subcommands.Add(AddMember(globals));
        bureau.Subcommands.Add(RemoveMember(globals));
        bureau.Subcommands.Add(Step(globals, "charter", "Charter a bureau this agency proposed; refused while it is premature"));
        bureau.Subcommands.Add(Step(globals, "accept", "Accept a bureau's charter: the secretariat opens an epoch with this agency"));
        bureau.Subcommands.Add(Step(globals, "leave", "Leave a bureau: nothing of its next epoch reaches this agency"));
        bureau.Subcommands.Add(List(globals));
        bureau.Subcommands.Add(Show(globals));
        bureau.Subcommands.Add(Members(globals));
        bureau.Subcommands.Add(Bulletin(globals));
        bureau.Subcommands.Add(Issue(globals));
        bureau.Subcommands.Add(Outcomes(globals));
        return bureau;
    }

    private static Command Outcomes(Globals globals)
    {
        var id = IdArgument();
        return IssueCommands.OutcomesCommand(globals, id,
            "List the outcomes the bureau's issues are named by (the same at every member); --add/--remove change them at the bureau's secretariat "
            + "(a removed outcome is retired: no longer offered, still filed from members; a term never changes its meaning)",
            async (api, parse, ct) => BureauPath(await BureauIdAsync(api, parse.GetValue(id)!, ct).ConfigureAwait(false), "outcomes"));
    }

    private static string BureauPath(Guid id, string? action = null) => "api/bureaus/" + id.ToString() + (action is null ? "" : "/" + action);

    private static Argument<string> IdArgument() => new("BUREAU") { Description = "The bureau: its name (telex bureau list shows them) or its id" };

    /// <summary>The bureau a person names: by its id, or by its name (ignoring case) among the bureaus held here.</summary>
    private static async Task<Guid> BureauIdAsync(ApiClient api, string reference, CancellationToken ct)
    {
        if (Guid.TryParse(reference, out var id))
        {
            return id;
        }

        var named = (await api.GetAsync("api/bureaus", ct).ConfigureAwait(false)).Items()
            .Where(b => string.Equals(b.Str("name"), reference.Trim(), StringComparison.OrdinalIgnoreCase)).ToList();
        return named.Count switch
        {
            1 => Guid.Parse(named[0].Str("id")!),
            0 => throw new CliException(ExitCodes.NotFound, $"no bureau named \"{reference}\" here (telex bureau list shows them)"),
            _ => throw new CliException(ExitCodes.Usage, $"{named.Count} bureaus are named \"{reference}\": give the id (telex bureau list --json)"),
        };
    }

    private static Command Propose(Globals globals)
    {
        var client = new ClientOptions();
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
        var command = client.AddTo(new Command("propose", "Propose a bureau's charter; nothing is sent before it is chartered")
        {
            name, purpose, members, rule, secretariat,
        });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            string ruleText = parse.GetValue(rule)!;
            if (ruleText != "all" && !(ruleText.StartsWith("quorum:", StringComparison.Ordinal)
                && int.TryParse(ruleText.AsSpan("quorum:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out int q) && q >= 1))
            {
                throw new CliException(ExitCodes.Usage, $"--rule must be all or quorum:N (N from 1), not '{ruleText}'");
            }

            using var api = client.Connect(parse);
            // Names go as given: the agency finds them among its ties and its directory, and keeps those known of by name only as prospects.
            var named = new JsonArray(parse.GetValue(members)!.Select(m => (JsonNode)m).ToArray());

            var request = new JsonObject
            {
                ["name"] = parse.GetValue(name),
                ["purpose"] = parse.GetValue(purpose),
                ["members"] = named,
                ["rule"] = ruleText,
            };
            if (parse.GetValue(secretariat) is { } s)
            {
                request["secretariat"] = s;
            }

            var bureau = await api.PostAsync("api/bureaus", request, ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(bureau);
                return ExitCodes.Ok;
            }

            PrintFields(terminal, bureau);
            terminal.Line();
            PrintMembers(terminal, bureau);
            terminal.Line();
            terminal.Line($"See whether it may be chartered with: telex bureau readiness \"{bureau.Str("name")}\"");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Readiness(Globals globals)
    {
        var client = new ClientOptions();
        var id = IdArgument();
        var command = client.AddTo(new Command("readiness", "Show how many prospective members the founder is tied with, and who is missing") { id });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var readiness = await api.GetAsync(BureauPath(await BureauIdAsync(api, parse.GetValue(id)!, ct).ConfigureAwait(false), "readiness"), ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(readiness);
                return ExitCodes.Ok;
            }

            terminal.Line(Terminal.NamesIn(readiness.Str("summary")));
            var missing = readiness.TryGetProperty("missing", out var m) ? m.Items().ToList() : [];
            if (missing.Count > 0)
            {
                terminal.Table(["Missing", "Tie", "Next"], missing.Select(x => (IReadOnlyList<string?>)[Terminal.Named(x.Str("name")), x.Str("tie"), x.Str("next")]), null, 2);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command AddMember(Globals globals)
    {
        var client = new ClientOptions();
        var id = IdArgument();
        var member = new Argument<string>("MEMBER")
        {
            Description = "The agency: a tie's or the directory's name, or a DID; one known of by name only (telex directory add NAME) is a prospect",
        };
        var command = client.AddTo(new Command("add", "Name another prospective member for a bureau this agency proposed and has not chartered (admin); nothing is sent")
        {
            id, member,
        });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var bureau = await api.PostAsync(BureauPath(await BureauIdAsync(api, parse.GetValue(id)!, ct).ConfigureAwait(false), "members"),
                new JsonObject { ["member"] = parse.GetValue(member) }, ct).ConfigureAwait(false);
            return PrintChanged(terminal, bureau);
        });
        return command;
    }

    private static Command RemoveMember(Globals globals)
    {
        var client = new ClientOptions();
        var id = IdArgument();
        var member = new Argument<string>("MEMBER") { Description = "The prospective member or prospect, by name (or DID)" };
        var command = client.AddTo(new Command("remove", "Drop a prospective member or prospect from a bureau this agency proposed and has not chartered (admin)")
        {
            id, member,
        });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var path = BureauPath(await BureauIdAsync(api, parse.GetValue(id)!, ct).ConfigureAwait(false), "members/" + Uri.EscapeDataString(parse.GetValue(member)!));
            return PrintChanged(terminal, await api.DeleteAsync(path, ct).ConfigureAwait(false));
        });
        return command;
    }

    private static int PrintChanged(Terminal terminal, JsonElement bureau)
    {
        if (terminal.Json)
        {
            terminal.WriteJson(bureau);
            return ExitCodes.Ok;
        }

        PrintMembers(terminal, bureau);
        terminal.Line();
        terminal.Line($"See whether it may be chartered with: telex bureau readiness \"{bureau.Str("name")}\"");
        return ExitCodes.Ok;
    }

    private static Command Step(Globals globals, string action, string description)
    {
        var client = new ClientOptions();
        var id = IdArgument();
        var command = client.AddTo(new Command(action, description) { id });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var bureau = await api.PostAsync(BureauPath(await BureauIdAsync(api, parse.GetValue(id)!, ct).ConfigureAwait(false), action), new JsonObject(), ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(bureau);
                return ExitCodes.Ok;
            }

            PrintFields(terminal, bureau);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(Globals globals)
    {
        var client = new ClientOptions();
        var command = client.AddTo(new Command("list", "List the bureaus this agency founded or was named in"));
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var list = await api.GetAsync("api/bureaus", ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(list);
                return ExitCodes.Ok;
            }

            var items = list.Items().ToList();
            if (items.Count == 0)
            {
                terminal.Line("no bureaus");
                return ExitCodes.Ok;
            }

            terminal.Table(["Bureau", "Status", "Epoch", "Members", "Changed"], items.Select(b => (IReadOnlyList<string?>)
            [
                b.Str("name"),
                b.Str("status"),
                b.Long("epoch")?.ToString(CultureInfo.InvariantCulture),
                MembersIn(b).ToString(CultureInfo.InvariantCulture),
                Terminal.Time(b.Time("changedAt")),
            ]));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show(Globals globals)
    {
        var client = new ClientOptions();
        var id = IdArgument();
        var command = client.AddTo(new Command("show", "Show a bureau: its charter, members, epochs and issues") { id });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var bureau = await api.GetAsync(BureauPath(await BureauIdAsync(api, parse.GetValue(id)!, ct).ConfigureAwait(false)), ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(bureau);
                return ExitCodes.Ok;
            }

            PrintFields(terminal, bureau);
            terminal.Line();
            PrintMembers(terminal, bureau);
            if (bureau.TryGetProperty("issues", out var issues) && issues.GetArrayLength() > 0)
            {
                terminal.Line();
                IssueCommands.Print(terminal, issues, "no issues", "Issues");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Members(Globals globals)
    {
        var client = new ClientOptions();
        var id = IdArgument();
        var epoch = new Option<long?>("--epoch", "-e") { Description = "An earlier epoch (default the current one)", HelpName = "N" };
        var command = client.AddTo(new Command("members", "List the members of a bureau's current epoch, or of an earlier one") { id, epoch });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var bureau = await api.GetAsync(BureauPath(await BureauIdAsync(api, parse.GetValue(id)!, ct).ConfigureAwait(false)), ct).ConfigureAwait(false);
            long number = parse.GetValue(epoch) ?? bureau.Long("epoch") ?? 0;
            var found = bureau.TryGetProperty("epochs", out var epochs) ? epochs.Items().FirstOrDefault(e => e.Long("number") == number) : default;
            if (found.ValueKind != JsonValueKind.Object)
            {
                throw new CliException(ExitCodes.NotFound, number == 0
                    ? "the bureau has no epoch yet: it opens once the secretariat has joined"
                    : $"this agency holds no epoch {number} of the bureau");
            }

            if (terminal.Json)
            {
                terminal.WriteJson(found);
                return ExitCodes.Ok;
            }

            terminal.Table(["Member"], found.GetProperty("members").Items()
                .Select(m => (IReadOnlyList<string?>)[Terminal.Named(m.Str("name"))]), $"Epoch {number}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Bulletin(Globals globals)
    {
        var client = new ClientOptions();
        var id = IdArgument();
        var subject = new Option<string>("--subject", "-s") { Description = "The subject line", Required = true, HelpName = "TEXT" };
        var body = new Option<string?>("--body", "-b") { Description = "The text (else --body-file, else stdin)", HelpName = "TEXT" };
        var bodyFile = new Option<FileInfo>("--body-file") { Description = "Read the text from a file", HelpName = "FILE" };
        bodyFile.AcceptExistingOnly();
        var precedence = new Option<string>("--precedence", "-p") { Description = "How urgent", DefaultValueFactory = _ => "routine" };
        precedence.AcceptOnlyFromAmong(SendCommand.Precedences);
        var issue = new Option<string?>("--issue", "-i") { Description = "The bureau issue the bulletin belongs to", HelpName = "ID" };
        var command = client.AddTo(new Command("bulletin", "Send a bulletin: one telegram to every other member of the bureau's current epoch")
        {
            id, subject, body, bodyFile, precedence, issue,
        });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            string text = await SendCommand.ReadBodyAsync(parse.GetValue(body), parse.GetValue(bodyFile), ct).ConfigureAwait(false);
            using var api = client.Connect(parse);
            var request = new JsonObject
            {
                ["subject"] = parse.GetValue(subject),
                ["body"] = text,
                ["precedence"] = parse.GetValue(precedence),
            };
            if (parse.GetValue(issue) is { } i)
            {
                request["issueId"] = i;
            }

            var sent = await api.PostAsync(BureauPath(await BureauIdAsync(api, parse.GetValue(id)!, ct).ConfigureAwait(false), "bulletins"), request, ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(sent);
                return ExitCodes.Ok;
            }

            var items = sent.Items().ToList();
            terminal.Table(["Telegram", "To", "Serial", "Status"], items.Select(t => (IReadOnlyList<string?>)
            [
                t.Str("id"), t.Str("counterpartName"), t.Long("serial")?.ToString(CultureInfo.InvariantCulture), t.Str("status"),
            ]), string.Create(CultureInfo.InvariantCulture, $"Bulletin of epoch {items.FirstOrDefault().Long("bureauEpoch")} to {items.Count} members"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Issue(Globals globals)
    {
        var client = new ClientOptions();
        var id = IdArgument();
        var title = new Option<string>("--title", "-t") { Description = "What the issue is about", Required = true, HelpName = "TEXT" };
        var command = client.AddTo(new Command("issue", "Open an issue shared by every member of the bureau's current epoch") { id, title });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var opened = await api.PostAsync(BureauPath(await BureauIdAsync(api, parse.GetValue(id)!, ct).ConfigureAwait(false), "issues"), new JsonObject { ["title"] = parse.GetValue(title) }, ct)
                .ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(opened);
                return ExitCodes.Ok;
            }

            terminal.Fields([("Issue", opened.Str("id")), ("With", opened.Str("counterpartName")), ("Title", opened.Str("title")), ("Status", opened.Str("status"))]);
            terminal.Line();
            terminal.Line($"Name it on bulletins with: telex bureau bulletin {parse.GetValue(id)} --issue {opened.Str("id")} …");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static int MembersIn(JsonElement bureau) =>
        bureau.TryGetProperty("members", out var m) ? m.Items().Count(x => x.Bool("inCurrentEpoch") == true) : 0;

    private static void PrintFields(Terminal terminal, JsonElement bureau) => terminal.Fields(
    [
        ("Bureau", bureau.Str("name")),
        ("Purpose", bureau.Str("purpose")),
        ("Status", bureau.Str("status")),
        ("Rule", bureau.Str("rule")),
        ("Founder", Terminal.NameOf(bureau.Str("founder"))),
        ("Secretariat", Terminal.NameOf(bureau.Str("secretariat"))),
        ("Epoch", bureau.Long("epoch")?.ToString(CultureInfo.InvariantCulture)),
        ("Members", MembersIn(bureau).ToString(CultureInfo.InvariantCulture) + " in the current epoch"),
    ]);

    private static void PrintMembers(Terminal terminal, JsonElement bureau)
    {
        if (!bureau.TryGetProperty("members", out var members))
        {
            return;
        }

        var prospects = bureau.TryGetProperty("prospects", out var p) ? p.Items().ToList() : [];
        terminal.Table(["Member", "State", "In epoch"], members.Items().Select(m => (IReadOnlyList<string?>)
        [
            Terminal.Named(m.Str("name")), m.Str("state"), m.Bool("inCurrentEpoch") == true ? "yes" : "no",
        ]).Concat(prospects.Select(x => (IReadOnlyList<string?>)[Terminal.Named(x.Str("name")), x.Str("tie"), "no"])), "Members");
    }
}
