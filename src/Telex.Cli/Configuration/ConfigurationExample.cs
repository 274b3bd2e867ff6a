using System.Text.Encodings.Web;

namespace Telex.Cli.Configuration;

/// <summary>
/// The example configuration and <c>docs/CONFIGURATION.md</c>, generated from the option types: their defaults and
/// their XML documentation. A test compares the checked-in document with <see cref="Markdown"/>, so neither the docs
/// nor the example can drift from the code.
/// </summary>
internal static class ConfigurationExample
{
    private const int Width = 110;

    private static readonly JsonSerializerOptions JsonText = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly XmlDocumentation Docs = XmlDocumentation.For(typeof(TelexOptions).Assembly);

    /// <summary>The description of an option, from its XML documentation.</summary>
    public static string Description(OptionNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return Docs.Summary(node.Property) ?? "";
    }

    /// <summary>
    /// The full default configuration as <c>telex.json</c> with a comment above each key (JSON with comments, as the
    /// configuration reader accepts). A default that depends on the machine is left commented out, so the example is
    /// the same everywhere and still loads to the defaults.
    /// </summary>
    public static string Jsonc()
    {
        var defaults = new TelexOptions();
        var text = new StringBuilder();
        text.Append("{\n");
        WriteSection(text, defaults, OptionSchema.Root, 1);
        text.Append("}\n");
        return text.ToString();
    }

    /// <summary>The full default configuration as plain JSON, with this machine's values.</summary>
    public static JsonObject Json(TelexOptions? options = null)
    {
        options ??= new TelexOptions();
        return Section(options, OptionSchema.Root);

        static JsonObject Section(object instance, IReadOnlyList<OptionNode> nodes)
        {
            var json = new JsonObject();
            foreach (var node in nodes)
            {
                object? value = node.Property.GetValue(instance);
                json[node.Name] = node.IsSection ? Section(value!, node.Children) : JsonNode.Parse(JsonValue(value));
            }

            return json;
        }
    }

    /// <summary>The reference page, <c>docs/CONFIGURATION.md</c>.</summary>
    public static string Markdown()
    {
        var defaults = new TelexOptions();
        var md = new StringBuilder();
        md.Append("# Configuration\n\n");
        md.Append("<!-- Generated from the option types by `telex config docs > docs/CONFIGURATION.md`; do not edit by hand.\n");
        md.Append("     A test fails when this file and the option types disagree. -->\n\n");
        md.Append("An agency reads one immutable options tree. Sources, later ones winning:\n\n");
        md.Append("1. the defaults below;\n");
        md.Append("2. `telex.json` in the agency's data folder (JSON; comments and trailing commas allowed);\n");
        md.Append("3. environment variables `TELEX__Section__Key` (`__` separates sections, e.g. `TELEX__Delivery__ReceiptWait`);\n");
        md.Append("4. the command line: `--set Section:Key=value`, repeatable.\n\n");
        md.Append("Keys are case-insensitive. A key that names no option, in any source, is an error that says where it came\n");
        md.Append("from and which key was probably meant; so is a value that does not fit its option. Durations are written\n");
        md.Append("`[d.]hh:mm:ss[.fffffff]` (`00:00:30`) or as a number with a unit: `250ms`, `30s`, `5m`, `12h`, `3d`.\n");
        md.Append("Every number and duration must be greater than zero.\n\n");
        md.Append("`telex config example` prints the example below; `telex config show --data DIR` prints the configuration an\n");
        md.Append("agency would run with.\n\n");
        md.Append("## Keys\n\n");
        md.Append("| Key | Environment variable | Default | Description |\n");
        md.Append("| --- | --- | --- | --- |\n");
        foreach (var node in OptionSchema.Values)
        {
            object? value = TelexConfiguration.ValueOf(defaults, node);
            string shown = IsHostDependent(value) ? "this machine's name" : value is null ? "(none)" : $"`{TelexConfiguration.Format(value)}`";
            md.Append(CultureInfo.InvariantCulture, $"| `{node.Path}` | `{node.EnvironmentVariable}` | {shown} | {Description(node).Replace("|", "\\|", StringComparison.Ordinal)} |\n");
        }

        md.Append("\n## Example `telex.json`\n\n");
        md.Append("Every key with its default. Only the keys that differ from the default need to be written.\n\n");
        md.Append("```jsonc\n").Append(Jsonc()).Append("```\n");
        return md.ToString();
    }

    private static void WriteSection(StringBuilder text, object instance, IReadOnlyList<OptionNode> nodes, int depth)
    {
        string indent = new(' ', depth * 2);
        var active = nodes.Where(n => n.IsSection || !IsHostDependent(n.Property.GetValue(instance))).ToList();
        foreach (var node in nodes)
        {
            foreach (string line in Wrap(Description(node), Width - indent.Length - 3))
            {
                text.Append(indent).Append("// ").Append(line).Append('\n');
            }

            object? value = node.Property.GetValue(instance);
            string comma = active.Count > 0 && active[^1] != node ? "," : "";
            if (node.IsSection)
            {
                text.Append(indent).Append(JsonSerializer.Serialize(node.Name)).Append(": {\n");
                WriteSection(text, value!, node.Children, depth + 1);
                text.Append(indent).Append('}').Append(comma).Append('\n');
            }
            else if (IsHostDependent(value))
            {
                text.Append(indent).Append("// ").Append(JsonSerializer.Serialize(node.Name)).Append(": \"<this machine's name>\"\n");
            }
            else
            {
                text.Append(indent).Append(JsonSerializer.Serialize(node.Name)).Append(": ").Append(JsonValue(value)).Append(comma).Append('\n');
            }
        }
    }

    private static string JsonValue(object? value) => value switch
    {
        null => "null",
        string s => JsonSerializer.Serialize(s, JsonText),
        bool b => b ? "true" : "false",
        TimeSpan t => JsonSerializer.Serialize(t.ToString("c", CultureInfo.InvariantCulture)),
        Enum e => JsonSerializer.Serialize(e.ToString()),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => JsonSerializer.Serialize(value.ToString(), JsonText),
    };

    /// <summary>A default taken from the machine (the node id defaults to the machine name) differs between machines.</summary>
    private static bool IsHostDependent(object? value) => value is string s && s == Environment.MachineName;

    private static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new StringBuilder();
        foreach (string word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : "").Append(word);
        }

        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }
}
