using System.Collections;
using System.ComponentModel;

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace Telex.Cli.Configuration;

/// <summary>
/// Reads an agency's <see cref="TelexOptions"/>. Sources, later ones winning: the defaults in the option types, the
/// data folder's <c>telex.json</c>, <c>TELEX__Section__Key</c> environment variables, then <c>--set Section:Key=value</c>
/// on the command line. Every key of every source must name an option; an unknown key or a value that does not fit
/// its option is an error naming the key, where it came from and, for a typo, the key that was probably meant.
/// </summary>
internal static class TelexConfiguration
{
    /// <summary>The configuration file in the data folder.</summary>
    public const string FileName = "telex.json";

    /// <summary>Prefix of the environment variables that set options; <c>__</c> separates sections.</summary>
    public const string EnvironmentPrefix = "TELEX__";

    /// <summary>Largest configuration file read: a hand-written file is a few kilobytes.</summary>
    public const long MaxFileBytes = 1024 * 1024;

    /// <summary>
    /// Loads the options for the agency in <paramref name="dataDirectory"/> (whose <c>telex.json</c> need not exist;
    /// null reads no file). <paramref name="environment"/> defaults to the process environment.
    /// </summary>
    /// <exception cref="TelexConfigurationException">The configuration is invalid.</exception>
    public static TelexOptions Load(string? dataDirectory, IEnumerable<string>? commandLineOverrides = null,
        IDictionary? environment = null)
    {
        var sources = new List<Source>();
        if (dataDirectory is not null && Path.Combine(Path.GetFullPath(dataDirectory), FileName) is var file && File.Exists(file))
        {
            sources.Add(ReadFile(file));
        }

        sources.Add(ReadEnvironment(environment ?? Environment.GetEnvironmentVariables()));
        sources.Add(ReadOverrides(commandLineOverrides ?? []));
        return Bind(sources);
    }

    /// <summary>Parses one <c>--set</c> value, <c>Section:Key=value</c>.</summary>
    public static KeyValuePair<string, string> ParseOverride(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            throw new TelexConfigurationException($"--set {text}: expected Section:Key=value, e.g. --set Delivery:ReceiptWait=00:01:00");
        }

