using System.Text.Json;
using System.Text.Json.Serialization;

namespace Telex.Api.Contracts;

/// <summary>
/// The JSON of the client API: the web defaults (camelCase properties, case-insensitive reading), enums as lowercase
/// strings (<c>releasingofficer</c>, <c>flash</c>, never numbers), and at most <see cref="MaxDepth"/> levels. The server
/// writes and reads with these options, and so does <see cref="TelexApiClient"/>: both ends agree by construction.
/// </summary>
public static class TelexApiJson
{
    /// <summary>
    /// Deep enough for every request and answer of the API (attachments inside a telegram are the deepest request, at 3);
    /// a deeper document is malformed input, refused before it costs anything.
    /// </summary>
    public const int MaxDepth = 16;

    /// <summary>The options, with the source-generated metadata of every contract first in the resolver chain.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>Applies the API's conventions to <paramref name="options"/> (the server's HTTP JSON options, or a client's).</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Converters.Add(new JsonStringEnumConverter(LowerCase.Instance, allowIntegerValues: false));
        options.MaxDepth = MaxDepth;
        options.TypeInfoResolverChain.Insert(0, TelexApiJsonContext.Default);
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        options.MakeReadOnly();
        return options;
    }

    /// <summary>"<c>ReleasingOfficer</c>" → "<c>releasingofficer</c>".</summary>
    private sealed class LowerCase : JsonNamingPolicy
    {
        public static LowerCase Instance { get; } = new();

        public override string ConvertName(string name) => name.ToLowerInvariant();
    }
}
