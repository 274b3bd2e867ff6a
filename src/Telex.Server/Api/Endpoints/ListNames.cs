using Telex.Server.Console;

namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>GET /api/names</c>: the name of every agency (and bureau) this agency knows, by DID — itself, its ties, its
/// directory, its bureaus and their members — so a client shows names where a view carries DIDs.
/// </summary>
internal static class ListNames
{
    public static async Task<Ok<IReadOnlyDictionary<string, string>>> HandleAsync(Agency agency, CancellationToken ct) =>
        TypedResults.Ok((await AgencyNames.LoadAsync(agency, ct)).All);
}
