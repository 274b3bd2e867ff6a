using System.Text.Json;
using System.Text.Json.Serialization;

namespace Telex.Server.Api;

/// <summary>
/// JSON of the client API: the web defaults (camelCase properties, case-insensitive reading) and enums as lowercase
/// strings (<c>releasingofficer</c>, <c>flash</c>); numbers are not accepted for enums.
/// </summary>
internal static class ApiJson
{
    /// <summary>
    /// Deep enough for every request of the API (attachments inside a telegram are the deepest, at 3); a deeper
    /// document is malformed input, refused before it costs anything.
    /// </summary>
    public const int MaxDepth = 16;

    public static void Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new JsonStringEnumConverter(LowerCase.Instance, allowIntegerValues: false));
        options.MaxDepth = MaxDepth;
        options.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
    }

    /// <summary>"<c>ReleasingOfficer</c>" → "<c>releasingofficer</c>".</summary>
    private sealed class LowerCase : JsonNamingPolicy
    {
        public static LowerCase Instance { get; } = new();

        public override string ConvertName(string name) => name.ToLowerInvariant();
    }
}
