using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Telex.Core.Register;

/// <summary>
/// The canonical byte form of what a register entry records (docs/ARCHITECTURE.md, "Canonical content"): a first
/// line <c>telex-register/1 KIND</c>, then each field in a fixed order as a line <c>NAME LENGTH</c> followed by
/// exactly LENGTH bytes of UTF-8 value and a newline; a missing value is the line <c>NAME -</c>. Numbers are decimal,
/// times are milliseconds since the Unix epoch, binary values are given as their lowercase hex SHA-256. Nothing is
/// escaped, so the form is the same in every implementation.
/// </summary>
public sealed class CanonicalWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new();

    /// <summary>Starts the content of an entry of <paramref name="kind"/>.</summary>
    public CanonicalWriter(string kind)
    {
        Raw($"telex-register/1 {kind}\n");
    }

    /// <summary>A text field, or a missing one when null.</summary>
    public CanonicalWriter Field(string name, string? value)
    {
        if (value is null)
        {
            Raw($"{name} -\n");
            return this;
        }

        byte[] bytes = Encoding.UTF8.GetBytes(value);
        Raw($"{name} {bytes.Length.ToString(CultureInfo.InvariantCulture)}\n");
        _buffer.Write(bytes);
        Raw("\n");
        return this;
    }

    /// <summary>A number field.</summary>
    public CanonicalWriter Field(string name, long? value) => Field(name, value?.ToString(CultureInfo.InvariantCulture));

    /// <summary>A time field, as Unix milliseconds.</summary>
    public CanonicalWriter Field(string name, DateTimeOffset? value) => Field(name, value?.ToUnixTimeMilliseconds());

    /// <summary>A binary field, as its SHA-256.</summary>
    public CanonicalWriter Digest(string name, byte[]? value) => Field(name, value is null ? null : Sha256Hex(value));

    /// <summary>A list: its count, then each item as a field of the same name.</summary>
    public CanonicalWriter List(string name, IReadOnlyList<string> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        Field(name + ".count", items.Count);
        foreach (string item in items)
        {
            Field(name, item);
        }

        return this;
    }

    /// <summary>The bytes written.</summary>
    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    /// <summary>Lowercase hex SHA-256.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private void Raw(string s) => _buffer.Write(Encoding.UTF8.GetBytes(s));
}

/// <summary>Reads what <see cref="CanonicalWriter"/> wrote; null values stay null.</summary>
public sealed class CanonicalReader
{
    private readonly List<(string Name, string? Value)> _fields = [];

    private CanonicalReader(string kind) => Kind = kind;

    /// <summary>The kind named in the first line.</summary>
    public string Kind { get; }

    /// <summary>Parses canonical content; null if it is not well formed.</summary>
    public static CanonicalReader? TryParse(byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        int pos = 0;
        string? Line()
        {
            int nl = Array.IndexOf(content, (byte)'\n', pos);
            if (nl < 0)
            {
                return null;
            }

            string line = Encoding.UTF8.GetString(content, pos, nl - pos);
            pos = nl + 1;
            return line;
        }

        string? first = Line();
        if (first is null || !first.StartsWith("telex-register/1 ", StringComparison.Ordinal))
        {
            return null;
        }

        var reader = new CanonicalReader(first["telex-register/1 ".Length..]);
        while (pos < content.Length)
        {
            string? header = Line();
            int space = header?.LastIndexOf(' ') ?? -1;
            if (header is null || space <= 0)
            {
                return null;
            }

            string name = header[..space];
            string length = header[(space + 1)..];
            if (length == "-")
            {
                reader._fields.Add((name, null));
                continue;
            }

            if (!int.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || pos + n + 1 > content.Length
                || content[pos + n] != (byte)'\n')
            {
                return null;
            }

            reader._fields.Add((name, Encoding.UTF8.GetString(content, pos, n)));
            pos += n + 1;
        }

        return reader;
    }

    /// <summary>The first field of that name (null if missing or absent).</summary>
    public string? Get(string name) => _fields.FirstOrDefault(f => f.Name == name).Value;

    /// <summary>A number field.</summary>
    public long? GetLong(string name) =>
        long.TryParse(Get(name), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) ? v : null;

    /// <summary>A time field; null when missing or outside the years 1 to 9999.</summary>
    public DateTimeOffset? GetTime(string name) =>
        GetLong(name) is { } ms && ms is >= -62_135_596_800_000 and <= 253_402_300_799_999 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
