namespace Telex.Server.Api.Endpoints;

/// <summary><c>DELETE /api/directory/{counterpart}</c> (admin): removes an untied counterpart and its dossier.</summary>
internal static class RemoveCounterpart
{
    public static async Task<NoContent> HandleAsync(string counterpart, Agency agency, CancellationToken ct)
    {
        await agency.Directory.RemoveFromDirectoryAsync(counterpart, ct);
        return TypedResults.NoContent();
    }
}
