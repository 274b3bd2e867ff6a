using System.Runtime.InteropServices;

namespace Telex.DidComm.Jose;

/// <summary>Small readers over <see cref="JsonElement"/> that never throw on the wrong kind.</summary>
internal static class Json
{
    /// <summary>
    /// Writer options for wire JSON: no HTML-oriented escaping (the output is never embedded in a page), so
    /// media types such as <c>application/didcomm-encrypted+json</c> are written as they read.
    /// </summary>
    public static readonly JsonWriterOptions WireWriter = new()
    {
        SkipValidation = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    // Where a returned writer points, so that the cache holds no reference to a caller's buffer.
    private static readonly System.Buffers.ArrayBufferWriter<byte> Detached = new(1);

    /// <summary>
    /// A wire writer over <paramref name="output"/>, reused per thread (a writer object per JSON layer was a
    /// measurable share of what packing allocates). Flush, then <see cref="ReturnWriter"/> it.
    /// </summary>
    public static Utf8JsonWriter RentWriter(System.Buffers.IBufferWriter<byte> output)
    {
        var writer = t_writer;
        if (writer is null)
        {
            return new Utf8JsonWriter(output, WireWriter);
        }

        t_writer = null;
        writer.Reset(output);
        return writer;
    }

    /// <summary>Flushes a writer from <see cref="RentWriter"/> and keeps it for the next use on this thread.</summary>
    public static void ReturnWriter(Utf8JsonWriter writer)
    {
        writer.Flush();
        writer.Reset(Detached);
        t_writer = writer;
    }

    public static string? GetString(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String
            ? e.GetString()
            : null;

    public static string? GetString(JsonElement obj, ReadOnlySpan<byte> name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String
            ? e.GetString()
            : null;

    public static bool TryGetObject(JsonElement obj, string name, out JsonElement value) =>
        obj.TryGetProperty(name, out value) && value.ValueKind == JsonValueKind.Object;

    /// <summary>
    /// The UTF-8 value of a string element without allocating: the raw bytes when the JSON has no escapes in it,
    /// the unescaped value (a new array) otherwise.
    /// </summary>
    public static ReadOnlySpan<byte> Utf8(JsonElement stringElement)
    {
        // The raw value includes its quotes.
        var raw = JsonMarshal.GetRawUtf8Value(stringElement)[1..^1];
        return raw.IndexOf((byte)'\\') < 0 ? raw : System.Text.Encoding.UTF8.GetBytes(stringElement.GetString()!);
    }

    /// <summary>The UTF-8 value of a string member; false when it is missing or not a string.</summary>
    public static bool TryGetUtf8(JsonElement obj, ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        if (obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String)
        {
            value = Utf8(e);
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>A string member, through <paramref name="names"/> when given; null when missing or not a string.</summary>
    public static string? GetName(JsonElement obj, ReadOnlySpan<byte> name, NameCache? names)
    {
        if (names is null)
        {
            return GetString(obj, name);
        }

        return TryGetUtf8(obj, name, out var utf8) ? names.Get(utf8) : null;
    }

    /// <summary>
    /// Parses JSON text that a caller hands to a public <c>Parse</c> method: malformed or too deep JSON is a
    /// <see cref="FormatException"/>, the one exception those methods document.
    /// </summary>
    public static JsonDocument ParseText(string json, int maxDepth)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = maxDepth });
        }
        catch (JsonException e)
        {
            throw new FormatException("not valid JSON: " + e.Message, e);
        }
    }

    /// <summary>
    /// Reads JSON text holding one item or an array of items, each by <paramref name="read"/>, for a public <c>Parse</c>
    /// method: an invalid item is a <see cref="FormatException"/> naming it (<c>secret 2: why</c>), thrown once the items
    /// read before it are given to <paramref name="discard"/>.
    /// </summary>
    public static IReadOnlyList<T> ParseOneOrArray<T>(string json, int maxDepth, string item, ElementReader<T> read, Action<T>? discard = null)
    {
        using var d = ParseText(json, maxDepth);
        var root = d.RootElement;
        if (root.ValueKind != JsonValueKind.Array)
        {
            return read(root, out var one, out string error) ? [one] : throw new FormatException(error);
        }

        var items = new List<T>(root.GetArrayLength());
        foreach (var element in root.EnumerateArray())
        {
            if (!read(element, out var value, out string error))
            {
                if (discard is not null)
                {
                    items.ForEach(discard);
                }

                throw new FormatException($"{item} {items.Count}: {error}");
            }

            items.Add(value);
        }

        return items;
    }
}

/// <summary>Reads a value from a JSON element; false with the reason when the element is not one.</summary>
internal delegate bool ElementReader<T>(JsonElement element, out T value, out string error);
