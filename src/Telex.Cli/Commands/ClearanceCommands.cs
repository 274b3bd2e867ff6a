namespace Telex.Cli.Commands;

/// <summary>
/// <c>telex draft …</c> (drafts on their way through clearance to release), <c>telex clearance rule …</c> (the agency's
/// clearance policy) and <c>telex coordination …</c> (partner agencies' requests to clear their telegrams).
/// </summary>
internal static class ClearanceCommands
{
    private static readonly string[] DraftStatuses = ["awaiting", "cleared", "returned", "released"];
    private static readonly string[] States = ["pending", "given", "refused"];

    public static Command Drafts(Globals globals) =>
        Globals.Group("draft", "Submit telegrams for clearance, clear or refuse them, release them when cleared",
            SendCommand.CreateSubmit(globals), ListDrafts(globals), ShowDraft(globals),
            Decide(globals, "clear", "Give a clearance the draft awaits from you", give: true),
            Decide(globals, "refuse", "Refuse a clearance the draft awaits from you: it returns to its drafter", give: false), Resubmit(globals),
            Release(globals));

    public static Command Policy(Globals globals) =>
        Globals.Group("clearance", "The agency's clearance policy",
            Globals.Group("rule", "The rules saying which telegrams need clearance, and by whom", ListRules(globals), AddRule(globals), RemoveRule(globals)));

    public static Command Coordination(Globals globals) =>
        Globals.Group("coordination", "Answer partner agencies' requests to clear their telegrams",
            ListRequests(globals), Answer(globals, "approve", "Approve a partner's telegram: it may release it", approve: true),
            Answer(globals, "refuse", "Refuse a partner's telegram: it is not released", approve: false));

    /// <summary>The draft a person names: by its number here (<c>draft list</c> shows them) or by its id.</summary>
    private static async Task<Guid> DraftIdAsync(ClientRun run, string reference)
    {
        if (Guid.TryParse(reference, out var id))
        {
            return id;
        }

        if (!long.TryParse(reference, NumberStyles.None, CultureInfo.InvariantCulture, out long number))
        {
            throw new CliException(ExitCodes.Usage, $"\"{reference}\" is not a draft: give its number (telex draft list shows them) or its id");
        }

        return (await run.Call((api, ct) => api.GetDraftByNumberAsync(number, ct)).ConfigureAwait(false)).Id;
    }

    private static Argument<string> DraftArgument(string description = "The draft: its number here (telex draft list shows them) or its id") =>
        new("DRAFT") { Description = description };

    /// <summary>A command on the draft its <c>DRAFT</c> argument names, printing what <paramref name="act"/> answers.</summary>
    private static Command OnDraft<T>(Globals globals, Command command, Argument<string> id, Func<ClientRun, Guid, Task<T>> act, Action<Terminal, T> print) =>
        ClientCommand.Show(globals, command,
            async run => await act(run, await DraftIdAsync(run, run.Value(id)).ConfigureAwait(false)).ConfigureAwait(false),
            (run, answer) => print(run.Terminal, answer));

    private static string StatusText(DraftStatus status) => status == DraftStatus.AwaitingClearance ? "awaiting clearance" : Terminal.Word(status);

    /// <summary>A draft, its clearances and its recorded steps.</summary>
    internal static void PrintDraft(Terminal terminal, DraftView d)
    {
        terminal.Fields(
        [
            ("Draft", Terminal.Number(d.Number)),
            ("Status", StatusText(d.Status)),
            ("To", Terminal.NameOf(d.To)),
            ("Subject", d.Subject),
            ("Precedence", Terminal.Word(d.Precedence)),
            ("Drafter", d.Drafter),
            ("Returned because", d.ReturnReason),
            ("Telegram", d.TelegramId?.ToString()),
        ]);
        if (d.Clearances.Count > 0)
        {
            terminal.Table(["Clearance by", "State", "Given by", "When", "Reason"], d.Clearances.Select(s => (IReadOnlyList<string?>)
            [
                s.Kind switch
                {
                    ClearerKind.Officer => "officer " + s.Party,
                    ClearerKind.Partner => "partner " + Terminal.NameOf(s.Party),
                    _ => "any releasing officer",
                },
                Terminal.Word(s.State),
                s.By,
                Terminal.Time(s.At),
                s.Reason,
            ]), "Clearances", 4);
        }

        if (d.Log is { } log)
        {
            terminal.Table(["When", "Who", "What", "Detail"], log.Select(l => (IReadOnlyList<string?>)
                [Terminal.Time(l.At), l.Actor, l.Action, Terminal.NamesIn(l.Detail)]), "Steps", 3);
        }

        // Nothing releases a draft by itself: say what comes next.
        string? next = d.Status switch
        {
            DraftStatus.AwaitingClearance => $"Once every clearance is given, a releasing officer releases it: telex draft release {d.Number}",
            DraftStatus.Cleared => $"Cleared: a releasing officer releases it with telex draft release {d.Number}",
            DraftStatus.Returned => $"Returned to its drafter: revise it with telex draft resubmit {d.Id}",
            _ => null,
        };
        if (next is not null)
        {
            terminal.Line(next);
        }
    }

