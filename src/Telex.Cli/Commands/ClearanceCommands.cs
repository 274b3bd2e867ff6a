namespace Telex.Cli.Commands;

/// <summary>
/// <c>telex draft …</c> (drafts on their way through clearance to release), <c>telex clearance rule …</c> (the agency's
/// clearance policy) and <c>telex coordination …</c> (partner agencies' requests to clear their telegrams).
/// </summary>
internal static class ClearanceCommands
{
    private static readonly string[] DraftStatuses = ["awaiting", "cleared", "returned", "released"];
    private static readonly string[] States = ["pending", "given", "refused"];

    public static Command Drafts(Globals globals)
    {
        var draft = new Command("draft", "Submit telegrams for clearance, clear or refuse them, release them when cleared");
        draft.Subcommands.Add(SendCommand.CreateSubmit(globals));
        draft.Subcommands.Add(ListDrafts(globals));
        draft.Subcommands.Add(ShowDraft(globals));
        draft.Subcommands.Add(Decide(globals, "clear", "Give a clearance the draft awaits from you", give: true));
        draft.Subcommands.Add(Decide(globals, "refuse", "Refuse a clearance the draft awaits from you: it returns to its drafter", give: false));
        draft.Subcommands.Add(Resubmit(globals));
        draft.Subcommands.Add(Release(globals));
        return draft;
    }

    public static Command Policy(Globals globals)
    {
        var rule = new Command("rule", "The rules saying which telegrams need clearance, and by whom");
        rule.Subcommands.Add(ListRules(globals));
        rule.Subcommands.Add(AddRule(globals));
        rule.Subcommands.Add(RemoveRule(globals));
        var clearance = new Command("clearance", "The agency's clearance policy") { rule };
        return clearance;
    }

    public static Command Coordination(Globals globals)
    {
        var coordination = new Command("coordination", "Answer partner agencies' requests to clear their telegrams");
        coordination.Subcommands.Add(ListRequests(globals));
        coordination.Subcommands.Add(Answer(globals, "approve", "Approve a partner's telegram: it may release it", approve: true));
        coordination.Subcommands.Add(Answer(globals, "refuse", "Refuse a partner's telegram: it is not released", approve: false));
        return coordination;
    }

    private static string DraftPath(Guid id, string? action = null) => $"api/drafts/{id}" + (action is null ? "" : "/" + action);

    /// <summary>The draft a person names: by its number here (<c>draft list</c> shows them) or by its id.</summary>
    private static async Task<Guid> DraftIdAsync(ApiClient api, string reference, CancellationToken ct)
    {
        if (Guid.TryParse(reference, out var id))
        {
            return id;
        }

        if (!long.TryParse(reference, NumberStyles.None, CultureInfo.InvariantCulture, out long number))
        {
            throw new CliException(ExitCodes.Usage, $"\"{reference}\" is not a draft: give its number (telex draft list shows them) or its id");
        }

        var draft = await api.GetAsync($"api/drafts/number/{number}", ct).ConfigureAwait(false);
        return Guid.Parse(draft.Str("id")!);
    }

    private static Argument<string> DraftArgument(string description = "The draft: its number here (telex draft list shows them) or its id") =>
        new("DRAFT") { Description = description };

    /// <summary>A draft, its clearances and its recorded steps.</summary>
    internal static void PrintDraft(Terminal terminal, JsonElement d)
    {
        terminal.Fields(
        [
            ("Draft", d.Str("number")),
            ("Status", d.Str("status") == "awaitingclearance" ? "awaiting clearance" : d.Str("status")),
            ("To", Terminal.NameOf(d.Str("to"))),
            ("Subject", d.Str("subject")),
            ("Precedence", d.Str("precedence")),
            ("Drafter", d.Str("drafter")),
            ("Returned because", d.Str("returnReason")),
            ("Telegram", d.Str("telegramId")),
        ]);
        var clearances = d.TryGetProperty("clearances", out var c) ? c.EnumerateArray().ToList() : [];
        if (clearances.Count > 0)
        {
            terminal.Table(["Clearance by", "State", "Given by", "When", "Reason"], clearances.Select(s => (IReadOnlyList<string?>)
            [
                s.Str("kind") switch
                {
                    "officer" => "officer " + s.Str("party"),
                    "partner" => "partner " + Terminal.NameOf(s.Str("party")),
                    _ => "any releasing officer",
                },
                s.Str("state"),
                s.Str("by"),
                Terminal.Time(s.Time("at")),
                s.Str("reason"),
            ]), "Clearances", 4);
        }

        if (d.TryGetProperty("log", out var log) && log.ValueKind == JsonValueKind.Array)
        {
            terminal.Table(["When", "Who", "What", "Detail"], log.EnumerateArray().Select(l => (IReadOnlyList<string?>)
                [Terminal.Time(l.Time("at")), l.Str("actor"), l.Str("action"), Terminal.NamesIn(l.Str("detail"))]), "Steps", 3);
        }

        // Nothing releases a draft by itself: say what comes next.
        string? next = d.Str("status") switch
        {
            "awaitingclearance" => $"Once every clearance is given, a releasing officer releases it: telex draft release {d.Str("number")}",
            "cleared" => $"Cleared: a releasing officer releases it with telex draft release {d.Str("number")}",
            "returned" => $"Returned to its drafter: revise it with telex draft resubmit {d.Str("id")}",
            _ => null,
        };
        if (next is not null)
        {
            terminal.Line(next);
        }
    }

