using System.Buffers.Text;
using System.Text.Json;

namespace Telex.DidComm.Tests.Rfc;

/// <summary>
/// Loads the spec test vectors kept as JSON next to these tests. The files are read from the source tree, not
/// copied to the output, so the data stays in one place: the repository root is found by walking up from the
/// test assembly to the directory holding <c>Telex.slnx</c>.
/// </summary>
internal static class RfcVectors
{
    private static readonly Lazy<string> s_directory = new(FindVectorDirectory);

    /// <summary>The root element of <c>tests/Telex.DidComm.Tests/Rfc/<paramref name="fileName"/></c>.</summary>
    public static JsonElement Load(string fileName)
    {
        string path = Path.Combine(s_directory.Value, fileName);
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }

    /// <summary>The element of the <c>vectors</c> array whose <c>name</c> is <paramref name="name"/>.</summary>
    public static JsonElement Vector(string fileName, string name)
    {
        foreach (var vector in Load(fileName).GetProperty("vectors").EnumerateArray())
        {
            if (vector.GetProperty("name").GetString() == name)
            {
                return vector;
            }
        }

        throw new KeyNotFoundException($"no vector '{name}' in {fileName}");
    }

    /// <summary>The names of the vectors in a file, as xunit theory data (one test case per vector).</summary>
    public static TheoryData<string> Names(string fileName)
    {
        var names = new TheoryData<string>();
        foreach (var vector in Load(fileName).GetProperty("vectors").EnumerateArray())
        {
            names.Add(vector.GetProperty("name").GetString()!);
        }

        return names;
    }

    public static string Text(this JsonElement element, string property) =>
        element.GetProperty(property).GetString() ?? throw new InvalidDataException($"'{property}' is null");

    /// <summary>A member holding hexadecimal octets; spaces are allowed, as the RFCs print them in groups.</summary>
    public static byte[] Hex(this JsonElement element, string property) =>
        Convert.FromHexString(element.Text(property).Replace(" ", "", StringComparison.Ordinal));

    /// <summary>A member holding base64url octets without padding (JOSE's encoding).</summary>
    public static byte[] B64(this JsonElement element, string property) =>
        Base64Url.DecodeFromChars(element.Text(property));

    public static byte[] Utf8(this JsonElement element, string property) =>
        System.Text.Encoding.UTF8.GetBytes(element.Text(property));

    private static string FindVectorDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Telex.slnx")))
            {
                return Path.Combine(dir.FullName, "tests", "Telex.DidComm.Tests", "Rfc");
            }
        }

        throw new DirectoryNotFoundException($"no Telex.slnx above {AppContext.BaseDirectory}");
    }
}
