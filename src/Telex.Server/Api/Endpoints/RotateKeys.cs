namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/keys/rotate</c> (admins): rotates the agency's keys to a new DID and announces it over every established
/// or suspended tie, signed by the old key.
/// </summary>
internal static class RotateKeys
{
    public static async Task<Ok<RotateKeysView>> HandleAsync(Agency agency, CancellationToken ct) =>
        TypedResults.Ok(RotateKeysView.From(await agency.Keys.RotateKeysAsync(ct)));
}
