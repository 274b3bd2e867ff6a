namespace Telex.Server.Api.Endpoints;

/// <summary><c>GET /api/keys</c>: the agency's current DID, its prior DIDs with their rotation times, and every rotation filed.</summary>
internal static class ListKeys
{
    public static async Task<Ok<KeysView>> HandleAsync(Agency agency, CancellationToken ct)
    {
        var identity = agency.Identity;
        return TypedResults.Ok(KeysView.From(identity, await agency.Keys.ListKeyRotationsAsync(ct)));
    }
}
