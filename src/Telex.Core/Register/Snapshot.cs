using System.Text.Json.Serialization;

namespace Telex.Core.Register;

/// <summary>
/// A historical cable imported from classic cable text: marked imported, never traffic. The text is kept verbatim,
/// editorial marks included.
/// </summary>
/// <param name="Id">Id given at import.</param>
/// <param name="RegistryNumber">The registry number at the head of the cable (the receiver's, then).</param>
/// <param name="ReceivedAt">The date and time at the head, as written (kept as UTC wall-clock time).</param>
/// <param name="SenderSerial">The sender's serial from the signature line.</param>
/// <param name="Signer">Who signed (the signature line's name).</param>
/// <param name="SignedOn">The date of the signature line as written, e.g. <c>18 May</c>.</param>
/// <param name="Text">The cable's text between the head and the signature line, verbatim.</param>
/// <param name="ImportedAt">When it was imported.</param>
/// <param name="Trailer">Lines after the signature line (editorial marks such as <c>[...]</c>), verbatim; empty if none.</param>
/// <param name="Source">The file name it was imported from.</param>
/// <remarks>
/// In JSON (the register's export) <see cref="Trailer"/> stands before <see cref="ImportedAt"/> and <see cref="Source"/>,
/// so that every export keeps one field order.
/// </remarks>
public sealed record ImportedCable(
    Guid Id,
    long RegistryNumber,
    DateTimeOffset ReceivedAt,
    long SenderSerial,
    string Signer,
    string SignedOn,
    string Text,
    [property: JsonPropertyOrder(1)] DateTimeOffset ImportedAt,
    string Trailer = "",
    [property: JsonPropertyOrder(1)] string? Source = null)
{
    /// <summary>Why a cable was refused because <paramref name="holder"/>, imported before, holds its registry number.</summary>
    public static string TakenNumber(ImportedCable holder)
    {
        ArgumentNullException.ThrowIfNull(holder);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"cable Nº {holder.RegistryNumber} was imported before ({holder.ReceivedAt.UtcDateTime:d MMMM yyyy HH:mm}, No. {holder.SenderSerial} - {holder.Signer}): an imported registry number belongs to one cable, nothing was imported");
    }

    /// <summary>Longest subject taken from a cable's first line.</summary>
    private const int MaxSubject = 120;

    /// <summary>
    /// The cable as a register entry beside the agency's traffic, so that it is listed, searched and opened like any other:
    /// inbound, registered, under its own registry number and sender's serial, at its own date, from its signer (no DID:
    /// <see cref="TelegramRecord.Counterpart"/> is empty), routine, its subject the first line of its text, its content
    /// hash that of the chain entry that filed it, and <see cref="TelegramRecord.Imported"/> set. Its registry number is
    /// the historical one and lives in a numbering space of its own: the agency's counter never takes or skips it.
    /// </summary>
    public TelegramRecord AsRegisterEntry()
    {
        string first = Text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
        string subject = first.Length <= MaxSubject ? first : first[..(MaxSubject - 1)].TrimEnd() + "…";
        return new TelegramRecord
        {
            Id = Id,
            Direction = Direction.Inbound,
            Counterpart = "",
            Serial = SenderSerial,
            RegistryNumber = RegistryNumber,
            Status = TelegramStatus.Registered,
            CreatedAt = ReceivedAt,
            ReleasedAt = ReceivedAt,
            RegisteredAt = ReceivedAt,
            Subject = subject,
            Body = Trailer.Length == 0 ? Text : Text + "\n\n" + Trailer,
            Precedence = Precedence.Routine,
            SenderName = Signer,
            ContentHash = CanonicalWriter.Sha256Hex(RegisterChain.CableContent(this)),
            Plaintext = [],
            SignedOriginal = [],
            Imported = this,
        };
    }
}

/// <summary>A signed checkpoint: an agency's statement of its chain's head at a count, at a time.</summary>
/// <param name="AgencyDid">The agency that signed it (its own DID, or a counterpart's).</param>
/// <param name="Count">Entries covered.</param>
/// <param name="Head">Hash of the entry at <see cref="Count"/> (<see cref="RegisterChain.Genesis"/> for none).</param>
/// <param name="Time">When it was signed.</param>
/// <param name="SignedMessage">The signed DIDComm message (JWS) carrying count, head and time.</param>
/// <param name="StoredAt">When this agency stored it.</param>
public sealed record Checkpoint(
    string AgencyDid,
    long Count,
    string Head,
    DateTimeOffset Time,
    byte[] SignedMessage,
    DateTimeOffset StoredAt);

/// <summary>Count and head hash of the chain.</summary>
/// <param name="Count">Entries.</param>
/// <param name="Head">Hash of the last entry, <see cref="RegisterChain.Genesis"/> when empty.</param>
public sealed record RegisterHead(long Count, string Head);

/// <summary>
/// The whole register as one consistent read: what verification recomputes and what export writes and import reads.
/// </summary>
public sealed record RegisterSnapshot
{
    /// <summary>
    /// The agency whose chain this is when it was imported from another agency's export; null when it is this
    /// agency's own.
    /// </summary>
    public string? OriginDid { get; init; }

    /// <summary>Chain entries in position order.</summary>
    public required IReadOnlyList<RegisterEntry> Entries { get; init; }

    /// <summary>Every telegram row.</summary>
    public required IReadOnlyList<TelegramRecord> Telegrams { get; init; }

    /// <summary>Every imported cable.</summary>
    public required IReadOnlyList<ImportedCable> Cables { get; init; }

    /// <summary>Checkpoints, this agency's and its counterparts'.</summary>
    public required IReadOnlyList<Checkpoint> Checkpoints { get; init; }

    /// <summary>Every issue as it stands (its current status is that of its greatest event). Default none.</summary>
    public IReadOnlyList<Issue> Issues { get; init; } = [];

    /// <summary>Every issue event, in the order they were filed. Default none.</summary>
    public IReadOnlyList<IssueEvent> IssueEvents { get; init; } = [];

    /// <summary>Every draft as it stands (not entered in the chain: its steps are). Default none.</summary>
    public IReadOnlyList<DraftRecord> Drafts { get; init; } = [];

    /// <summary>Every row of the clearance log, in log order. Default none.</summary>
    public IReadOnlyList<ClearanceLogRow> ClearanceLog { get; init; } = [];

    /// <summary>Every bureau as it stands here, with its members (its history is in the chain's bureau entries). Default none.</summary>
    public IReadOnlyList<Bureau> Bureaus { get; init; } = [];

    /// <summary>Every bureau epoch held here. Default none.</summary>
    public IReadOnlyList<BureauEpoch> BureauEpochs { get; init; } = [];
}

/// <summary>A row of the clearance log as the register keeps it.</summary>
/// <param name="Seq">Its place in the clearance log (from 1, kept by an import), which names its chain entry.</param>
/// <param name="Step">The step: draft, time, officer, action, detail.</param>
public sealed record ClearanceLogRow(long Seq, ClearanceLogEntry Step);
