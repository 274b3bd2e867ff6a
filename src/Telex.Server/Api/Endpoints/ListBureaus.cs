namespace Telex.Server.Api.Endpoints;

/// <summary><c>GET /api/bureaus</c>: every bureau this agency founded or was named in, most recently changed first.</summary>
internal static class ListBureaus
{
    public static async Task<Ok<BureauView[]>> HandleAsync(Agency agency, CancellationToken ct)
    {
        var list = new List<BureauView>();
        foreach (var b in await agency.Bureaus.ListBureausAsync(ct))
        {
            var current = b.Epoch > 0 ? await agency.Bureaus.GetBureauEpochAsync(b.Id, b.Epoch, ct) : null;
            list.Add(BureauView.From(b, current));
        }

        return TypedResults.Ok(list.ToArray());
    }
}
