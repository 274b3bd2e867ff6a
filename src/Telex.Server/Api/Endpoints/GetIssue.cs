namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>GET /api/issues/{id}</c>: an issue as it stands, its changes in clock order, and its full history — changes and
/// the telegrams naming it — in the order both agencies share.
/// </summary>
internal static class GetIssue
{
    public static async Task<Ok<IssueView>> HandleAsync(string id, Agency agency, CancellationToken ct) =>
        TypedResults.Ok(await ViewAsync(agency, id, ct));

    internal static async Task<IssueView> ViewAsync(Agency agency, string id, CancellationToken ct)
    {
        var history = await agency.Issues.IssueHistoryAsync(id, ct);
        var names = await RegisterReader.CounterpartNamesAsync(agency, ct);
        return IssueView.From(history, agency.Identity.Did, agency.Identity.Name, names.GetValueOrDefault(history.Issue.Counterpart, history.Issue.Counterpart),
            names);
    }
}
