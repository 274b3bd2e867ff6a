namespace Telex.Server.Api.Endpoints;

/// <summary><c>POST /api/directory/{counterpart}/review</c> (admin): records that the dossier was reviewed now.</summary>
internal static class ReviewDossier
{
    public static async Task<Ok<CounterpartView>> HandleAsync(string counterpart, Agency agency, CancellationToken ct) =>
        TypedResults.Ok(CounterpartView.From(await agency.Directory.ReviewDossierAsync(counterpart, ct)));
}
