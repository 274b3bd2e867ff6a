using System.Collections;
using System.Globalization;

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;

using Telex.Core;
using Telex.Core.Security;

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

    private static readonly string[] Providers = ["sqlite", "postgres"];

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
        var options = (TelexOptions)BindSection(typeof(TelexOptions), OptionSchema.Root, values, errors);
        Throw(errors);
        Validate(options, values, errors);
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

    private static object BindSection(Type type, IReadOnlyList<OptionNode> nodes, Dictionary<string, Entry> values, List<string> errors)
    {
        object instance = Activator.CreateInstance(type)!;
        foreach (var node in nodes)
        {
            if (node.IsSection)
            {
                node.Property.SetValue(instance, BindSection(node.Type, node.Children, values, errors));
            }
            else if (values.TryGetValue(node.Path, out var entry))
            {
                if (TryConvert(entry.Value, node.Type, IsNullable(node), out object? value, out string expected))
                {
                    node.Property.SetValue(instance, value);
                }
                else
                {
                    errors.Add($"{node.Path} = '{entry.Value}' (from {entry.Origin}) is not {expected}");
                }
            }
        }

        return instance;
    }

    /// <summary>Converts configuration text to an option's type; <paramref name="expected"/> describes the format when it fails.</summary>
    internal static bool TryConvert(string? text, Type type, bool nullable, out object? value, out string expected)
    {
        var inv = CultureInfo.InvariantCulture;
        var underlying = Nullable.GetUnderlyingType(type);
        var t = underlying ?? type;
        text = text?.Trim();
        value = null;
        expected = "";
        if (string.IsNullOrEmpty(text) && nullable)
        {
            return true; // an empty value clears an optional setting
        }

        text ??= "";
        if (t == typeof(string))
        {
            value = text;
            return true;
        }

        if (t == typeof(bool))
        {
            expected = "true or false";
            bool ok = bool.TryParse(text, out bool b);
            value = b;
            return ok;
        }

        if (t == typeof(int))
        {
            expected = "a whole number";
            bool ok = int.TryParse(text, NumberStyles.Integer, inv, out int i);
            value = i;
            return ok;
        }

        if (t == typeof(long))
        {
            expected = "a whole number";
            bool ok = long.TryParse(text, NumberStyles.Integer, inv, out long l);
            value = l;
            return ok;
        }

        if (t == typeof(double))
        {
            expected = "a number";
            bool ok = double.TryParse(text, NumberStyles.Float, inv, out double d);
            value = d;
            return ok;
        }

        if (t == typeof(TimeSpan))
        {
            expected = "a duration ([d.]hh:mm:ss such as 00:00:30, or 250ms, 30s, 5m, 12h, 3d)";
            bool ok = TryParseDuration(text, out var span);
            value = span;
            return ok;
        }

        if (t.IsEnum)
        {
            expected = "one of " + string.Join(", ", Enum.GetNames(t));
            bool ok = !char.IsAsciiDigit(text.FirstOrDefault()) && Enum.TryParse(t, text, ignoreCase: true, out object? e);
            value = ok ? Enum.Parse(t, text, ignoreCase: true) : null;
            return ok;
        }

        throw new NotSupportedException(t.Name);
    }

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

    /// <summary>Whether an option may be left unset (<c>string?</c>, <c>int?</c>): an empty value then means null.</summary>
    internal static bool IsNullable(OptionNode node) =>
        Nullable.GetUnderlyingType(node.Type) is not null
        || new System.Reflection.NullabilityInfoContext().Create(node.Property).WriteState == System.Reflection.NullabilityState.Nullable;

    /// <summary>Range checks the type system does not make: every limit and duration is positive, URLs are URLs.</summary>
    private static void Validate(TelexOptions options, Dictionary<string, Entry> values, List<string> errors)
    {
        string Origin(string key) => values.TryGetValue(key, out var e) ? $" (from {e.Origin})" : " (the default)";

        void Check(bool ok, string key, object? value, string rule)
        {
            if (!ok)
            {
                errors.Add($"{key} = '{Format(value)}'{Origin(key)}: {rule}");
            }
        }

        Check(!string.IsNullOrWhiteSpace(options.Name) && options.Name.Length <= 200, "Name", options.Name, "an agency needs a name of at most 200 characters");
        Check(IsHttpUrl(options.Listen, allowWildcard: true), "Listen", options.Listen, "must be an http:// or https:// URL with a port, e.g. http://127.0.0.1:7400");
        Check(options.PublicEndpoint is null || IsHttpUrl(options.PublicEndpoint, allowWildcard: false), "PublicEndpoint", options.PublicEndpoint,
            "must be an absolute http:// or https:// URL");
        Check(Providers.Contains(options.Storage.Provider, StringComparer.OrdinalIgnoreCase), "Storage:Provider", options.Storage.Provider,
            "must be " + string.Join(" or ", Providers));
        Check(!string.IsNullOrWhiteSpace(options.Storage.Path), "Storage:Path", options.Storage.Path, "must name a file");
        Check(!string.IsNullOrWhiteSpace(options.Delivery.NodeId), "Delivery:NodeId", options.Delivery.NodeId, "must not be empty");
        // Whether an https Listen has its files is checked when serving (telex init writes Listen before they exist).
        Check(options.Tls.Certificate is null == options.Tls.Key is null, options.Tls.Key is null ? "Tls:Key" : "Tls:Certificate",
            options.Tls.Key is null ? options.Tls.Key : options.Tls.Certificate, "Tls:Certificate and Tls:Key go together: name both files or neither");
        Check(PeerEndpointPolicy.TryParseNetworks(options.Delivery.AllowedPeerNetworks, out _, out string networks), "Delivery:AllowedPeerNetworks",
            options.Delivery.AllowedPeerNetworks, networks);

        // Every number and duration in the tree is a limit, a count or a wait: zero or less never makes sense.
        foreach (var node in OptionSchema.Values)
        {
            object? value = ValueOf(options, node);
            bool positive = value switch
            {
                int i => i > 0,
                long l => l > 0,
                double d => d > 0,
                TimeSpan t => t > TimeSpan.Zero,
                _ => true,
            };
            Check(positive, node.Path, value, "must be greater than zero");
        }
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

    private static bool IsHttpUrl(string? text, bool allowWildcard)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        if (allowWildcard)
        {
            // Kestrel's "all addresses" forms are not valid URIs.
            text = text.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
    }

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
