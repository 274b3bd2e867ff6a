using Telex.Core.Issues;

namespace Telex.Server.Api.Endpoints;

/// <summary><c>POST /api/issues</c> (releasing officer or admin): opens an issue with a counterpart; the counterpart holds it too.</summary>
internal static class OpenIssue
{
    public static async Task<Results<Created<IssueView>, ProblemHttpResult>> HandleAsync(OpenIssueRequest? request, ClaimsPrincipal user, Agency agency,
        CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request?.Counterpart) || request.Counterpart.Length > 4096)
        {
            return Problems.Invalid("counterpart", "required: the counterpart agency's DID");
        }

        if (string.IsNullOrWhiteSpace(request.Title) || request.Title.Length > IssueService.MaxIssueTitleLength)
        {
            return Problems.Invalid("title", $"required, at most {IssueService.MaxIssueTitleLength} characters");
        }

        var issue = await agency.Issues.OpenIssueAsync(request.Counterpart, request.Title, user.OfficerName(), ct);
        return TypedResults.Created($"/api/issues/{Uri.EscapeDataString(issue.Id)}", await GetIssue.ViewAsync(agency, issue.Id, ct));
    }
}