    private static Command ListDrafts(Globals globals)
    {
        var status = new Option<string?>("--status") { Description = "Only drafts in this status", HelpName = "STATUS" };
        status.AcceptOnlyFromAmong(DraftStatuses);
        return ClientCommand.List(globals, new Command("list", "List drafts, newest first") { status },
            run => run.Call((api, ct) => api.ListDraftsAsync(run.Parse.GetValue(status) is { } s ? (s == "awaiting" ? "awaitingclearance" : s) : null, ct)),
            "no drafts",
            (run, items) => run.Terminal.Table(["Nº", "Status", "Subject", "Drafter", "Awaiting", "Submitted"], items.Select(d => (IReadOnlyList<string?>)
            [
                Terminal.Number(d.Number),
                Terminal.Word(d.Status),
                d.Subject,
                d.Drafter,
                string.Join(", ", d.Clearances.Where(s => s.State == ClearanceState.Pending)
                    .Select(s => s.Party is { } p ? (s.Kind == ClearerKind.Partner ? Terminal.NameOf(p) : p) : "a releasing officer")),
                Terminal.Time(d.CreatedAt),
            ]), null, 2, 4));
    }

    private static Command ShowDraft(Globals globals)
    {
        var id = DraftArgument();
        return OnDraft(globals, new Command("show", "Show a draft, its clearances and every step recorded") { id }, id,
            (run, draft) => run.Call((api, ct) => api.GetDraftAsync(draft, ct)), PrintDraft);
    }

    private static Command Decide(Globals globals, string name, string description, bool give) =>
        Verdict(globals, name, description, "The draft: its number here (telex draft list shows them) or its id",
            give ? "A note kept with the clearance" : "Why (required): the drafter sees it", reasonRequired: !give,
            async (run, reference, decision) =>
            {
                var id = await DraftIdAsync(run, reference).ConfigureAwait(false);
                return await run.Call((api, ct) => api.DecideDraftAsync(id, give, decision, ct)).ConfigureAwait(false);
            }, PrintDraft);

    /// <summary>A command that posts a verdict with an optional or required reason on the item <c>ID</c> and shows the result.</summary>
    private static Command Verdict<T>(Globals globals, string name, string description, string idDescription, string reasonDescription,
        bool reasonRequired, Func<ClientRun, string, DecisionRequest, Task<T>> decide, Action<Terminal, T> print)
    {
        var id = new Argument<string>("ID") { Description = idDescription };
        var reason = new Option<string?>("--reason", "-r") { Description = reasonDescription, HelpName = "TEXT", Required = reasonRequired };
        return ClientCommand.Show(globals, new Command(name, description) { id, reason },
            run => decide(run, run.Value(id), new DecisionRequest(run.Parse.GetValue(reason))), (run, answer) => print(run.Terminal, answer));
    }

    private static Command Resubmit(Globals globals)
    {
        var id = DraftArgument("The returned draft: its number here or its id");
        var subject = new Option<string?>("--subject", "-s") { Description = "A revised subject line", HelpName = "TEXT" };
        var body = new Option<string?>("--body", "-b") { Description = "A revised text", HelpName = "TEXT" };
        return OnDraft(globals, new Command("resubmit", "Revise a returned draft and submit it for clearance again") { id, subject, body }, id,
            (run, draft) => run.Call((api, ct) => api.ResubmitDraftAsync(draft, new ResubmitRequest(run.Parse.GetValue(subject), run.Parse.GetValue(body)), ct)),
            PrintDraft);
    }

    private static Command Release(Globals globals)
    {
        var id = DraftArgument();
        return OnDraft(globals, new Command("release", "Release a cleared draft as a telegram") { id }, id,
            (run, draft) => run.Call((api, ct) => api.ReleaseDraftAsync(draft, ct)),
            (terminal, telegram) => terminal.Fields([("Telegram", telegram.Id.ToString()), ("To", telegram.CounterpartName),
                ("Serial", Terminal.Number(telegram.Serial)), ("Status", Terminal.Word(telegram.Status))]));
    }

