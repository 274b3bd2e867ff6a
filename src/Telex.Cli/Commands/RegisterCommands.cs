using System.Text;

namespace Telex.Cli.Commands;

/// <summary><c>telex inbox</c>, <c>telex search</c> and <c>telex show</c>: reading the register.</summary>
internal static class RegisterCommands
{
    /// <summary>Statuses a telegram can have.</summary>
    public static readonly string[] Statuses = ["queued", "sent", "delivered", "failed", "registered"];

    public static Command Inbox(Globals globals)
    {
        var client = new ClientOptions();
        var filters = new Filters();
        var all = new Option<bool>("--all") { Description = "Sent telegrams too, not only received ones" };
        var command = client.AddTo(new Command("inbox", "List received telegrams, newest first") { all });
        filters.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            string query = await filters.QueryAsync(parse, api, parse.GetValue(all) ? null : "inbound", null, ct).ConfigureAwait(false);
            var list = await api.GetAsync("api/telegrams" + query, ct).ConfigureAwait(false);
            Print(terminal, list, showDirection: parse.GetValue(all), empty: "no telegrams");
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Search(Globals globals)
    {
        var client = new ClientOptions();
        var filters = new Filters();
        var text = new Argument<string>("TEXT") { Description = "Words to find in subjects, texts, attendees and originators, and in issues' titles and outcomes" };
        var command = client.AddTo(new Command("search", "Search the register, sent and received, and the issues") { text });
        filters.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            string query = await filters.QueryAsync(parse, api, null, parse.GetValue(text), ct).ConfigureAwait(false);
            var list = await api.GetAsync("api/telegrams" + query, ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                // Scripts get the telegrams; issues found by the same words come from telex issue list --search --json.
                terminal.WriteJson(list);
                return ExitCodes.Ok;
            }

            var issues = await api.GetAsync("api/issues?q=" + Uri.EscapeDataString(parse.GetValue(text)!), ct).ConfigureAwait(false);
            Print(terminal, list, showDirection: true, empty: issues.Items().Any() ? "no telegrams found" : "nothing found");
            if (issues.Items().Any())
            {
                IssueCommands.Print(terminal, issues, "", "Issues");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Show(Globals globals)
    {
        var client = new ClientOptions();
        var id = new Argument<string>("TELEGRAM")
        {
            Description = "A telegram received: its registry number here (an imported cable's own number when no telegram holds it); "
                + "one sent: COUNTERPART/No. (e.g. Bravo/477); or its id",
        };
        var command = client.AddTo(new Command("show", "Print a telegram in the classic cable layout") { id });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            string key = parse.GetValue(id)!.Trim().TrimStart('#', '№').Replace("Nº", "", StringComparison.Ordinal).Trim();
            using var api = client.Connect(parse);
            JsonElement telegram;
            if (Guid.TryParse(key, out var guid))
            {
                telegram = await api.GetAsync($"api/telegrams/{guid}", ct).ConfigureAwait(false);
            }
            else if (long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out long number) && number > 0)
            {
                telegram = await api.GetAsync($"api/register/{number}", ct).ConfigureAwait(false);
            }
            else if (key.LastIndexOf('/') is int slash and > 0
                && long.TryParse(key[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out long serial) && serial > 0)
            {
                // An outgoing telegram, as its counterpart names it: COUNTERPART/No.
                string to = await Counterparts.ResolveAsync(api, key[..slash], ct).ConfigureAwait(false);
                telegram = await api.GetAsync($"api/telegrams/sent/{serial}?to={Uri.EscapeDataString(to)}", ct).ConfigureAwait(false);
            }
            else
            {
                throw new CliException(ExitCodes.Usage,
                    $"'{parse.GetValue(id)}' is not a telegram: give its registry number (Nº), COUNTERPART/No. for one sent, or its id");
            }

            if (terminal.Json)
            {
                terminal.WriteJson(telegram);
                return ExitCodes.Ok;
            }

            string telegramId = telegram.Str("id") ?? guid.ToString();
            string direction = telegram.Str("direction") is { } d ? "?direction=" + Uri.EscapeDataString(d) : "";
            string cable = await api.GetTextAsync($"api/telegrams/{Uri.EscapeDataString(telegramId)}/cable{direction}", ct).ConfigureAwait(false);
            terminal.Stdout.Write(cable.EndsWith('\n') ? cable : cable + "\n");
            if (telegram.TryGetProperty("imported", out var imported) && imported.ValueKind == JsonValueKind.Object)
            {
                terminal.Line();
                terminal.Line("Imported history, not traffic: filed by import on " + Terminal.Time(imported.Time("importedAt"))
                    + (imported.Str("source") is { } source ? " from " + source : "") + "; Nº " + telegram.Str("registryNumber")
                    + " is the cable's own number, not this agency's counter");
            }

            if (telegram.Strings("relayPath").ToList() is { Count: > 0 } path)
            {
                terminal.Line();
                terminal.Line("Relayed through " + string.Join(", ", path.Select(Terminal.NameOf)));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Print(Terminal terminal, JsonElement list, bool showDirection, string empty)
    {
        if (terminal.Json)
        {
            terminal.WriteJson(list);
            return;
        }

        var items = list.Items().ToList();
        if (items.Count == 0)
        {
            terminal.Line(empty);
            return;
        }

        var headers = new List<string> { "Nº", "Serial", "Time" };
        if (showDirection)
        {
            headers.Add("Dir");
        }

        headers.AddRange(["Counterpart", "Precedence", "Subject", "Issue", "Status"]);
        int subject = headers.IndexOf("Subject");
        terminal.Table(headers, items.Select(t =>
        {
            bool inbound = string.Equals(t.Str("direction"), "inbound", StringComparison.OrdinalIgnoreCase);
            var row = new List<string?>
            {
                inbound ? t.Str("registryNumber") : "—",
                t.Str("serial"),
                Terminal.Time(t.Time("registeredAt") ?? t.Time("releasedAt")),
            };
            if (showDirection)
            {
                row.Add(inbound ? "in" : "out");
            }

            row.AddRange(
            [
                t.Str("counterpartName") ?? Terminal.NameOf(t.Str("counterpart")),
                t.Str("precedence"),
                t.Str("subject"),
                t.Str("issueId"),
                Status(t),
            ]);
            return row;
        }), null, subject, subject + 1, subject + 2);
    }

    private static string? Status(JsonElement t)
    {
        if (t.TryGetProperty("imported", out var imported) && imported.ValueKind == JsonValueKind.Object)
        {
            return "imported";
        }

        string? status = t.Str("status");
        if (t.Time("readAt") is not null && string.Equals(status, "registered", StringComparison.OrdinalIgnoreCase))
        {
            return "read";
        }

        if (t.Time("readAt") is not null && string.Equals(status, "delivered", StringComparison.OrdinalIgnoreCase))
        {
            // The recipient's read receipt arrived (its tie's terms allow them).
            return "delivered, read";
        }

        return t.Str("failureReason") is { } reason ? $"{status}: {reason}" : status;
    }

    /// <summary>The register filters shared by inbox and search.</summary>
    private sealed class Filters
    {
        private readonly Option<string?> _counterpart = new("--counterpart", "-c") { Description = "Only this counterpart (DID or name)", HelpName = "DID|NAME" };
        private readonly Option<string?> _issue = new("--issue", "-i") { Description = "Only this issue", HelpName = "ID" };
        private readonly Option<string?> _precedence = new("--precedence", "-p") { Description = "Only this precedence", HelpName = "PRECEDENCE" };
        private readonly Option<string?> _status = new("--status") { Description = "Only this status", HelpName = "STATUS" };
        private readonly Option<DateTimeOffset?> _since = new("--since") { Description = "Registered at or after (e.g. 2025-05-18 or 2025-05-18T17:18Z)", HelpName = "TIME" };
        private readonly Option<DateTimeOffset?> _until = new("--until") { Description = "Registered before", HelpName = "TIME" };
        private readonly Option<int> _limit = new("--limit") { Description = "Most telegrams listed (at most 1000)", DefaultValueFactory = _ => 50 };
        private readonly Option<int> _offset = new("--offset") { Description = "Telegrams to skip, for paging", DefaultValueFactory = _ => 0 };

        public Filters()
        {
            _precedence.AcceptOnlyFromAmong(SendCommand.Precedences);
            _status.AcceptOnlyFromAmong(Statuses);
            _limit.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int>() is < 1 or > 1000)
                {
                    r.AddError("--limit must be between 1 and 1000");
                }
            });
            _offset.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int>() < 0)
                {
                    r.AddError("--offset must not be negative");
                }
            });
        }

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { _counterpart, _issue, _precedence, _status, _since, _until, _limit, _offset })
            {
                command.Options.Add(option);
            }
        }

        public async Task<string> QueryAsync(ParseResult parse, ApiClient api, string? direction, string? text, CancellationToken ct)
        {
            var query = new StringBuilder();
            void Add(string name, string? value)
            {
                if (!string.IsNullOrEmpty(value))
                {
                    query.Append(query.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
                }
            }

            Add("direction", direction);
            if (parse.GetValue(_counterpart) is { } counterpart)
            {
                Add("counterpart", await Counterparts.ResolveAsync(api, counterpart, ct).ConfigureAwait(false));
            }

            Add("issue", parse.GetValue(_issue));
            Add("precedence", parse.GetValue(_precedence));
            Add("status", parse.GetValue(_status));
            Add("from", parse.GetValue(_since)?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
            Add("until", parse.GetValue(_until)?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
            Add("q", text);
            Add("limit", parse.GetValue(_limit).ToString(CultureInfo.InvariantCulture));
            Add("offset", parse.GetValue(_offset) is > 0 and var o ? o.ToString(CultureInfo.InvariantCulture) : null);
            return query.ToString();
        }
    }
}
