namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/bureaus/{id}/charter</c>, <c>/accept</c> and <c>/leave</c> (admin): the founder charters a bureau
/// (refused with 409, naming the coverage and who is missing, while it is premature); a prospective member accepts its
/// charter; a member leaves.
/// </summary>
internal static class BureauSteps
{
    public static async Task<Ok<BureauView>> CharterAsync(Guid id, Agency agency, CancellationToken ct)
    {
        await agency.Bureaus.CharterBureauAsync(id, ct);
        return TypedResults.Ok(await GetBureau.ViewAsync(agency, id, ct));
    }

    public static async Task<Ok<BureauView>> AcceptAsync(Guid id, Agency agency, CancellationToken ct)
    {
        await agency.Bureaus.AcceptBureauAsync(id, ct);
        return TypedResults.Ok(await GetBureau.ViewAsync(agency, id, ct));
    }

    public static async Task<Ok<BureauView>> LeaveAsync(Guid id, Agency agency, CancellationToken ct)
    {
        await agency.Bureaus.LeaveBureauAsync(id, ct);
        return TypedResults.Ok(await GetBureau.ViewAsync(agency, id, ct));
    }
}
