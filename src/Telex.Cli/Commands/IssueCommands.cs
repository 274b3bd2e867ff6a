using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

using Telex.Cli.Client;
using Telex.Cli.Output;

namespace Telex.Cli.Commands;

/// <summary><c>telex issue …</c>: issues shared with a counterpart, their status and outcome, and their history.</summary>
internal static class IssueCommands
{
    /// <summary>The statuses an issue can have.</summary>
    public static readonly string[] Statuses = ["open", "deferred", "agreed", "referred", "closed"];

    public static Command Create(Globals globals)
    {
        var issue = new Command("issue", "Open issues with a counterpart, change their status, show their history");
        issue.Subcommands.Add(Open(globals));
        issue.Subcommands.Add(List(globals));
        issue.Subcommands.Add(Show(globals));
        issue.Subcommands.Add(Status(globals));
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

            terminal.Fields([("Issue", issue.Str("id")), ("With", issue.Str("counterpartName")), ("Title", issue.Str("title")), ("Status", issue.Str("status"))]);
            terminal.Line();
            terminal.Line($"Name it on telegrams with: telex send --issue {issue.Str("id")} …");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(Globals globals)
    {
        var client = new ClientOptions();
        var counterpart = new Option<string?>("--counterpart", "-c") { Description = "Only issues with this counterpart (DID or name)", HelpName = "DID|NAME" };
        var status = new Option<string?>("--status") { Description = "Only issues in this status", HelpName = "STATUS" };
        status.AcceptOnlyFromAmong(Statuses);
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

        terminal.Table(["Issue", "With", "Title", "Status", "Outcome", "Changed"], items.Select(i => (IReadOnlyList<string?>)
        [
            i.Str("id"),
            i.Str("counterpartName") ?? Terminal.ShortDid(i.Str("counterpart")),
            i.Str("title"),
            StatusText(i),
            i.Str("outcome"),
            Terminal.Time(i.Time("changedAt")),
        ]), title, 2, 4);
    }

    private static string? StatusText(JsonElement e) =>
        e.Str("referredTo") is { } to ? $"{e.Str("status")} to {to}" : e.Str("status");

    private static Command Show(Globals globals)
    {
        var client = new ClientOptions();
        var id = new Argument<string>("ID") { Description = "The issue's id" };
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

            terminal.Fields(
            [
                ("Issue", issue.Str("id")),
                ("With", issue.Str("counterpartName")),
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
                    string what = e.Str("title") is not null ? "opened" : StatusText(e) ?? "";
                    string by = e.Str("agencyName") + (e.Str("officer") is { } o ? $" ({o})" : "");
                    return (IReadOnlyList<string?>)[Terminal.Time(e.Time("at")), e.Str("clock"), by, what, e.Str("title") ?? e.Str("outcome")];
                }

                var t = entry.Obj("telegram") ?? default;
                bool inbound = string.Equals(t.Str("direction"), "inbound", StringComparison.OrdinalIgnoreCase);
                string label = inbound ? $"telegram Nº {t.Str("registryNumber")}" : $"telegram No. {t.Str("serial")}";
                return [Terminal.Time(t.Time("releasedAt")), "", inbound ? t.Str("counterpartName") : "us", label, t.Str("subject")];
            }), "History", 4);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Status(Globals globals)
    {
        var client = new ClientOptions();
        var id = new Argument<string>("ID") { Description = "The issue's id" };
        var status = new Argument<string>("STATUS") { Description = "open, deferred, agreed, referred or closed" };
        status.AcceptOnlyFromAmong(Statuses);
        var outcome = new Option<string>("--outcome", "-o") { Description = "What was decided, or why", Required = true, HelpName = "TEXT" };
        var referredTo = new Option<string?>("--referred-to") { Description = "The agency the issue is referred to (with referred)", HelpName = "AGENCY" };
        var command = client.AddTo(new Command("status", "Change an issue's status, with its outcome; the counterpart receives the change")
        {
            id, status, outcome, referredTo,
        });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            string newStatus = parse.GetValue(status)!;
            if (newStatus == "referred" && string.IsNullOrWhiteSpace(parse.GetValue(referredTo)))
            {
                throw new CliException(ExitCodes.Usage, "a referred issue names the agency: give --referred-to AGENCY");
            }

            if (newStatus != "referred" && parse.GetValue(referredTo) is not null)
            {
                throw new CliException(ExitCodes.Usage, "--referred-to goes only with the status referred");
            }

            using var api = client.Connect(parse);
            var body = new JsonObject { ["status"] = newStatus, ["outcome"] = parse.GetValue(outcome) };
            if (parse.GetValue(referredTo) is { } to)
            {
                body["referredTo"] = to;
            }

            var issue = await api.PostAsync(IssuePath(parse.GetValue(id)!, "status"), body, ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(issue);
                return ExitCodes.Ok;
            }

            terminal.Fields([("Issue", issue.Str("id")), ("Status", StatusText(issue)), ("Outcome", issue.Str("outcome")),
                ("Clock", issue.Long("clock")?.ToString(CultureInfo.InvariantCulture))]);
            return ExitCodes.Ok;
        });
        return command;
    }
}
