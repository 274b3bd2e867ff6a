namespace Telex.Cli.Commands;

/// <summary>Options every command shares, made once per command tree.</summary>
internal sealed class Globals
{
    /// <summary><c>--json</c>: machine-readable output on every command.</summary>
    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print JSON for scripts instead of tables; errors become one JSON line on stderr",
        Recursive = true,
    };

    /// <summary>The terminal for an invocation.</summary>
    public Terminal Terminal(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return new Terminal(parse.GetValue(Json));
    }

    /// <summary>A command that only groups <paramref name="subcommands"/> (<c>telex tie …</c>, <c>telex bureau …</c>).</summary>
    public static Command Group(string name, string description, params Command[] subcommands)
    {
        var group = new Command(name, description);
        foreach (var subcommand in subcommands)
        {
            group.Subcommands.Add(subcommand);
        }

        return group;
    }

    /// <summary><c>--data DIR</c>: the agency's data folder.</summary>
    public static Option<string> Data() => new("--data", "-d")
    {
        Description = "The agency's data folder (default $TELEX_DATA, else $XDG_DATA_HOME/telex or ~/.local/share/telex)",
        HelpName = "DIR",
        DefaultValueFactory = _ => DefaultDataDirectory(),
    };

    /// <summary><c>--set Section:Key=value</c>, repeatable: the last configuration source.</summary>
    public static Option<string[]> Set() => new("--set")
    {
        Description = "Override a configuration key, e.g. --set Delivery:ReceiptWait=00:01:00 (repeatable; see telex config example)",
        HelpName = "KEY=VALUE",
        Arity = ArgumentArity.ZeroOrMore,
        DefaultValueFactory = _ => [],
    };

    private static string DefaultDataDirectory()
    {
        if (Environment.GetEnvironmentVariable("TELEX_DATA") is { Length: > 0 } data)
        {
            return data;
        }

        string? xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        string root = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(root, "telex");
    }
}

/// <summary>
/// <c>--url</c>, <c>--agency</c> and <c>--token</c>: which agency a client command talks to, as whom. The agency is
/// <c>--url</c>, else the context <c>--agency</c> names, else <c>TELEX_URL</c>, else the context <c>TELEX_AGENCY</c>
/// names, else the current context (<c>telex use</c>). The token is <c>--token</c>, else <c>TELEX_TOKEN</c>, else the
/// session stored for that agency's URL, and never another agency's.
/// </summary>
internal sealed class ClientOptions
{
    public Option<string?> Url { get; } = new("--url")
    {
        Description = "The agency's URL (default: --agency, $TELEX_URL, $TELEX_AGENCY, else the current agency of telex use)",
        HelpName = "URL",
    };

    public Option<string?> Agency { get; } = new("--agency")
    {
        Description = "For this command only, the agency signed in to under this name or URL (telex use lists them; default $TELEX_AGENCY)",
        HelpName = "NAME|URL",
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "A bearer token (default $TELEX_TOKEN, else the session stored by telex login for that agency)",
        HelpName = "TOKEN",
    };

    /// <summary>Adds the options to <paramref name="command"/> and returns it.</summary>
    public Command AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Url);
        command.Options.Add(Agency);
        command.Options.Add(Token);
        return command;
    }

    /// <summary>The agency's URL, and its context if the CLI has signed in there.</summary>
    public (Uri Url, AgencyContext? Context) Resolve(ParseResult parse, SessionStore sessions)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(sessions);
        string? url = parse.GetValue(Url) is { Length: > 0 } u ? u : null;
        string? agency = parse.GetValue(Agency) is { Length: > 0 } a ? a : null;
        if (url is not null && agency is not null)
        {
            throw new CliException(ExitCodes.Usage, "give --url or --agency, not both");
        }

        if (url is not null)
        {
            return ByUrl(ApiClient.ParseUrl(url, "--url"), sessions);
        }

        if (agency is not null)
        {
            return Named(agency, "--agency", sessions);
        }

        if (Environment.GetEnvironmentVariable("TELEX_URL") is { Length: > 0 } envUrl)
        {
            return ByUrl(ApiClient.ParseUrl(envUrl, "TELEX_URL"), sessions);
        }

        if (Environment.GetEnvironmentVariable("TELEX_AGENCY") is { Length: > 0 } envAgency)
        {
            return Named(envAgency, "TELEX_AGENCY", sessions);
        }

        var current = sessions.Current
            ?? throw new CliException(ExitCodes.Usage, "which agency? Run telex login --url URL --name NAME first, or pass --url or --agency");
        return (ApiClient.ParseUrl(current.Url, sessions.Path), current);
    }

    /// <summary>A client for the agency, signed in with <c>--token</c>, <c>TELEX_TOKEN</c> or that agency's stored session.</summary>
    public ApiClient Connect(ParseResult parse)
    {
        var (url, context) = Resolve(parse, SessionStore.Default());
        string? token = parse.GetValue(Token) is { Length: > 0 } t ? t
            : Environment.GetEnvironmentVariable("TELEX_TOKEN") is { Length: > 0 } e ? e
            : null;
        if (token is null)
        {
            string key = SessionStore.Key(url);
            var session = context?.Session
                ?? throw new CliException(ExitCodes.Refused, $"not signed in to {context?.Display ?? key}: run telex login --url {key} --name NAME");
            if (session.ExpiresAt is { } expires && expires <= DateTimeOffset.UtcNow)
            {
                throw new CliException(ExitCodes.Refused,
                    $"the session with {context.Display} expired at {Output.Terminal.Time(expires)}: run telex login --agency {context.Name} --name {session.Name}");
            }

            token = session.Token;
        }

        Invocation.ActOn(context?.Agency, url, token);
        return new ApiClient(url, token);
    }

    private static (Uri, AgencyContext?) ByUrl(Uri url, SessionStore sessions) => (url, sessions.ForUrl(url));

    private static (Uri, AgencyContext?) Named(string nameOrUrl, string source, SessionStore sessions)
    {
        var context = sessions.Find(nameOrUrl);
        if (context is null)
        {
            var known = sessions.Contexts.Select(c => c.Name).ToList();
            throw new CliException(ExitCodes.Usage, $"{source}: no agency '{nameOrUrl}' is signed in to"
                + (known.Count > 0 ? $" (known: {string.Join(", ", known)})" : "") + "; telex login --url URL --name NAME adds one");
        }

        return (ApiClient.ParseUrl(context.Url, sessions.Path), context);
    }
}
