namespace Telex.Api.Contracts;

/// <summary>The outcome of verifying the register.</summary>
public sealed record VerifyView(bool Ok, long Entries, long Telegrams, long Cables, long Checkpoints, long IssueEvents, long ClearanceSteps,
    long OfficerEvents, string Head, IReadOnlyList<ProblemView> Problems);

/// <summary>One problem found: the entry, the telegram, what kind of change, and a line saying it.</summary>
public sealed record ProblemView(long? Position, string? Reference, long? RegistryNumber, Guid? TelegramId, string Problem, string Detail,
    string Summary);

/// <summary>A signed checkpoint; <c>signed</c> is the JWS, base64.</summary>
#pragma warning disable CA1720 // "signed" is the field's name on the wire
#pragma warning disable CA1720 // "signed" is the field's name on the wire
public sealed record CheckpointView(string Agency, long Count, string Head, DateTimeOffset Time, DateTimeOffset StoredAt, byte[] Signed);
#pragma warning restore CA1720
#pragma warning restore CA1720

/// <summary>An imported cable: its register entry, head and signature line, numbered points and editorial marks.</summary>
public sealed record ImportedCableView(Guid Id, long Position, long RegistryNumber, DateTimeOffset ReceivedAt, long SenderSerial, string Signer,
    string SignedOn, IReadOnlyList<int> Points, IReadOnlyList<string> EditorialMarks);
