namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/issues/{id}/status</c> (releasing officer or admin; the issue by id or short number): changes the issue
/// with an outcome of the agency's vocabulary (a bureau's issue: the bureau's) and its text; a referral names the tied agency it brings in. The change
/// travels to every agency taking part.
/// </summary>
internal static class ChangeIssueStatus
{
    public static async Task<Results<Ok<IssueView>, ProblemHttpResult>> HandleAsync(string id, IssueStatusRequest? request, ClaimsPrincipal user,
        Agency agency, CancellationToken ct)
    {
        if (await agency.Issues.FindIssueAsync(id, ct) is not { } issue)
        {
            return Problems.NotFound($"no issue {id}");
        }

        var outcomes = await agency.Issues.OutcomesForAsync(issue, ct);
        string offered = $"{(issue.BureauId is null ? "this agency's" : "the bureau's")} outcomes ({string.Join(", ", outcomes.Where(o => !o.Retired).Select(o => o.Term))})";
        if (outcomes.FirstOrDefault(o => o.Term == request?.Status) is not { } outcome)
        {
            return Problems.Invalid("status", $"required: one of {offered}");
        }

        if (outcome.Retired)
        {
            return Problems.Invalid("status", $"\"{outcome.Term}\" is retired: it is no longer one of {offered} for a new change");
        }

        if (string.IsNullOrWhiteSpace(request!.Outcome))
        {
            return Problems.Invalid("outcome", "required: what was decided or why");
        }

        if ((outcome.Means == IssueStatus.Referred) != !string.IsNullOrWhiteSpace(request.ReferredTo))
        {
            return Problems.Invalid("referredTo", outcome.Means == IssueStatus.Referred
                ? "required for a referral: the tied agency it is referred to"
                : "only a referral names an agency referred to");
        }

        var change = await agency.Issues.ChangeIssueAsync(id, outcome.Term, request.Outcome, request.ReferredTo, user.OfficerName(), request.ShareHistory ?? true, ct);
        return TypedResults.Ok(await GetIssue.ViewAsync(agency, change.IssueId, ct));
    }
}
