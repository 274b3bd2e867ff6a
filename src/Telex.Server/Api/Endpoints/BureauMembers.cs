namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/bureaus/{id}/members</c> and <c>DELETE /api/bureaus/{id}/members/{member}</c> (admin): the founder names
/// another prospective member for a bureau it proposed and has not chartered, or drops one. A member named by a tie or
/// a directory entry with a DID is a prospective member; one the directory knows of by name only is a prospect (known
/// of, no tie). Nothing is sent to either.
/// </summary>
internal static class BureauMembers
{
    /// <summary>Longest DID or name accepted.</summary>
    private const int MaxReferenceLength = 8192;

    public static async Task<Results<Ok<BureauView>, ProblemHttpResult>> AddAsync(Guid id, BureauMemberRequest? request, Agency agency, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request?.Member) || request.Member.Length > MaxReferenceLength)
        {
            return Problems.Invalid("member", "required: the agency's name (a tie's or the directory's) or DID");
        }

        await agency.Bureaus.AddBureauMemberAsync(id, request.Member, ct);
        return TypedResults.Ok(await GetBureau.ViewAsync(agency, id, ct));
    }

    public static async Task<Ok<BureauView>> RemoveAsync(Guid id, string member, Agency agency, CancellationToken ct)
    {
        await agency.Bureaus.RemoveBureauMemberAsync(id, member, ct);
        return TypedResults.Ok(await GetBureau.ViewAsync(agency, id, ct));
    }
}
