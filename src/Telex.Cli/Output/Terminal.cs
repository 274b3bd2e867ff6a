using System.Text.Encodings.Web;

using Spectre.Console;
using Spectre.Console.Rendering;

namespace Telex.Cli.Output;

/// <summary>
/// Where a command writes: tables and progress for people, JSON for scripts (<c>--json</c>), one line per error on
/// stderr. Raw text (JSON, cable layouts) bypasses Spectre so it is never wrapped or styled.
/// </summary>
internal sealed partial class Terminal
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public Terminal(bool json, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        Json = json;
        Stdout = stdout ?? Console.Out;
        Stderr = stderr ?? Console.Error;
        Redirected = stdout is not null || Console.IsOutputRedirected;
        Out = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Stdout) });
        if (Redirected)
        {
            // A file or pipe has no width; wide enough that tables of DIDs and subjects keep one row per line.
            Out.Profile.Width = 200;
        }
    }

    /// <summary>Whether <c>--json</c> was given.</summary>
    public bool Json { get; }

    /// <summary>Standard output, for raw text.</summary>
    public TextWriter Stdout { get; }

    /// <summary>Standard error.</summary>
    public TextWriter Stderr { get; }

    /// <summary>Spectre's console on standard output.</summary>
    public IAnsiConsole Out { get; }

    /// <summary>Whether standard output goes to a file or pipe (no spinners then).</summary>
    public bool Redirected { get; }

    /// <summary>Whether a person can be asked something at the terminal.</summary>
    public static bool CanPrompt => !Console.IsInputRedirected;

    /// <summary>Writes a JSON document.</summary>
    public void WriteJson(JsonNode? node) => Stdout.WriteLine(node?.ToJsonString(Indented) ?? "null");

    /// <summary>Writes a JSON document.</summary>
    public void WriteJson(JsonElement element) => Stdout.WriteLine(JsonSerializer.Serialize(element, Indented));

    /// <summary>What a command did: <paramref name="json"/> with <c>--json</c>, else the line <paramref name="text"/>; exit code 0.</summary>
    public int Report(JsonNode json, string text) => Report(() => WriteJson(json), text);

    /// <inheritdoc cref="Report(JsonNode, string)"/>
    public int Report(JsonElement json, string text) => Report(() => WriteJson(json), text);

    private int Report(Action writeJson, string text)
    {
        if (Json)
        {
            writeJson();
        }
        else
        {
            Line(text);
        }

        return ExitCodes.Ok;
    }

    /// <summary>Writes a line of plain text.</summary>
    public void Line(string text = "") => Stdout.WriteLine(text);

    /// <summary>Writes a line with markup (the caller escapes data with <see cref="Markup.Escape"/>).</summary>
    public void Markup(string markup) => Out.MarkupLine(markup);

    /// <summary>Writes an error as one line on stderr: <c>telex: message</c>, or a JSON object with <c>--json</c>.</summary>
    public void Error(string message, int exitCode)
    {
        string line = OneLine(message);
        if (Json)
        {
            Stderr.WriteLine(new JsonObject { ["error"] = line, ["exitCode"] = exitCode }.ToJsonString(Compact));
        }
        else
        {
            Stderr.WriteLine("telex: " + line);
        }
    }

    /// <summary>Writes a warning line on stderr.</summary>
    public void Warn(string message) => Stderr.WriteLine("telex: warning: " + OneLine(message));

    /// <summary>
    /// A table whose cells are plain text (never parsed as markup). Only the columns in <paramref name="wrap"/> (free
    /// text such as subjects) wrap in a narrow terminal; names, numbers and times stay on one line.
    /// </summary>
    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string?>> rows, string? title = null, params int[] wrap)
    {
        var table = new Table().Border(TableBorder.Rounded);
        if (title is not null)
        {
            table.Title = new TableTitle(Spectre.Console.Markup.Escape(title));
        }

        for (int i = 0; i < headers.Count; i++)
        {
            var column = new TableColumn(new Text(headers[i], new Style(decoration: Decoration.Bold)));
            table.AddColumn(wrap.Contains(i) ? column : column.NoWrap());
        }

        foreach (var row in rows)
        {
            table.AddRow(row.Select(cell => (IRenderable)new Text(cell ?? "")).ToArray());
        }

        Out.Write(table);
    }

    /// <summary>
    /// Labelled fields, one per line, as plain text: values such as DIDs and invitation codes must stay whole for
    /// copying, never wrapped at the terminal's width. A field whose value is null is left out.
    /// </summary>
    public void Fields(IReadOnlyList<(string Label, string? Value)> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        int width = fields.Max(f => f.Label.Length) + 2;
        foreach (var (label, value) in fields.Where(f => f.Value is not null))
        {
            Stdout.WriteLine((label + ":").PadRight(width) + value);
        }
    }

    /// <summary>Runs long work behind a spinner when a person is watching; plainly otherwise.</summary>
    public async Task<T> WithStatusAsync<T>(string status, Func<Action<string>, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (Json || Redirected)
        {
            return await work(_ => { }).ConfigureAwait(false);
        }

        return await Out.Status().Spinner(Spinner.Known.Dots).StartAsync(Spectre.Console.Markup.Escape(status),
            ctx => work(s => ctx.Status(Spectre.Console.Markup.Escape(s)))).ConfigureAwait(false);
    }

    /// <summary>Asks for a secret at the terminal without echoing it.</summary>
    public string ReadSecret(string prompt) =>
        Out.Prompt(new TextPrompt<string>(Spectre.Console.Markup.Escape(prompt)).Secret());

    /// <summary>Asks a yes/no question at the terminal.</summary>
    public bool Confirm(string question) => Out.Prompt(new ConfirmationPrompt(Spectre.Console.Markup.Escape(question)) { DefaultValue = false });

    /// <summary>A value of the API's enums as the API writes it (<c>releasingofficer</c>, <c>established</c>).</summary>
    public static string Word<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    /// <summary>A number as a person reads it in a table (invariant digits, no grouping).</summary>
    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A time for tables, in UTC.</summary>
    public static string Time(DateTimeOffset? t) =>
        t is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "";

    /// <summary>
    /// The start of a DID: long did:peer:2 strings do not fit a table, and their ends (the encoded service) look alike
    /// while their starts carry the key. Only for explicit DID fields; agencies are named by <see cref="NameOf"/>.
    /// </summary>
    public static string ShortDid(string? did) =>
        did is null ? "" : did.Length <= 32 ? did : did[..28] + "…";

    /// <summary>What a person reads for an agency with no known name (its DID stays in --json and detail views).</summary>
    public const string UnknownAgency = "an agency not in the directory";

    /// <summary>An agency as a person reads it: its name (as the agency acted on knows it), never its DID.</summary>
    public static string NameOf(string? did) =>
        did is null ? "" : Client.Invocation.Current?.AgencyNames().GetValueOrDefault(did) ?? UnknownAgency;

    /// <summary>A name a view gives, which is a DID where the agency knew no name: then named as <see cref="NameOf"/> does.</summary>
    public static string? Named(string? name) => name is not null && name.StartsWith("did:", StringComparison.Ordinal) ? NameOf(name) : name;

    /// <summary>Text recorded with DIDs in it (a clearance step's "awaiting partner did:…"): each DID replaced by its agency's name.</summary>
    public static string NamesIn(string? text) => text is null ? "" : DidPattern().Replace(text, m => NameOf(m.Value));

    [System.Text.RegularExpressions.GeneratedRegex(@"did:peer:[A-Za-z0-9._:%=-]+")]
    private static partial System.Text.RegularExpressions.Regex DidPattern();

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
