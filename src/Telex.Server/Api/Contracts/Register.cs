using Telex.Core.Register;

namespace Telex.Server.Api.Contracts;

/// <summary>The outcome of verifying the register.</summary>
internal sealed record VerifyView(bool Ok, long Entries, long Telegrams, long Cables, long Checkpoints, long IssueEvents, long ClearanceSteps,
    long OfficerEvents, string Head, IReadOnlyList<ProblemView> Problems)
{
    public static VerifyView From(VerifyReport r) => new(r.Ok, r.Entries, r.Telegrams, r.Cables, r.Checkpoints, r.IssueEvents, r.ClearanceSteps,
        r.OfficerEvents, r.Head,
        r.Problems.Select(p => new ProblemView(p.Position, p.Reference, p.RegistryNumber, p.TelegramId, p.Problem, p.Detail, p.ToString())).ToList());
}

/// <summary>One problem found: the entry, the telegram, what kind of change, and a line saying it.</summary>
internal sealed record ProblemView(long? Position, string? Reference, long? RegistryNumber, Guid? TelegramId, string Problem, string Detail,
    string Summary);

/// <summary>A signed checkpoint; <c>signed</c> is the JWS, base64.</summary>
internal sealed record CheckpointView(string Agency, long Count, string Head, DateTimeOffset Time, DateTimeOffset StoredAt, byte[] Signed)
{
    public static CheckpointView From(Checkpoint c) => new(c.AgencyDid, c.Count, c.Head, c.Time, c.StoredAt, c.SignedMessage);
}
