using Telex.Core.Bureaus;

namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/bureaus</c> (admin): proposes a bureau founded by this agency. Members are named by DID or by name (a
/// tie's or the directory's); one the directory knows of by name only, without a DID, is a prospect: known of, no tie.
/// Nothing is sent before it is chartered.
/// </summary>
internal static class ProposeBureau
{
    /// <summary>Longest DID or name accepted.</summary>
    private const int MaxDidLength = 8192;

    public static async Task<Results<Created<BureauView>, ProblemHttpResult>> HandleAsync(ProposeBureauRequest? request, Agency agency, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request?.Name) || request.Name.Length > BureauService.MaxBureauNameLength)
        {
            return Problems.Invalid("name", $"required, at most {BureauService.MaxBureauNameLength} characters");
        }

        if (string.IsNullOrWhiteSpace(request.Purpose) || request.Purpose.Length > BureauService.MaxBureauPurposeLength)
        {
            return Problems.Invalid("purpose", $"required, at most {BureauService.MaxBureauPurposeLength} characters");
        }

        if (request.Members is not { Count: > 0 and <= BureauService.MaxBureauMembers } members)
        {
            return Problems.Invalid("members", $"required: 1 to {BureauService.MaxBureauMembers} prospective members, each by DID or name");
        }

        for (int i = 0; i < members.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(members[i]) || members[i].Length > MaxDidLength)
            {
                return Problems.Invalid($"members[{i}]", "an agency's DID, or its name in the ties or the directory");
            }
        }

        if (!ReadinessRule.TryParse(request.Rule, out var rule))
        {
            return Problems.Invalid("rule", "all (the default) or quorum:N");
        }

        if (request.Secretariat is { Length: > MaxDidLength })
        {
            return Problems.Invalid("secretariat", "an agency's DID or name");
        }

        var bureau = await agency.Bureaus.ProposeBureauAsync(request.Name, request.Purpose, members, rule, request.Secretariat, ct);
        return TypedResults.Created($"/api/bureaus/{bureau.Id}", BureauView.From(bureau, null));
    }
}
