using System.CommandLine.Parsing;

using Telex.Cli.Commands;

namespace Telex.Cli;

/// <summary>
/// The <c>telex</c> command tree, and the one place where failures become exit codes: usage errors 2, refusals by
/// the agency by their HTTP status, an agency out of reach 6, anything unexpected 1, each as one line on stderr.
/// </summary>
internal static class TelexCli
{
    /// <summary>How long a command may take to wind down after Ctrl-C or SIGTERM before the process ends anyway.</summary>
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(30);

    public static RootCommand Build(Globals globals)
    {
        ArgumentNullException.ThrowIfNull(globals);
        var root = new RootCommand("telex: a federated, end-to-end encrypted cable network for organizations")
        {
            globals.Json,
        };
        root.Subcommands.Add(InitCommand.Create(globals));
        root.Subcommands.Add(ServeCommand.Create(globals));
        root.Subcommands.Add(DemoCommand.Create(globals));
        root.Subcommands.Add(LoginCommand.Create(globals));
        root.Subcommands.Add(UseCommand.Create(globals));
        root.Subcommands.Add(OfficerCommands.Password(globals));
        root.Subcommands.Add(TieCommands.Create(globals));
        root.Subcommands.Add(DirectoryCommands.Create(globals));
        root.Subcommands.Add(RelayCommands.Create(globals));
        root.Subcommands.Add(SendCommand.Create(globals));
        root.Subcommands.Add(RegisterCommands.Inbox(globals));
        root.Subcommands.Add(RegisterCommands.Show(globals));
        root.Subcommands.Add(RegisterCommands.Search(globals));
        root.Subcommands.Add(AttachmentCommands.Create(globals));
        root.Subcommands.Add(IssueCommands.Create(globals));
        root.Subcommands.Add(BureauCommands.Create(globals));
        root.Subcommands.Add(ClearanceCommands.Drafts(globals));
        root.Subcommands.Add(ClearanceCommands.Policy(globals));
        root.Subcommands.Add(ClearanceCommands.Coordination(globals));

        root.Subcommands.Add(RegisterChainCommands.Create(globals));
        root.Subcommands.Add(OfficerCommands.Create(globals));
        root.Subcommands.Add(KeyCommands.Create(globals));
        root.Subcommands.Add(ConfigCommands.Create(globals));
        root.Subcommands.Add(BenchCommand.Create(globals));
        root.Subcommands.Add(StorageCommands.Migrate(globals));
        root.Subcommands.Add(StorageCommands.MigrateStorage(globals));
        root.Subcommands.Add(BackupCommands.Backup(globals));
        root.Subcommands.Add(BackupCommands.Restore(globals));
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var globals = new Globals();
        var parse = Build(globals).Parse(args);
        var terminal = new Terminal(parse.GetResult(globals.Json) is { } r && r.GetValueOrDefault<bool>());
        if (parse.Errors.Count > 0)
        {
            terminal.Error(UsageError(parse), ExitCodes.Usage);
            return ExitCodes.Usage;
        }

        var invocation = Invocation.Begin();
        int exit;
        try
        {
            exit = await parse.InvokeAsync(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = ShutdownGrace,
            }).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var (code, message) = Classify(e);
            string? agency = terminal.Json || e is OperationCanceledException ? null : await AgencyLineAsync(invocation).ConfigureAwait(false);
            terminal.Error(agency is null ? message : $"{message} ({agency})", code);
            return code;
        }

        // Every human output of a command that talked to an agency ends by naming it; JSON never carries the line, and
        // data on standard output (an export) gets it on standard error instead.
        if (!terminal.Json && await AgencyLineAsync(invocation).ConfigureAwait(false) is { } line)
        {
            (invocation.StdoutIsData ? terminal.Stderr : terminal.Stdout).WriteLine(line);
        }

        return exit;
    }

    /// <summary>"Alpha · http://127.0.0.1:7401" for the agency the run acted on, or null if it talked to none.</summary>
    internal static async Task<string?> AgencyLineAsync(Invocation invocation)
    {
        if (invocation.Agency is not { } acted)
        {
            return null;
        }

        string? name = acted.Name;
        if (name is null && acted.Token is not null)
        {
            // Signed in by --token or TELEX_TOKEN at a URL with no context: the agency says its name.
            try
            {
                using var api = new ApiClient(acted.Url, acted.Token, TimeSpan.FromSeconds(5));
                using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                name = (await api.CallAsync((c, t) => c.GetAgencyAsync(t), quick.Token).ConfigureAwait(false)).Name;
            }
            catch (Exception e) when (e is CliException or OperationCanceledException)
            {
            }
        }

        string url = SessionStore.Key(acted.Url);
        return name is null ? url : $"{name} · {url}";
    }

    /// <summary>The exit code and message for a failure.</summary>
    internal static (int Code, string Message) Classify(Exception e) => e switch
    {
        CliException c => (c.ExitCode, c.Message),
        TelexConfigurationException c => (ExitCodes.Usage, c.Message),
        Telex.Server.Hosting.TlsFileException t => (ExitCodes.Usage, t.Message),
        TelexException t => (t.Kind switch
        {
            TelexErrorKind.Invalid => ExitCodes.Usage,
            TelexErrorKind.NotFound => ExitCodes.NotFound,
            TelexErrorKind.Conflict => ExitCodes.Conflict,
            TelexErrorKind.Forbidden => ExitCodes.Refused,
            _ => ExitCodes.Unreachable,
        }, t.Message),
        OperationCanceledException => (130, "interrupted"),
        UnauthorizedAccessException u => (ExitCodes.Refused, u.Message),
        _ => (ExitCodes.Unexpected, $"{e.Message} ({e.GetType().Name})"),
    };

    /// <summary>One line: the first parse error, a "did you mean" for an unknown token, and where help is.</summary>
    private static string UsageError(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        string path = CommandPath(parse.CommandResult);
        string message = parse.Errors[0].Message;
        if (parse.UnmatchedTokens.Count > 0)
        {
            string token = parse.UnmatchedTokens[0];
            message = parse.Errors.Select(e => e.Message).FirstOrDefault(m => m.Contains($"'{token}'", StringComparison.Ordinal)) ?? message;
            var candidates = command.Subcommands.SelectMany(c => c.Aliases.Prepend(c.Name))
                .Concat(OptionsInScope(parse.CommandResult).SelectMany(o => o.Aliases.Prepend(o.Name)));
            if (Suggestions.Closest(token, candidates, separator: ' ') is { } guess && !string.Equals(guess, token, StringComparison.Ordinal))
            {
                message = $"{message.TrimEnd('.')}; did you mean '{guess}'?";
            }
        }
        else if (command.Subcommands.Count > 0 && command.Action is null)
        {
            message = $"{path} needs a command: {string.Join(", ", command.Subcommands.Select(c => c.Name))}";
        }

        string more = parse.Errors.Count > 1 ? $" (and {parse.Errors.Count - 1} more)" : "";
        return $"{message}{more} (see {path} --help)";
    }

    private static IEnumerable<Option> OptionsInScope(CommandResult result)
    {
        for (SymbolResult? r = result; r is CommandResult c; r = c.Parent)
        {
            foreach (var option in c.Command.Options.Where(o => ReferenceEquals(c, result) || o.Recursive))
            {
                yield return option;
            }
        }
    }

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is CommandResult c; r = c.Parent)
        {
            names.Add(c.Command is RootCommand ? "telex" : c.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }
}
