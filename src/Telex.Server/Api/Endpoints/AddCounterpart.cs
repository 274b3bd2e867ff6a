namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/directory</c> (admin): adds a counterpart, tied or not, to the directory. The agencies it is known to be
/// tied with (<c>tiedWith</c>, which relay choice follows) are named by the rule a recipient is (<see cref="Recipients"/>):
/// by name only a tie whose fingerprint was confirmed or an entry an officer entered with its DID; this agency by its own
/// name or DID.
/// </summary>
internal static class AddCounterpart
{
    public static async Task<Results<Created<CounterpartView>, ProblemHttpResult>> HandleAsync(DirectoryAddRequest? request, Agency agency,
        CancellationToken ct)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.Name))
        {
            return Problems.Invalid("name", "a counterpart needs a name");
        }

        var tiedWith = await Recipients.ResolveKnownTiesAsync(agency, request.TiedWith, ct);
        var added = await agency.Directory.AddToDirectoryAsync(request.Name, string.IsNullOrWhiteSpace(request.Did) ? null : request.Did,
            string.IsNullOrWhiteSpace(request.Endpoint) ? null : request.Endpoint, tiedWith, ct);
        return TypedResults.Created($"/api/directory/{Uri.EscapeDataString(added.Did ?? added.Name)}", CounterpartView.From(added));
    }
}
