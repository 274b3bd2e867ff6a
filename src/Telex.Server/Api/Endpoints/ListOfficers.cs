namespace Telex.Server.Api.Endpoints;

/// <summary><c>GET /api/officers</c> (admin): every officer, by name.</summary>
internal static class ListOfficers
{
    public static async Task<Ok<OfficerView[]>> HandleAsync(ITelexStore store, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var officers = await store.Officers.ListOfficersAsync(ct);
        return TypedResults.Ok(officers.Select(o => OfficerView.Of(o, now)).ToArray());
    }
}
