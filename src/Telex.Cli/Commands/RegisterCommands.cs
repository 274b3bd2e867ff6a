namespace Telex.Cli.Commands;

/// <summary><c>telex inbox</c>, <c>telex search</c> and <c>telex show</c>: reading the register.</summary>
internal static class RegisterCommands
{
    /// <summary>Statuses a telegram can have.</summary>
    public static readonly string[] Statuses = ["queued", "sent", "delivered", "failed", "registered"];

    public static Command Inbox(Globals globals)
    {
        var filters = new Filters();
        var all = new Option<bool>("--all") { Description = "Sent telegrams too, not only received ones" };
        var command = new Command("inbox", "List received telegrams, newest first") { all };
        filters.AddTo(command);
        return ClientCommand.Show(globals, command,
            async run =>
            {
                string query = await filters.QueryAsync(run, run.Value(all) ? null : "inbound", null).ConfigureAwait(false);
                return await run.Call((api, ct) => api.ListTelegramsAsync(query, ct)).ConfigureAwait(false);
            },
            (run, list) => Print(run.Terminal, list, showDirection: run.Value(all), empty: "no telegrams"));
    }

    public static Command Search(Globals globals)
    {
        var filters = new Filters();
        var text = new Argument<string>("TEXT") { Description = "Words to find in subjects, texts, attendees and originators, and in issues' titles and outcomes" };
        var command = new Command("search", "Search the register, sent and received, and the issues") { text };
        filters.AddTo(command);
        return ClientCommand.Create(globals, command, async run =>
        {
            string query = await filters.QueryAsync(run, null, run.Value(text)).ConfigureAwait(false);
            var list = await run.Call((api, ct) => api.ListTelegramsAsync(query, ct)).ConfigureAwait(false);
            if (run.Terminal.Json)
            {
                // Scripts get the telegrams; issues found by the same words come from telex issue list --search --json.
                return run.Print(list, _ => { });
            }

            var issues = await run.Call((api, ct) => api.ListIssuesAsync("q=" + Uri.EscapeDataString(run.Value(text)), ct)).ConfigureAwait(false);
            Print(run.Terminal, list, showDirection: true, empty: issues.Length > 0 ? "no telegrams found" : "nothing found");
            if (issues.Length > 0)
            {
                IssueCommands.Print(run.Terminal, issues, "", "Issues");
            }

            return ExitCodes.Ok;
        });
    }

    public static Command Show(Globals globals)
    {
        var id = new Argument<string>("TELEGRAM")
        {
            Description = "A telegram received: its registry number here (an imported cable's own number when no telegram holds it); "
                + "one sent: COUNTERPART/No. (e.g. Bravo/477); or its id",
        };
        return ClientCommand.Create(globals, new Command("show", "Print a telegram in the classic cable layout") { id }, async run =>
        {
            string key = run.Value(id).Trim().TrimStart('#', '№').Replace("Nº", "", StringComparison.Ordinal).Trim();
            TelegramView telegram;
            if (Guid.TryParse(key, out var guid))
            {
                telegram = await run.Call((api, ct) => api.GetTelegramAsync(guid, null, ct)).ConfigureAwait(false);
            }
            else if (long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out long number) && number > 0)
            {
                telegram = await run.Call((api, ct) => api.GetRegisterEntryAsync(number, ct)).ConfigureAwait(false);
            }
            else if (key.LastIndexOf('/') is int slash and > 0
                && long.TryParse(key[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out long serial) && serial > 0)
            {
                // An outgoing telegram, as its counterpart names it: COUNTERPART/No.
                string to = await run.CounterpartAsync(key[..slash]).ConfigureAwait(false);
                telegram = await run.Call((api, ct) => api.GetSentTelegramAsync(serial, to, ct)).ConfigureAwait(false);
            }
            else
            {
                throw new CliException(ExitCodes.Usage,
                    $"'{run.Value(id)}' is not a telegram: give its registry number (Nº), COUNTERPART/No. for one sent, or its id");
            }

            if (run.Terminal.Json)
            {
                return run.Print(telegram, _ => { });
            }

            var terminal = run.Terminal;
            string cable = await run.Call((api, ct) => api.GetCableAsync(telegram.Id, telegram.Direction, ct)).ConfigureAwait(false);
            terminal.Stdout.Write(cable.EndsWith('\n') ? cable : cable + "\n");
            if (telegram.Imported is { } imported)
            {
                terminal.Line();
                terminal.Line("Imported history, not traffic: filed by import on " + Terminal.Time(imported.ImportedAt)
                    + (imported.Source is { } source ? " from " + source : "") + "; Nº " + Terminal.Number(telegram.RegistryNumber)
                    + " is the cable's own number, not this agency's counter");
            }

            if (telegram.RelayPath.Count > 0)
            {
                terminal.Line();
                terminal.Line("Relayed through " + string.Join(", ", telegram.RelayPath.Select(Terminal.NameOf)));
            }

            return ExitCodes.Ok;
        });
    }

    private static void Print(Terminal terminal, TelegramSummary[] items, bool showDirection, string empty)
    {
        if (items.Length == 0)
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
            bool inbound = t.Direction == Direction.Inbound;
            var row = new List<string?>
            {
                inbound ? Terminal.Number(t.RegistryNumber) : "—",
                Terminal.Number(t.Serial),
                Terminal.Time(t.RegisteredAt),
            };
            if (showDirection)
            {
                row.Add(inbound ? "in" : "out");
            }

            row.AddRange(
            [
                t.CounterpartName,
                Terminal.Word(t.Precedence),
                t.Subject,
                t.IssueId,
                Status(t),
            ]);
            return row;
        }), null, subject, subject + 1, subject + 2);
    }

    private static string Status(TelegramSummary t)
    {
        if (t.Imported is not null)
        {
            return "imported";
        }

        string status = Terminal.Word(t.Status);
        if (t.ReadAt is not null && t.Status == TelegramStatus.Registered)
        {
            return "read";
        }

        if (t.ReadAt is not null && t.Status == TelegramStatus.Delivered)
        {
            // The recipient's read receipt arrived (its tie's terms allow them).
            return "delivered, read";
        }

        return t.FailureReason is { } reason ? $"{status}: {reason}" : status;
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

        public async Task<string> QueryAsync(ClientRun run, string? direction, string? text)
        {
            var parse = run.Parse;
            var query = new StringBuilder();
            void Add(string name, string? value)
            {
                if (!string.IsNullOrEmpty(value))
                {
                    query.Append(query.Length == 0 ? "" : "&").Append(name).Append('=').Append(Uri.EscapeDataString(value));
                }
            }

            Add("direction", direction);
            if (parse.GetValue(_counterpart) is { } counterpart)
            {
                Add("counterpart", await run.CounterpartAsync(counterpart).ConfigureAwait(false));
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
