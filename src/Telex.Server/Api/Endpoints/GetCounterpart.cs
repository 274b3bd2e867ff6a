namespace Telex.Server.Api.Endpoints;

/// <summary><c>GET /api/directory/{counterpart}</c>: one counterpart by DID or name (URL-encoded).</summary>
internal static class GetCounterpart
{
    public static async Task<Ok<CounterpartView>> HandleAsync(string counterpart, Agency agency, CancellationToken ct) =>
        TypedResults.Ok(CounterpartView.From(await agency.Directory.GetCounterpartAsync(counterpart, ct)));
}
