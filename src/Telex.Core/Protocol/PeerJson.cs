namespace Telex.Core.Protocol;

/// <summary>
/// Reads members of JSON that came from outside (a peer's message body, an invitation, a key file) without throwing:
/// <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/> throws on an element that is not an object, and
/// <see cref="JsonElement.TryGetInt64(out long)"/> on one that is not a number, so a body stating <c>"serial": "1"</c>
/// or a receipt entry that is an array would otherwise escape as an exception instead of a refusal.
/// </summary>
public static class PeerJson
{
    /// <summary>The member's text when <paramref name="e"/> is an object whose member <paramref name="name"/> is a string; else null.</summary>
    public static string? StringMember(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>True when <paramref name="e"/> is an object whose member <paramref name="name"/> is a whole number within 64 bits.</summary>
    public static bool TryIntegerMember(this JsonElement e, string name, out long value)
    {
        value = 0;
        return e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.TryInteger(out value);
    }

    /// <summary>True when <paramref name="e"/> is a whole number within 64 bits (not a string, not a fraction).</summary>
    public static bool TryInteger(this JsonElement e, out long value)
    {
        value = 0;
        return e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out value);
    }
}
