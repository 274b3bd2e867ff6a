using System.Reflection;

namespace Telex.Cli.Configuration;

/// <summary>One key of the options tree: a section (an options record) or a value.</summary>
internal sealed class OptionNode
{
    /// <summary>The configuration path, sections joined by <c>:</c> (<c>Delivery:ReceiptWait</c>).</summary>
    public required string Path { get; init; }

    /// <summary>The property this key binds to.</summary>
    public required PropertyInfo Property { get; init; }

    /// <summary>The keys of a section; empty for a value.</summary>
    public IReadOnlyList<OptionNode> Children { get; init; } = [];

    /// <summary>Whether this key is a section.</summary>
    public bool IsSection { get; init; }

    /// <summary>The property's type.</summary>
    public Type Type => Property.PropertyType;

    /// <summary>The last segment of the path.</summary>
    public string Name => Property.Name;

    /// <summary>Whether the option may be left unset (<c>string?</c>, <c>int?</c>): an empty value then means null.</summary>
    public bool IsOptional =>
        Nullable.GetUnderlyingType(Type) is not null || new NullabilityInfoContext().Create(Property).WriteState == NullabilityState.Nullable;

    /// <summary>The environment variable that sets this key.</summary>
    public string EnvironmentVariable => TelexConfiguration.EnvironmentPrefix + Path.Replace(":", "__", StringComparison.Ordinal);
}

/// <summary>
/// The shape of <see cref="TelexOptions"/>, read from the option types themselves: every writable property is a key,
/// every options record a section. Unknown-key detection, the check of each value's type, validation and the
/// generated example all walk this one tree, so a new option needs no change here; the configuration binder fills the
/// options.
/// </summary>
internal static class OptionSchema
{
    private static readonly Type[] ValueTypes =
        [typeof(string), typeof(bool), typeof(int), typeof(long), typeof(double), typeof(TimeSpan)];

    /// <summary>The top-level keys.</summary>
    public static IReadOnlyList<OptionNode> Root { get; } = Build(typeof(TelexOptions), "");

    /// <summary>Every key, sections and values, by path (case-insensitive, as configuration keys are).</summary>
    public static IReadOnlyDictionary<string, OptionNode> ByPath { get; } =
        All(Root).ToDictionary(n => n.Path, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every value key, in declaration order.</summary>
    public static IReadOnlyList<OptionNode> Values { get; } = All(Root).Where(n => !n.IsSection).ToArray();

    /// <summary>Every node under <paramref name="nodes"/>, depth first.</summary>
    public static IEnumerable<OptionNode> All(IEnumerable<OptionNode> nodes)
    {
        foreach (var node in nodes)
        {
            yield return node;
            foreach (var child in All(node.Children))
            {
                yield return child;
            }
        }
    }

    /// <summary>Whether <paramref name="type"/> is bound as a single value.</summary>
    public static bool IsValueType(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsEnum || ValueTypes.Contains(t);
    }

    private static OptionNode[] Build(Type type, string prefix)
    {
        var nodes = new List<OptionNode>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is not { IsPublic: true } || property.GetIndexParameters().Length > 0)
            {
                continue; // computed (EffectiveEndpoint) or not settable: not configuration
            }

            string path = prefix.Length == 0 ? property.Name : prefix + ":" + property.Name;
            if (IsValueType(property.PropertyType))
            {
                nodes.Add(new OptionNode { Path = path, Property = property });
            }
            else if (property.PropertyType.IsClass && property.PropertyType.GetConstructor(Type.EmptyTypes) is not null)
            {
                nodes.Add(new OptionNode { Path = path, Property = property, IsSection = true, Children = Build(property.PropertyType, path) });
            }
            else
            {
                // Fails the first test run rather than silently leaving an option out of configuration and docs.
                throw new NotSupportedException($"option {path} has type {property.PropertyType.Name}, which configuration cannot bind");
            }
        }

        return nodes.ToArray();
    }
}
