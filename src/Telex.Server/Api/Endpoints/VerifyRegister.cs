namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>GET /api/register/verify</c>: recomputes the chain, checks every entry against its row and every checkpoint;
/// the report names the first entry where anything was changed, deleted, inserted or reordered.
/// </summary>
internal static class VerifyRegister
{
    public static async Task<Ok<VerifyView>> HandleAsync(Agency agency, CancellationToken ct) =>
        TypedResults.Ok(VerifyView.From(await agency.Register.VerifyRegisterAsync(ct)));
}
