using System.CommandLine;

using Telex.Cli.Client;
using Telex.Cli.Output;

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

/// <summary><c>--url</c> and <c>--token</c>: which agency a client command talks to, as whom.</summary>
internal sealed class ClientOptions
{
    public Option<string?> Url { get; } = new("--url")
    {
        Description = "The agency's URL (default $TELEX_URL, else the URL of the last telex login)",
        HelpName = "URL",
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "A bearer token (default $TELEX_TOKEN, else the session stored by telex login for that URL)",
        HelpName = "TOKEN",
    };

    /// <summary>Adds both options to <paramref name="command"/> and returns it.</summary>
    public Command AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Url);
        command.Options.Add(Token);
        return command;
    }

    /// <summary>The agency URL: <c>--url</c>, else <c>TELEX_URL</c>, else the last login's URL.</summary>
    public Uri ResolveUrl(ParseResult parse, SessionStore sessions)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(sessions);
        if (parse.GetValue(Url) is { Length: > 0 } url)
        {
            return ApiClient.ParseUrl(url, "--url");
        }

        if (Environment.GetEnvironmentVariable("TELEX_URL") is { Length: > 0 } env)
        {
            return ApiClient.ParseUrl(env, "TELEX_URL");
        }

        return sessions.LastUrl is { } last
            ? ApiClient.ParseUrl(last, sessions.Path)
            : throw new CliException(ExitCodes.Usage, "which agency? Pass --url, set TELEX_URL, or run telex login first");
    }

    /// <summary>A client for the agency, signed in with <c>--token</c>, <c>TELEX_TOKEN</c> or the stored session.</summary>
    public ApiClient Connect(ParseResult parse)
    {
        var sessions = SessionStore.Default();
        var url = ResolveUrl(parse, sessions);
        string? token = parse.GetValue(Token) is { Length: > 0 } t ? t
            : Environment.GetEnvironmentVariable("TELEX_TOKEN") is { Length: > 0 } e ? e
            : null;
        if (token is null)
        {
            string key = SessionStore.Key(url);
            var session = sessions.Find(url)
                ?? throw new CliException(ExitCodes.Refused, $"not signed in to {key}: run telex login --url {key} --name NAME");
            if (session.ExpiresAt is { } expires && expires <= DateTimeOffset.UtcNow)
            {
                throw new CliException(ExitCodes.Refused, $"the session with {key} expired at {Output.Terminal.Time(expires)}: run telex login again");
            }

            token = session.Token;
        }

        return new ApiClient(url, token);
    }
}
