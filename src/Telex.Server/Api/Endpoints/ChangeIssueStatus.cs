using System.Security.Claims;

using Microsoft.AspNetCore.Http.HttpResults;

using Telex.Core;
using Telex.Core.Model;
using Telex.Server.Api.Auth;
using Telex.Server.Api.Contracts;

namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/issues/{id}/status</c> (releasing officer or admin): sets the issue's status (open, deferred, agreed,
/// referred, closed) with an outcome, and for <c>referred</c> the agency referred to; the change travels to the counterpart.
/// </summary>
internal static class ChangeIssueStatus
{
    public static async Task<Results<Ok<IssueView>, ProblemHttpResult>> HandleAsync(string id, IssueStatusRequest? request, ClaimsPrincipal user,
        Agency agency, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(request?.Status))
        {
            return Problems.Invalid("status", "required: one of open, deferred, agreed, referred, closed");
        }

        if (!QueryValues.TryEnum<IssueStatus>(request.Status, "status", out var status, out var problem))
        {
            return problem!;
        }

        if (string.IsNullOrWhiteSpace(request.Outcome))
        {
            return Problems.Invalid("outcome", "required: what was decided or why");
        }

        if (status == IssueStatus.Referred && string.IsNullOrWhiteSpace(request.ReferredTo))
        {
            return Problems.Invalid("referredTo", "required for a referred issue: the agency it is referred to");
        }

        if (status != IssueStatus.Referred && request.ReferredTo is not null)
        {
            return Problems.Invalid("referredTo", "only a referred issue names an agency referred to");
        }

        await agency.ChangeIssueStatusAsync(id, status!.Value, request.Outcome, request.ReferredTo, user.OfficerName(), ct);
        return TypedResults.Ok(await GetIssue.ViewAsync(agency, id, ct));
    }
}
