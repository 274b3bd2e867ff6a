using Telex.Core.Issues;

namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/bureaus/{id}/issues</c> (releasing officer or admin): opens an issue shared by every member of the
/// bureau's current epoch; its changes (<c>POST /api/issues/{id}/status</c>) reach every member too.
/// </summary>
internal static class OpenBureauIssue
{
    public static async Task<Results<Created<IssueView>, ProblemHttpResult>> HandleAsync(Guid id, OpenBureauIssueRequest? request, ClaimsPrincipal user,
        Agency agency, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request?.Title) || request.Title.Length > IssueService.MaxIssueTitleLength)
        {
            return Problems.Invalid("title", $"required, at most {IssueService.MaxIssueTitleLength} characters");
        }

        var issue = await agency.BureauTraffic.OpenBureauIssueAsync(id, request.Title, user.OfficerName(), ct);
        return TypedResults.Created($"/api/issues/{Uri.EscapeDataString(issue.Id)}", await GetIssue.ViewAsync(agency, issue.Id, ct));
    }
}
