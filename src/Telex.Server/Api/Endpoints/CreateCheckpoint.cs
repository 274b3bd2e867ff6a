namespace Telex.Server.Api.Endpoints;

/// <summary><c>POST /api/register/checkpoints</c>: signs a checkpoint of the register now and sends it to every established tie.</summary>
internal static class CreateCheckpoint
{
    public static async Task<Created<CheckpointView>> HandleAsync(Agency agency, CancellationToken ct)
    {
        var checkpoint = await agency.Register.CheckpointAsync(ct);
        return TypedResults.Created("/api/register/checkpoints", CheckpointView.From(checkpoint));
    }
}
