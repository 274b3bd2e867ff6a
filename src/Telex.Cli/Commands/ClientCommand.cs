namespace Telex.Cli.Commands;

/// <summary>
/// The shape every command that talks to an agency shares, written once: the connection options (<see cref="ClientOptions"/>)
/// added after the command's own, the terminal, the connection, and an answer printed either as the API wrote it
/// (<c>--json</c>) or for a person.
/// </summary>
internal static class ClientCommand
{
    /// <summary>
    /// <paramref name="command"/> with the connection options and <paramref name="action"/> as its action. The agency is
    /// connected to before the action runs, unless <paramref name="connectFirst"/> is false: then at the first use of
    /// <see cref="ClientRun.Api"/>, after what the action checks first (its arguments, a file).
    /// </summary>
    public static Command Create(Globals globals, Command command, Func<ClientRun, Task<int>> action, bool connectFirst = true)
    {
        ArgumentNullException.ThrowIfNull(globals);
        ArgumentNullException.ThrowIfNull(action);
        var client = new ClientOptions();
        client.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using var run = new ClientRun(parse, globals.Terminal(parse), client, ct);
            if (connectFirst)
            {
                _ = run.Api;
            }

            return await action(run).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>A command that fetches one answer and prints it: as JSON with <c>--json</c>, else by <paramref name="print"/>.</summary>
    public static Command Show<T>(Globals globals, Command command, Func<ClientRun, Task<T>> fetch, Action<ClientRun, T> print) =>
        Create(globals, command, async run =>
        {
            var answer = await fetch(run).ConfigureAwait(false);
            return run.Print(answer, a => print(run, a));
        });

    /// <summary>
    /// A command that fetches a list and prints it: as JSON with <c>--json</c>, else <paramref name="empty"/> for an empty
    /// list or <paramref name="print"/>'s table.
    /// </summary>
    public static Command List<T>(Globals globals, Command command, Func<ClientRun, Task<T[]>> fetch, string empty,
        Action<ClientRun, IReadOnlyList<T>> print) =>
        Show(globals, command, fetch, (run, items) =>
        {
            if (items.Length == 0)
            {
                run.Terminal.Line(empty);
            }
            else
            {
                print(run, items);
            }
        });
}

/// <summary>One run of a client command: what was parsed, where it writes, and its connection to the agency.</summary>
internal sealed class ClientRun(ParseResult parse, Terminal terminal, ClientOptions client, CancellationToken ct) : IDisposable
{
    private ApiClient? _api;

    public ParseResult Parse { get; } = parse;

    public Terminal Terminal { get; } = terminal;

    public CancellationToken Ct { get; } = ct;

    /// <summary>The connection to the agency, made at first use (<see cref="ClientOptions.Connect"/>).</summary>
    public ApiClient Api => _api ??= client.Connect(Parse);

    /// <summary>The value of <paramref name="option"/> (null-forgiving: for required options and those with defaults).</summary>
    public T Value<T>(Option<T> option) => Parse.GetValue(option)!;

    /// <summary>The value of <paramref name="argument"/>.</summary>
    public T Value<T>(Argument<T> argument) => Parse.GetValue(argument)!;

    /// <summary>Calls the agency through the typed client.</summary>
    public Task<T> Call<T>(Func<TelexApiClient, CancellationToken, Task<T>> call) => Api.CallAsync(call, Ct);

    /// <summary>Calls the agency through the typed client, for a request without an answer.</summary>
    public Task Call(Func<TelexApiClient, CancellationToken, Task> call) =>
        Api.CallAsync(async (api, c) =>
        {
            await call(api, c).ConfigureAwait(false);
            return true;
        }, Ct);

    /// <summary>The counterpart a person names, as its DID (<see cref="Counterparts.ResolveAsync"/>).</summary>
    public Task<string> CounterpartAsync(string didOrName) => Counterparts.ResolveAsync(Api, didOrName, Ct);

    /// <summary>The tie a person names, as its counterpart's DID (<see cref="Counterparts.TieAsync"/>).</summary>
    public Task<string> TieAsync(string didOrName) => Counterparts.TieAsync(Api, didOrName, Ct);

    /// <summary>Prints <paramref name="answer"/> as the API wrote it with <c>--json</c>, else by <paramref name="human"/>; exit code 0.</summary>
    public int Print<T>(T answer, Action<T> human)
    {
        ArgumentNullException.ThrowIfNull(human);
        if (Terminal.Json)
        {
            Terminal.WriteJson(ApiClient.AsJson(answer));
        }
        else
        {
            human(answer);
        }

        return ExitCodes.Ok;
    }

    public void Dispose() => _api?.Dispose();
}
