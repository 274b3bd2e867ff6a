using System.Reflection;
using System.Xml.Linq;

namespace Telex.Cli.Configuration;

/// <summary>
/// The XML documentation the compiler writes next to an assembly (<c>Telex.Core.xml</c>), read to describe each option
/// in the generated example. Absent documentation leaves descriptions empty; it never fails a command.
/// </summary>
internal sealed class XmlDocumentation
{
    private readonly Dictionary<string, XElement> _members;

    private XmlDocumentation(Dictionary<string, XElement> members) => _members = members;

    /// <summary>The documentation of <paramref name="assembly"/>, if its XML file is beside the application.</summary>
    public static XmlDocumentation For(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);

        // The application's folder rather than the assembly's location, which a single-file telex does not have.
        string path = Path.Combine(AppContext.BaseDirectory, assembly.GetName().Name + ".xml");
        if (!File.Exists(path))
        {
            return new XmlDocumentation([]);
        }

        var members = XDocument.Load(path).Descendants("member")
            .Where(m => m.Attribute("name") is not null)
            .GroupBy(m => m.Attribute("name")!.Value, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        return new XmlDocumentation(members);
    }

    /// <summary>The summary of a property as one line of plain text (inline code in backticks), or null.</summary>
    public string? Summary(PropertyInfo property)
    {
        ArgumentNullException.ThrowIfNull(property);
        string id = $"P:{property.DeclaringType!.FullName}.{property.Name}";
        if (!_members.TryGetValue(id, out var member) || member.Element("summary") is not { } summary)
        {
            return null;
        }

        var text = new StringBuilder();
        Render(summary, text);
        return string.Join(' ', text.ToString().Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
    }

    private static void Render(XElement element, StringBuilder text)
    {
        foreach (var node in element.Nodes())
        {
            switch (node)
            {
                case XText t:
                    text.Append(t.Value);
                    break;
                case XElement { Name.LocalName: "c" } c:
                    text.Append('`').Append(c.Value).Append('`');
                    break;
                case XElement { Name.LocalName: "see" or "seealso" } see:
                    string? target = see.Attribute("cref")?.Value ?? see.Attribute("langword")?.Value ?? see.Attribute("href")?.Value;
                    text.Append(see.Value.Length > 0 ? see.Value : ShortName(target));
                    break;
                case XElement { Name.LocalName: "paramref" or "typeparamref" } p:
                    text.Append(p.Attribute("name")?.Value);
                    break;
                case XElement e:
                    Render(e, text);
                    text.Append(' ');
                    break;
            }
        }
    }

    private static string ShortName(string? cref)
    {
        if (cref is null)
        {
            return "";
        }

        int colon = cref.IndexOf(':', StringComparison.Ordinal);
        string name = colon == 1 ? cref[2..] : cref;
        int paren = name.IndexOf('(', StringComparison.Ordinal);
        name = paren >= 0 ? name[..paren] : name;
        return name[(name.LastIndexOf('.') + 1)..];
    }
}
