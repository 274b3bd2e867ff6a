namespace Telex.Server.Api.Endpoints;

/// <summary><c>GET /api/register/checkpoints?agency=</c>: stored checkpoints, this agency's and its counterparts', oldest first.</summary>
internal static class ListCheckpoints
{
    public static async Task<Ok<List<CheckpointView>>> HandleAsync(string? agency, Agency node, CancellationToken ct) =>
        TypedResults.Ok((await node.Register.ListCheckpointsAsync(agency, ct)).Select(CheckpointView.From).ToList());
}