    private static Command ListRules(Globals globals) =>
        ClientCommand.List(globals, new Command("list", "List the clearance rules"),
            run => run.Call((api, ct) => api.ListClearanceRulesAsync(ct)), "no clearance rules: telegrams are released without clearance",
            (run, items) => run.Terminal.Table(["Rule", "To", "Precedence", "Cleared by"], items.Select(r => (IReadOnlyList<string?>)
            [
                r.Id.ToString(),
                r.Counterpart is { } c ? Terminal.NameOf(c) : "anyone",
                r.MinPrecedence is { } p ? Terminal.Word(p) + " and above" : "any",
                string.Join(", ", r.Officers.Select(o => "officer " + o)
                    .Concat(r.AnyReleasingOfficer ? ["any releasing officer"] : [])
                    .Concat(r.Partner is { } partner ? ["partner " + Terminal.NameOf(partner)] : [])),
            ]), null, 3));

    private static Command AddRule(Globals globals)
    {
        var to = new Option<string?>("--to") { Description = "Only telegrams to this counterpart (DID or name); default all", HelpName = "DID|NAME" };
        var precedence = new Option<string?>("--precedence", "-p") { Description = "Only telegrams of this precedence or above", HelpName = "PRECEDENCE" };
        precedence.AcceptOnlyFromAmong(SendCommand.Precedences);
        var officers = new Option<string[]>("--officer") { Description = "A named officer who must clear (repeatable)", HelpName = "NAME" };
        var any = new Option<bool>("--any-releasing-officer") { Description = "Any releasing officer other than the drafter must clear" };
        var partner = new Option<string?>("--partner") { Description = "A partner agency (DID or name) that must approve", HelpName = "DID|NAME" };
        return ClientCommand.Show(globals, new Command("add", "Add a clearance rule") { to, precedence, officers, any, partner },
            async run =>
            {
                var rule = new ClearanceRuleRequest(
                    run.Parse.GetValue(to) is { } t ? await run.CounterpartAsync(t).ConfigureAwait(false) : null,
                    run.Parse.GetValue(precedence),
                    run.Parse.GetValue(officers) ?? [],
                    run.Value(any),
                    run.Parse.GetValue(partner) is { } p ? await run.CounterpartAsync(p).ConfigureAwait(false) : null);
                return await run.Call((api, ct) => api.AddClearanceRuleAsync(rule, ct)).ConfigureAwait(false);
            },
            (run, rule) => run.Terminal.Fields([("Rule", rule.Id.ToString())]));
    }

    private static Command RemoveRule(Globals globals)
    {
        var id = new Argument<Guid>("ID") { Description = "The rule's id" };
        return ClientCommand.Create(globals, new Command("remove", "Remove a clearance rule") { id }, async run =>
        {
            await run.Call((api, ct) => api.RemoveClearanceRuleAsync(run.Value(id), ct)).ConfigureAwait(false);
            run.Terminal.Line(run.Terminal.Json ? "{}" : $"removed rule {run.Value(id)}");
            return ExitCodes.Ok;
        });
    }

    private static Command ListRequests(Globals globals)
    {
        var state = new Option<string?>("--state") { Description = "Only requests in this state", HelpName = "STATE" };
        state.AcceptOnlyFromAmong(States);
        return ClientCommand.List(globals, new Command("list", "List partner agencies' requests to clear their telegrams, newest first") { state },
            run => run.Call((api, ct) => api.ListCoordinationAsync(run.Parse.GetValue(state), ct)), "no coordination requests",
            (run, items) =>
            {
                run.Terminal.Table(["Request", "From", "Telegram to", "Subject", "Precedence", "Drafter", "Received", "State", "Answered by", "Reason"],
                    items.Select(r => (IReadOnlyList<string?>)
                    [
                        r.Id.ToString(), r.FromName, r.RecipientName ?? "an agency unknown here", r.Subject, Terminal.Word(r.Precedence),
                        r.Drafter, Terminal.Time(r.ReceivedAt), Terminal.Word(r.State), r.AnsweredBy, r.Reason,
                    ]), null, 3, 9);
                run.Terminal.Line("telex coordination approve ID, or refuse ID --reason TEXT; --json has each telegram's text");
            });
    }

    private static Command Answer(Globals globals, string name, string description, bool approve) =>
        Verdict(globals, name, description, "The request's id",
            approve ? "A note sent with the approval" : "Why (required): the requesting agency sees it", reasonRequired: !approve,
            (run, reference, decision) => Guid.TryParse(reference, out var id)
                ? run.Call((api, ct) => api.AnswerCoordinationAsync(id, approve, decision, ct))
                : throw new CliException(ExitCodes.Usage, $"\"{reference}\" is not a request id: telex coordination list shows them"),
            (terminal, answered) => terminal.Fields([("Request", answered.Id.ToString()), ("From", answered.FromName),
                ("Subject", answered.Subject), ("State", Terminal.Word(answered.State))]));
}