    private static Command ListDrafts(Globals globals)
    {
        var client = new ClientOptions();
        var status = new Option<string?>("--status") { Description = "Only drafts in this status", HelpName = "STATUS" };
        status.AcceptOnlyFromAmong(DraftStatuses);
        var command = client.AddTo(new Command("list", "List drafts, newest first") { status });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            string query = parse.GetValue(status) is { } s ? "?status=" + (s == "awaiting" ? "awaitingclearance" : s) : "";
            var list = await api.GetAsync("api/drafts" + query, ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(list);
                return ExitCodes.Ok;
            }

            var items = list.Items().ToList();
            if (items.Count == 0)
            {
                terminal.Line("no drafts");
                return ExitCodes.Ok;
            }

            terminal.Table(["Nº", "Status", "Subject", "Drafter", "Awaiting", "Submitted"], items.Select(d => (IReadOnlyList<string?>)
            [
                d.Str("number"),
                d.Str("status"),
                d.Str("subject"),
                d.Str("drafter"),
                string.Join(", ", d.GetProperty("clearances").EnumerateArray().Where(s => s.Str("state") == "pending")
                    .Select(s => s.Str("party") is { } p ? (s.Str("kind") == "partner" ? Terminal.NameOf(p) : p) : "a releasing officer")),
                Terminal.Time(d.Time("createdAt")),
            ]), null, 2, 4);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ShowDraft(Globals globals)
    {
        var client = new ClientOptions();
        var id = DraftArgument();
        var command = client.AddTo(new Command("show", "Show a draft, its clearances and every step recorded") { id });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var draft = await api.GetAsync(DraftPath(await DraftIdAsync(api, parse.GetValue(id)!, ct).ConfigureAwait(false)), ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(draft);
            }
            else
            {
                PrintDraft(terminal, draft);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Decide(Globals globals, string name, string description, bool give) =>
        Verdict(globals, name, description, "The draft: its number here (telex draft list shows them) or its id",
            give ? "A note kept with the clearance" : "Why (required): the drafter sees it", reasonRequired: !give,
            async (api, reference, ct) => DraftPath(await DraftIdAsync(api, reference, ct).ConfigureAwait(false), name), PrintDraft);

    /// <summary>A command that posts a verdict with an optional or required reason on the item <c>ID</c> and shows the result.</summary>
    private static Command Verdict(Globals globals, string name, string description, string idDescription, string reasonDescription,
        bool reasonRequired, Func<ApiClient, string, CancellationToken, Task<string>> path, Action<Terminal, JsonElement> print)
    {
        var client = new ClientOptions();
        var id = new Argument<string>("ID") { Description = idDescription };
        var reason = new Option<string?>("--reason", "-r") { Description = reasonDescription, HelpName = "TEXT", Required = reasonRequired };
        var command = client.AddTo(new Command(name, description) { id, reason });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            string target = await path(api, parse.GetValue(id)!, ct).ConfigureAwait(false);
            var result = await api.PostAsync(target, new JsonObject { ["reason"] = parse.GetValue(reason) }, ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(result);
            }
            else
            {
                print(terminal, result);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Resubmit(Globals globals)
    {
        var client = new ClientOptions();
        var id = DraftArgument("The returned draft: its number here or its id");
        var subject = new Option<string?>("--subject", "-s") { Description = "A revised subject line", HelpName = "TEXT" };
        var body = new Option<string?>("--body", "-b") { Description = "A revised text", HelpName = "TEXT" };
        var command = client.AddTo(new Command("resubmit", "Revise a returned draft and submit it for clearance again") { id, subject, body });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var draft = await api.PostAsync(DraftPath(await DraftIdAsync(api, parse.GetValue(id)!, ct).ConfigureAwait(false), "resubmit"),
                new JsonObject { ["subject"] = parse.GetValue(subject), ["body"] = parse.GetValue(body) }, ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(draft);
            }
            else
            {
                PrintDraft(terminal, draft);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Release(Globals globals)
    {
        var client = new ClientOptions();
        var id = DraftArgument();
        var command = client.AddTo(new Command("release", "Release a cleared draft as a telegram") { id });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var telegram = await api.PostAsync(DraftPath(await DraftIdAsync(api, parse.GetValue(id)!, ct).ConfigureAwait(false), "release"), null, ct)
                .ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(telegram);
                return ExitCodes.Ok;
            }

            terminal.Fields([("Telegram", telegram.Str("id")), ("To", telegram.Str("counterpartName")), ("Serial", telegram.Str("serial")),
                ("Status", telegram.Str("status"))]);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ListRules(Globals globals)
    {
        var client = new ClientOptions();
        var command = client.AddTo(new Command("list", "List the clearance rules"));
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var rules = await api.GetAsync("api/clearance/rules", ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(rules);
                return ExitCodes.Ok;
            }

            var items = rules.Items().ToList();
            if (items.Count == 0)
            {
                terminal.Line("no clearance rules: telegrams are released without clearance");
                return ExitCodes.Ok;
            }

            terminal.Table(["Rule", "To", "Precedence", "Cleared by"], items.Select(r => (IReadOnlyList<string?>)
            [
                r.Str("id"),
                r.Str("counterpart") is { } c ? Terminal.NameOf(c) : "anyone",
                r.Str("minPrecedence") is { } p ? p + " and above" : "any",
                string.Join(", ", r.Strings("officers").Select(o => "officer " + o)
                    .Concat(r.Bool("anyReleasingOfficer") == true ? ["any releasing officer"] : [])
                    .Concat(r.Str("partner") is { } partner ? ["partner " + Terminal.NameOf(partner)] : [])),
            ]), null, 3);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command AddRule(Globals globals)
    {
        var client = new ClientOptions();
        var to = new Option<string?>("--to") { Description = "Only telegrams to this counterpart (DID or name); default all", HelpName = "DID|NAME" };
        var precedence = new Option<string?>("--precedence", "-p") { Description = "Only telegrams of this precedence or above", HelpName = "PRECEDENCE" };
        precedence.AcceptOnlyFromAmong(SendCommand.Precedences);
        var officers = new Option<string[]>("--officer") { Description = "A named officer who must clear (repeatable)", HelpName = "NAME" };
        var any = new Option<bool>("--any-releasing-officer") { Description = "Any releasing officer other than the drafter must clear" };
        var partner = new Option<string?>("--partner") { Description = "A partner agency (DID or name) that must approve", HelpName = "DID|NAME" };
        var command = client.AddTo(new Command("add", "Add a clearance rule") { to, precedence, officers, any, partner });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var body = new JsonObject
            {
                ["counterpart"] = parse.GetValue(to) is { } t ? await Counterparts.ResolveAsync(api, t, ct).ConfigureAwait(false) : null,
                ["minPrecedence"] = parse.GetValue(precedence),
                ["officers"] = new JsonArray((parse.GetValue(officers) ?? []).Select(o => (JsonNode)o).ToArray()),
                ["anyReleasingOfficer"] = parse.GetValue(any),
                ["partner"] = parse.GetValue(partner) is { } p ? await Counterparts.ResolveAsync(api, p, ct).ConfigureAwait(false) : null,
            };
            var rule = await api.PostAsync("api/clearance/rules", body, ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(rule);
            }
            else
            {
                terminal.Fields([("Rule", rule.Str("id"))]);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command RemoveRule(Globals globals)
    {
        var client = new ClientOptions();
        var id = new Argument<Guid>("ID") { Description = "The rule's id" };
        var command = client.AddTo(new Command("remove", "Remove a clearance rule") { id });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            await api.DeleteAsync($"api/clearance/rules/{parse.GetValue(id)}", ct).ConfigureAwait(false);
            terminal.Line(terminal.Json ? "{}" : $"removed rule {parse.GetValue(id)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ListRequests(Globals globals)
    {
        var client = new ClientOptions();
        var state = new Option<string?>("--state") { Description = "Only requests in this state", HelpName = "STATE" };
        state.AcceptOnlyFromAmong(States);
        var command = client.AddTo(new Command("list", "List partner agencies' requests to clear their telegrams, newest first") { state });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var list = await api.GetAsync("api/coordination" + (parse.GetValue(state) is { } s ? "?state=" + s : ""), ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(list);
                return ExitCodes.Ok;
            }

            var items = list.Items().ToList();
            if (items.Count == 0)
            {
                terminal.Line("no coordination requests");
                return ExitCodes.Ok;
            }

            terminal.Table(["Request", "From", "Telegram to", "Subject", "Precedence", "Drafter", "Received", "State", "Answered by", "Reason"],
                items.Select(r => (IReadOnlyList<string?>)
                [
                    r.Str("id"), r.Str("fromName"), r.Str("recipientName") ?? "an agency unknown here", r.Str("subject"), r.Str("precedence"),
                    r.Str("drafter"), Terminal.Time(r.Time("receivedAt")), r.Str("state"), r.Str("answeredBy"), r.Str("reason"),
                ]), null, 3, 9);
            terminal.Line("telex coordination approve ID, or refuse ID --reason TEXT; --json has each telegram's text");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Answer(Globals globals, string name, string description, bool approve) =>
        Verdict(globals, name, description, "The request's id",
            approve ? "A note sent with the approval" : "Why (required): the requesting agency sees it", reasonRequired: !approve,
            (_, reference, _) => Guid.TryParse(reference, out var id)
                ? Task.FromResult($"api/coordination/{id}/{name}")
                : throw new CliException(ExitCodes.Usage, $"\"{reference}\" is not a request id: telex coordination list shows them"),
            (terminal, answered) => terminal.Fields([("Request", answered.Str("id")), ("From", answered.Str("fromName")),
                ("Subject", answered.Str("subject")), ("State", answered.Str("state"))]));
}
