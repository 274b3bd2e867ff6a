namespace Telex.Server.Api.Endpoints;

/// <summary><c>GET /api/coordination?state=</c>: partner agencies' requests to clear their telegrams (state: pending, given, refused).</summary>
internal static class ListCoordination
{
    public static async Task<Results<Ok<CoordinationView[]>, ProblemHttpResult>> HandleAsync(string? state, Agency agency, CancellationToken ct)
    {
        if (!QueryValues.TryEnum<ClearanceState>(state, "state", out var s, out var problem))
        {
            return problem!;
        }

        var names = await RegisterReader.CounterpartNamesAsync(agency, ct);
        var views = new List<CoordinationView>();
        foreach (var r in await agency.Clearance.ListCoordinationRequestsAsync(s, ct))
        {
            // The telegram's recipient is the partner's counterpart, which this agency may know of or not.
            string? recipient = names.TryGetValue(r.Recipient, out var known) ? known : await agency.Directory.KnownNameAsync(r.Recipient, ct);
            views.Add(CoordinationView.Of(r, names.GetValueOrDefault(r.From, r.From), recipient));
        }

        return TypedResults.Ok(views.ToArray());
    }
}
