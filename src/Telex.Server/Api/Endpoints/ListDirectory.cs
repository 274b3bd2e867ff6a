namespace Telex.Server.Api.Endpoints;

/// <summary><c>GET /api/directory</c>: every counterpart the agency knows of, tied or not, with its dossier.</summary>
internal static class ListDirectory
{
    public static async Task<Ok<CounterpartView[]>> HandleAsync(Agency agency, CancellationToken ct) =>
        TypedResults.Ok((await agency.Directory.ListDirectoryAsync(ct)).Select(CounterpartView.From).ToArray());
}
