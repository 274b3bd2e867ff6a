using System.Text.Json;

using Telex.Api.Contracts;

namespace Telex.Server.Api;

/// <summary>
/// JSON of the client API: <see cref="TelexApiJson"/>'s conventions (camelCase properties, case-insensitive reading, enums
/// as lowercase strings such as <c>releasingofficer</c> and <c>flash</c>, never numbers), the same the API's clients use,
/// and the server's own answers (health) after the contracts in the resolver chain.
/// </summary>
internal static class ApiJson
{
    /// <inheritdoc cref="TelexApiJson.MaxDepth"/>
    public const int MaxDepth = TelexApiJson.MaxDepth;

    public static void Configure(JsonSerializerOptions options)
    {
        TelexApiJson.Configure(options);
        options.TypeInfoResolverChain.Insert(1, ApiJsonContext.Default);
    }
}
