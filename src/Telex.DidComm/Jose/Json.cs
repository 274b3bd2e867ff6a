using System.Text.Json;

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
}
