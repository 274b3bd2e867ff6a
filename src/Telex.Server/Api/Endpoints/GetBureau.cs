namespace Telex.Server.Api.Endpoints;

/// <summary><c>GET /api/bureaus/{id}</c>: a bureau with its members, every epoch held here and its issues.</summary>
internal static class GetBureau
{
    public static async Task<Ok<BureauView>> HandleAsync(Guid id, Agency agency, CancellationToken ct) =>
        TypedResults.Ok(await ViewAsync(agency, id, ct));

    internal static async Task<BureauView> ViewAsync(Agency agency, Guid id, CancellationToken ct)
    {
        var bureau = await agency.Bureaus.GetBureauAsync(id, ct);
        var epochs = await agency.Bureaus.ListBureauEpochsAsync(id, ct);
        var issues = await agency.Issues.ListIssuesAsync(new IssueQuery { Counterpart = bureau.IssueCounterpart, Limit = 1000 }, ct);
        string name = "bureau " + bureau.Name;
        return BureauView.From(bureau, epochs.FirstOrDefault(e => e.Number == bureau.Epoch)) with
        {
            Epochs = epochs.Select(BureauView.EpochFrom).ToArray(),
            Issues = issues.Select(i => IssueSummary.From(i, name)).ToArray(),
        };
    }
}
