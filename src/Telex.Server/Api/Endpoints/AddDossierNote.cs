namespace Telex.Server.Api.Endpoints;

/// <summary><c>POST /api/directory/{counterpart}/notes</c> (admin): adds a note, signed by the officer, to the dossier.</summary>
internal static class AddDossierNote
{
    public static async Task<Results<Ok<CounterpartView>, ProblemHttpResult>> HandleAsync(string counterpart, DossierNoteRequest? request,
        ClaimsPrincipal user, Agency agency, CancellationToken ct)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.Text))
        {
            return Problems.Invalid("text", "a note needs a text");
        }

        return TypedResults.Ok(CounterpartView.From(await agency.Directory.AddDossierNoteAsync(counterpart, user.OfficerName(), request.Text, ct)));
    }
}
