namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/officers</c> (admin): adds an officer with a one-time password, returned once, which the officer
/// must change at first sign-in; filed in the register's chain as added by the admin.
/// </summary>
internal static class CreateOfficer
{
    public static async Task<Results<Created<CreatedOfficer>, ProblemHttpResult>> HandleAsync(CreateOfficerRequest? request,
        ClaimsPrincipal user, Agency agency, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        // An empty body is an empty object: the answer names the first missing field.
        request ??= new CreateOfficerRequest(null, null);
        if (Officers.CheckName(request.Name) is { } problem)
        {
            return Problems.Invalid("name", problem);
        }

        if (request.Role is not { } role)
        {
            return Problems.Invalid("role", "required: clerk, releasingofficer, admin or auditor");
        }

        string? password = await Officers.TryAddAsync(agency, user.OfficerName(), request.Name!, role, time.GetUtcNow(), ct);
        if (password is null)
        {
            return Problems.Problem(409, "conflict", $"an officer named {request.Name} exists already");
        }

        ApiLog.OfficerCreated(loggers.CreateLogger(ApiLog.Category), user.OfficerName(), request.Name!, role);
        return TypedResults.Created((string?)null, new CreatedOfficer(request.Name!, role, password));
    }
}