        return new(text[..eq].Trim(), text[(eq + 1)..]);
    }

    private static Source ReadFile(string path)
    {
        if (new FileInfo(path).Length > MaxFileBytes)
        {
            throw new TelexConfigurationException($"{path} is larger than {MaxFileBytes / 1024} KiB; it cannot be a configuration file");
        }

        IConfigurationRoot root;
        try
        {
            // No exclusion filters: the data folder may well sit under a hidden directory (~/.local/share/telex).
            using var files = new PhysicalFileProvider(Path.GetDirectoryName(path)!, Microsoft.Extensions.FileProviders.Physical.ExclusionFilters.None);
            root = new ConfigurationBuilder().AddJsonFile(files, Path.GetFileName(path), optional: false, reloadOnChange: false).Build();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException)
        {
            string why = e.InnerException?.Message ?? e.Message;
            throw new TelexConfigurationException($"{path} is not valid JSON: {why}", e);
        }

        var entries = root.AsEnumerable()
            .Where(kv => kv.Value is not null)
            .Select(kv => new Entry(kv.Key, kv.Value, path))
            .ToList();
        return new Source(entries, k => $"'{k}'");
    }

    private static Source ReadEnvironment(IDictionary environment)
    {
        var entries = new List<Entry>();
        foreach (DictionaryEntry e in environment)
        {
            if (e.Key is string name && name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase)
                && name.Length > EnvironmentPrefix.Length)
            {
                string key = name[EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal);
                entries.Add(new Entry(key, e.Value as string ?? "", "environment variable " + name));
            }
        }

        // Deterministic order, so the first error reported does not depend on the environment's hashing.
        entries.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return new Source(entries, k => EnvironmentPrefix + k.Replace(":", "__", StringComparison.Ordinal));
    }

    private static Source ReadOverrides(IEnumerable<string> overrides)
    {
        var entries = new List<Entry>();
        foreach (string text in overrides)
        {
            var (key, value) = ParseOverride(text);
            entries.Add(new Entry(key, value, $"--set {text}"));
        }

        return new Source(entries, k => $"'{k}'");
    }

    private static TelexOptions Bind(List<Source> sources)
    {
        var errors = new List<string>();
        var values = new Dictionary<string, Entry>(StringComparer.OrdinalIgnoreCase);
        foreach (var source in sources)
        {
            foreach (var entry in source.Entries)
            {
                if (Check(entry, source) is { } problem)
                {
                    errors.Add(problem);
                }
                else
                {
                    values[entry.Key] = entry;
                }
            }
        }

        Throw(errors);

        // Every value is checked against its option's type before binding, so that each one that does not fit is
        // named with where it came from (the binder stops at the first and knows no origin).
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in values.Values)
        {
            var node = OptionSchema.ByPath[entry.Key];
            string? text = Normalize(entry.Value, node);
            if (text is not null && !Fits(text, node.Type))
            {
                errors.Add($"{node.Path} = '{entry.Value}' (from {entry.Origin}) is not {Expected(node.Type)}");
            }

            settings[node.Path] = text;
        }

        Throw(errors);
        TelexOptions options;
        try
        {
            options = new ConfigurationBuilder().AddInMemoryCollection(settings).Build().Get<TelexOptions>() ?? new TelexOptions();
        }
        catch (InvalidOperationException e)
        {
            throw new TelexConfigurationException(e.Message, e);
        }

        var validation = new TelexOptionsValidator(key => values.TryGetValue(key, out var e) ? $"from {e.Origin}" : "the default")
            .Validate(Options.DefaultName, options);
        if (validation.Failed)
        {
            errors.AddRange(validation.Failures);
        }

        Throw(errors);
        return options;
    }

    /// <summary>Null if the entry names a value key; otherwise why not, with a suggestion.</summary>
    private static string? Check(Entry entry, Source source)
    {
        string[] segments = entry.Key.Split(':');
        for (int i = 1; i <= segments.Length; i++)
        {
            string prefix = string.Join(':', segments[..i]);
            if (!OptionSchema.ByPath.TryGetValue(prefix, out var node))
            {
                string parent = string.Join(':', segments[..(i - 1)]);
                var siblings = i == 1 ? OptionSchema.Root : OptionSchema.ByPath[parent].Children;
                string? guess = Suggestions.Closest(entry.Key, OptionSchema.Values.Select(n => n.Path));
                string hint = guess is not null
                    ? $"; did you mean {source.Render(guess)}?"
                    : $"; known keys {(i == 1 ? "at the top level" : "in " + parent)}: {string.Join(", ", siblings.Select(s => s.Name))}";
                return $"unknown configuration key '{entry.Key}' in {entry.Origin}{hint}";
            }

            if (!node.IsSection && i < segments.Length)
            {
                return $"'{prefix}' is a value, not a section, in {entry.Origin}";
            }

            if (node.IsSection && i == segments.Length)
            {
                return $"'{prefix}' is a section in {entry.Origin}; set its keys ({string.Join(", ", node.Children.Select(c => c.Path))})";
            }
        }

        return null;
    }

    /// <summary>
    /// A value as the binder reads it: trimmed, a duration with a unit (<c>30s</c>) written as a <see cref="TimeSpan"/>,
    /// and an empty value of an optional setting null, which clears it.
    /// </summary>
    private static string? Normalize(string? value, OptionNode node)
    {
        string text = value?.Trim() ?? "";
        if (text.Length == 0 && node.IsOptional)
        {
            return null;
        }

        return IsDuration(node.Type) && TryParseDuration(text, out var span) ? span.ToString("c", CultureInfo.InvariantCulture) : text;
    }

    /// <summary>Whether the binder can read <paramref name="text"/> as a <paramref name="type"/>; durations by Telex's own forms.</summary>
    private static bool Fits(string text, Type type) =>
        IsDuration(type) ? TryParseDuration(text, out _) : TypeDescriptor.GetConverter(Nullable.GetUnderlyingType(type) ?? type).IsValid(text);

    private static bool IsDuration(Type type) => (Nullable.GetUnderlyingType(type) ?? type) == typeof(TimeSpan);

    /// <summary>What a value of <paramref name="type"/> looks like, for a refusal.</summary>
    private static string Expected(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(bool) => "true or false",
        var t when t == typeof(int) || t == typeof(long) => "a whole number",
        var t when t == typeof(double) => "a number",
        var t when t == typeof(TimeSpan) => "a duration ([d.]hh:mm:ss such as 00:00:30, or 250ms, 30s, 5m, 12h, 3d)",
        var t when t.IsEnum => "one of " + string.Join(", ", Enum.GetNames(t)),
        var t => "a " + t.Name,
    };

    /// <summary>A <see cref="TimeSpan"/> in invariant <c>[d.]hh:mm:ss[.fff]</c> form, or a number with a unit: ms, s, m, h, d.</summary>
    internal static bool TryParseDuration(string text, out TimeSpan span)
    {
        text = text.Trim();
        (string Suffix, double Factor)[] units = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)];
        foreach (var (suffix, factor) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out double n)
                && double.IsFinite(n) && Math.Abs(n * factor) < TimeSpan.MaxValue.TotalMilliseconds)
            {
                span = TimeSpan.FromMilliseconds(n * factor);
                return true;
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out span) && text.Contains(':', StringComparison.Ordinal);
    }

    /// <summary>The value of <paramref name="node"/> in <paramref name="options"/>.</summary>
    internal static object? ValueOf(TelexOptions options, OptionNode node)
    {
        object? current = options;
        foreach (string segment in node.Path.Split(':'))
        {
            current = current?.GetType().GetProperty(segment)!.GetValue(current);
        }

        return current;
    }

    /// <summary>How a value is written in configuration.</summary>
    internal static string Format(object? value) => value switch
    {
        null => "",
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static void Throw(List<string> errors)
    {
        if (errors.Count == 1)
        {
            throw new TelexConfigurationException(errors[0]);
        }

        if (errors.Count > 1)
        {
            throw new TelexConfigurationException($"{errors[0]} (and {errors.Count - 1} more configuration error{(errors.Count > 2 ? "s" : "")})");
        }
    }

    private sealed record Entry(string Key, string? Value, string Origin);

    /// <summary>A configuration source; <see cref="Render"/> writes a key the way this source spells it, for hints.</summary>
    private sealed record Source(IReadOnlyList<Entry> Entries, Func<string, string> Render);
}
