namespace Telex.Server.Api.Endpoints;

/// <summary><c>POST /api/directory</c> (admin): adds a counterpart, tied or not, to the directory.</summary>
internal static class AddCounterpart
{
    public static async Task<Results<Created<CounterpartView>, ProblemHttpResult>> HandleAsync(DirectoryAddRequest? request, Agency agency,
        CancellationToken ct)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.Name))
        {
            return Problems.Invalid("name", "a counterpart needs a name");
        }

        var added = await agency.Directory.AddToDirectoryAsync(request.Name, string.IsNullOrWhiteSpace(request.Did) ? null : request.Did,
            string.IsNullOrWhiteSpace(request.Endpoint) ? null : request.Endpoint, request.TiedWith, ct);
        return TypedResults.Created($"/api/directory/{Uri.EscapeDataString(added.Did ?? added.Name)}", CounterpartView.From(added));
    }
}
