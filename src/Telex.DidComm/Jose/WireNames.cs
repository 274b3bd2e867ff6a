using System.Text;

namespace Telex.DidComm.Jose;

/// <summary>
/// The names the values of an enum go by in JOSE headers and keys (<c>alg</c>, <c>enc</c>, <c>crv</c>), written once:
/// naming a value and parsing a name, as text or as UTF-8, read the same table.
/// </summary>
internal sealed class WireNames<T>
    where T : struct, Enum
{
    private readonly (T Value, string Name, byte[] Utf8)[] _names;

    public WireNames(params ReadOnlySpan<(T Value, string Name)> names)
    {
        _names = new (T, string, byte[])[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            _names[i] = (names[i].Value, names[i].Name, Encoding.UTF8.GetBytes(names[i].Name));
        }
    }

    /// <summary>The name of <paramref name="value"/>; throws for a value the table does not hold.</summary>
    public string Of(T value)
    {
        foreach (var (known, name, _) in _names)
        {
            if (EqualityComparer<T>.Default.Equals(known, value))
            {
                return name;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(value), value, $"no {typeof(T).Name} of that value");
    }

    /// <summary>The value named <paramref name="name"/> (compared exactly); false when none is.</summary>
    public bool TryParse(string? name, out T value)
    {
        foreach (var (known, knownName, _) in _names)
        {
            if (string.Equals(knownName, name, StringComparison.Ordinal))
            {
                value = known;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>The value named by the UTF-8 bytes <paramref name="name"/>; false when none is.</summary>
    public bool TryParse(ReadOnlySpan<byte> name, out T value)
    {
        foreach (var (known, _, utf8) in _names)
        {
            if (name.SequenceEqual(utf8))
            {
                value = known;
                return true;
            }
        }

        value = default;
        return false;
    }
}
