using Telex.Core.Keys;

namespace Telex.Core.Register;

/// <summary>
/// The register: reading it, its chain and the checkpoints that sign its head (this agency's, sent to every established
/// tie, and its counterparts'), verifying it, exporting and importing it, and importing historical cables.
/// </summary>
public sealed class RegisterService : AgencyService
{
    private readonly TieService _tieService;
    private readonly KeyService _keys;
    private readonly IRegisterStore _register;
    private readonly ITelegramStore _telegrams;
    private readonly ITieStore _ties;

    /// <summary>Creates the register of the agency <paramref name="context"/> serves.</summary>
    internal RegisterService(AgencyContext context, TieService ties, KeyService keys)
        : base(context)
    {
        _tieService = ties;
        _keys = keys;
        _register = context.Store.Register;
        _telegrams = context.Store.Telegrams;
        _ties = context.Store.Ties;
    }

    /// <summary>Lists or searches the register, newest first (see <see cref="RegisterQuery"/>).</summary>
    public Task<IReadOnlyList<TelegramRecord>> QueryAsync(RegisterQuery query, CancellationToken ct = default) => _register.QueryAsync(query, ct);

    /// <summary>How many entries a query matches, ignoring its limit and offset.</summary>
    public Task<long> CountAsync(RegisterQuery query, CancellationToken ct = default) => _register.CountAsync(query, ct);

    /// <summary>The telegram registered under <paramref name="id"/> in one direction, or null.</summary>
    public Task<TelegramRecord?> GetTelegramAsync(Guid id, Direction direction, CancellationToken ct = default) =>
        _telegrams.GetTelegramAsync(id, direction, ct);

    /// <summary>
    /// Finds a register entry by id; without a direction, the inbound entry if there is one, else the outbound. An imported
    /// cable is found by its id too (as inbound, which is how it is listed).
    /// </summary>
    public async Task<TelegramRecord?> FindAsync(Guid id, Direction? direction, CancellationToken ct = default)
    {
        var found = direction is { } d
            ? await _telegrams.GetTelegramAsync(id, d, ct).ConfigureAwait(false)
            : await _telegrams.GetTelegramAsync(id, Direction.Inbound, ct).ConfigureAwait(false)
              ?? await _telegrams.GetTelegramAsync(id, Direction.Outbound, ct).ConfigureAwait(false);
        return found ?? (direction is null or Direction.Inbound
            ? (await _register.GetImportedCableAsync(id, ct).ConfigureAwait(false))?.AsRegisterEntry()
            : null);
    }

    /// <summary>
    /// The entry filed under a registry number: the agency's own (its counter's), else an imported cable that carries
    /// that number, unless <paramref name="importedOnly"/> asks for the imported one only. The agency's own numbers come
    /// first, so an import never changes what an existing number opens. Null when none.
    /// </summary>
    public async Task<TelegramRecord?> FindByNumberAsync(long number, bool importedOnly = false, CancellationToken ct = default)
    {
        if (number <= 0)
        {
            return null;
        }

        var own = importedOnly ? null : await _register.GetByRegistryNumberAsync(number, ct).ConfigureAwait(false);
        return own ?? (await _register.GetImportedCableByNumberAsync(number, ct).ConfigureAwait(false))?.AsRegisterEntry();
    }

    /// <summary>
    /// The telegram sent to the counterpart of <paramref name="tie"/> (under any DID it has held) with serial
    /// <paramref name="serial"/>, as the counterpart numbers it; null when none.
    /// </summary>
    public async Task<TelegramRecord?> FindSentAsync(Tie tie, long serial, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(tie);
        var ids = serial > 0 ? await _telegrams.OutboundIdsBySerialAsync(tie.PeerDid, [serial], ct).ConfigureAwait(false) : [];
        return ids.Count == 0 ? null : await _telegrams.GetTelegramAsync(ids[0], Direction.Outbound, ct).ConfigureAwait(false);
    }

    /// <summary>Checkpoints signed by <paramref name="agencyDid"/> (all when null), oldest first.</summary>
    public Task<IReadOnlyList<Checkpoint>> ListCheckpointsAsync(string? agencyDid = null, CancellationToken ct = default) =>
        _register.ListCheckpointsAsync(agencyDid, ct);

    /// <summary>
    /// Signs a checkpoint of the register now (its head, count and time, with the agency's authentication key),
    /// stores it and sends it to every established tie through the outbox.
    /// </summary>
    public async Task<Checkpoint> CheckpointAsync(CancellationToken ct = default)
    {
        var head = await _register.GetRegisterHeadAsync(ct).ConfigureAwait(false);
        var now = DateTimeOffset.FromUnixTimeMilliseconds(Now.ToUnixTimeMilliseconds());
        var body = new JsonObject { ["count"] = head.Count, ["head"] = head.Head, ["time"] = now.ToUnixTimeMilliseconds() };
        var statement = new Message
        {
            Id = Guid.NewGuid().ToString(),
            Type = MessageTypes.Checkpoint,
            From = Identity.Did,
            CreatedTime = now.ToUnixTimeSeconds(),
            Body = JsonSerializer.SerializeToElement(body),
        };
        var checkpoint = new Checkpoint(AgencyDid: statement.From, head.Count, head.Head, Time: now,
            SignedMessage: Packer.PackSigned(statement, statement.From).Packed, StoredAt: now);
        await _register.AddCheckpointAsync(checkpoint, ct).ConfigureAwait(false);
        Log.CheckpointSigned(Logger, head.Count, head.Head);
        foreach (var tie in await _ties.ListTiesAsync(ct).ConfigureAwait(false))
        {
            if (tie.Status == TieStatus.Established)
            {
                await _tieService.EnqueueControlAsync(tie, MessageTypes.Checkpoint, (JsonObject)body.DeepClone(), ct).ConfigureAwait(false);
            }
        }

        Publish("register.checkpoint");
        return checkpoint;
    }

    /// <summary>The periodic checkpoint: signed only when the register grew since the last one.</summary>
    internal async Task CheckpointIfGrownAsync(CancellationToken ct)
    {
        var head = await _register.GetRegisterHeadAsync(ct).ConfigureAwait(false);
        var own = await _register.ListCheckpointsAsync(Identity.Did, ct).ConfigureAwait(false);
        if (head.Count > 0 && (own.Count == 0 || own[^1].Count < head.Count))
        {
            await CheckpointAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Verifies the register: recomputes the chain, checks every entry against the row it records and every
    /// checkpoint's signature and head. Never throws for what it finds; the report lists it, first entry first.
    /// </summary>
    public async Task<VerifyReport> VerifyRegisterAsync(CancellationToken ct = default)
    {
        var register = await _register.ReadRegisterAsync(ct).ConfigureAwait(false);
        return RegisterVerifier.Verify(register, Identity.Did, OpenCheckpoint, Signatures);
    }

    /// <summary>The signature checks the verifier runs: signed originals and rotations' from_prior, by the DIDs that signed them.</summary>
    private SignatureChecks Signatures => new(_keys.SignerOf, _keys.OpenFromPrior);

    /// <summary>Checks a stored checkpoint's signature (by the DID that signed it) and reads what it states; null if it does not verify.</summary>
    public CheckpointStatement? OpenCheckpoint(byte[] signedMessage)
    {
        ArgumentNullException.ThrowIfNull(signedMessage);
        var unpacked = Packer.Unpack(signedMessage);
        if (!unpacked.Success || unpacked.Metadata is not { NonRepudiation: true } || unpacked.Message is not { Type: MessageTypes.Checkpoint, From: { } from } message
            || unpacked.Metadata.SignFrom is { } kid && !kid.StartsWith(from + "#", StringComparison.Ordinal))
        {
            return null;
        }

        return ParseStatement(from, message.Body);
    }

    /// <summary>What a checkpoint signed by <paramref name="signer"/> states, or null when its body is not a checkpoint's.</summary>
    internal static CheckpointStatement? ParseStatement(string signer, JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object
            || !body.TryIntegerMember("count", out long n) || n < 0
            || !body.TryIntegerMember("time", out long ms)
            || body.StringMember("head") is not { Length: 64 } head || !head.All(char.IsAsciiHexDigitLower))
        {
            return null;
        }

        try
        {
            return new CheckpointStatement(signer, n, head, DateTimeOffset.FromUnixTimeMilliseconds(ms));
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    internal async Task HandleCheckpointAsync(Tie tie, Message message, UnpackMetadata meta, CancellationToken ct)
    {
        // Filed under the DID that signed it, which is the tie's DID or, within the grace period after the counterpart
        // rotated its keys, its old one: the verifier checks that the signer is the DID a checkpoint is filed under.
        string signer = message.From!;
        if (ParseStatement(signer, message.Body) is not { } statement)
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-checkpoint", "a checkpoint states a count, a 64-digit lowercase hex head and a time");
        }

        // Kept as the counterpart signed it: anyone can check it later against the counterpart's key.
        await _register.AddCheckpointAsync(new Checkpoint(AgencyDid: signer, statement.Count, statement.Head, Time: statement.Time,
            SignedMessage: meta.SignedMessage.ToArray(), StoredAt: Now), ct).ConfigureAwait(false);
        Log.CheckpointReceived(Logger, tie.PeerName, statement.Count);
        Publish("register.peer-checkpoint", tie.PeerDid);
    }

    /// <summary>Writes the whole register as JSON Lines (<see cref="RegisterExport"/>).</summary>
    public async Task ExportRegisterAsync(Stream output, CancellationToken ct = default)
    {
        var register = await _register.ReadRegisterAsync(ct).ConfigureAwait(false);
        await RegisterExport.WriteAsync(output, register, Identity.Did, Identity.Name, Now, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Imports another agency's export into this agency's empty register, after verifying it in full: a file that
    /// does not verify, or a register that is not empty, is refused and nothing is written. Returns the verification.
    /// </summary>
    public async Task<VerifyReport> ImportRegisterAsync(Stream input, CancellationToken ct = default)
    {
        var (register, _, error) = await RegisterExport.ReadAsync(input, ct).ConfigureAwait(false);
        if (register is null)
        {
            throw new TelexException(TelexErrorKind.Invalid, error!);
        }

        if ((await _register.GetRegisterHeadAsync(ct).ConfigureAwait(false)).Count > 0
            || await _register.CountAsync(new RegisterQuery(), ct).ConfigureAwait(false) > 0)
        {
            throw new TelexException(TelexErrorKind.Conflict, "the register is not empty: an export is imported only into a fresh agency");
        }

        // Verified as the exporting agency's own register: its checkpoints must match the chain.
        var report = RegisterVerifier.Verify(register, register.OriginDid ?? Identity.Did, OpenCheckpoint, Signatures);
        if (!report.Ok)
        {
            throw new TelexException(TelexErrorKind.Invalid, "the export does not verify, nothing was imported: " + report.First);
        }

        await _register.ImportRegisterAsync(register, ct).ConfigureAwait(false);
        return report;
    }

    /// <summary>
    /// Imports a historical cable in classic cable text as an entry marked imported (never traffic). A malformed file
    /// is refused with the line at fault and nothing is imported.
    /// </summary>
    public async Task<(ImportedCable Cable, RegisterEntry Entry)> ImportCableAsync(string text, string? source = null, CancellationToken ct = default)
    {
        var cable = CableText.TryParse(text, Guid.NewGuid(), Now, source, out var error)
            ?? throw new TelexException(TelexErrorKind.Invalid, (source is null ? "" : source + ": ") + error);
        var entry = await _register.ImportCableAsync(cable, ct).ConfigureAwait(false);
        return (cable, entry);
    }

    /// <summary>
    /// The register as cable text: every telegram and imported cable in the classic layout, in the order of the chain,
    /// separated by a line holding a form feed.
    /// </summary>
    public async Task<string> ExportCablesAsync(CancellationToken ct = default)
    {
        var pages = await RenderAllAsync((t, cp) => CableFormat.Render(t, Identity.Name, cp), CableText.Render, ct).ConfigureAwait(false);
        return string.Join("\f\n", pages.Select(p => p.Content));
    }

    /// <summary>A printable HTML page per telegram and imported cable, named by the entry's position, in the order of the chain.</summary>
    public Task<IReadOnlyList<(string Name, string Content)>> ExportPagesAsync(CancellationToken ct = default) =>
        RenderAllAsync((t, cp) => HtmlPage.Render(t, Identity.Name, cp), HtmlPage.Render, ct);

    private async Task<IReadOnlyList<(string Name, string Content)>> RenderAllAsync(Func<TelegramRecord, string, string> telegram,
        Func<ImportedCable, string> cable, CancellationToken ct)
    {
        var register = await _register.ReadRegisterAsync(ct).ConfigureAwait(false);
        var telegrams = register.Telegrams.ToDictionary(t => RegisterChain.TelegramReference(t.Id, t.Direction), StringComparer.Ordinal);
        var cables = register.Cables.ToDictionary(c => RegisterChain.CableReference(c.Id), StringComparer.Ordinal);
        var names = (await _ties.ListTiesAsync(ct).ConfigureAwait(false)).ToDictionary(t => t.PeerDid, t => t.PeerName, StringComparer.Ordinal);
        var pages = new List<(string, string)>();
        foreach (var e in register.Entries)
        {
            string name = e.Position.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            if (e.Kind is RegisterKinds.TelegramIn or RegisterKinds.TelegramOut && telegrams.TryGetValue(e.Reference, out var t))
            {
                string counterpart = names.GetValueOrDefault(t.Counterpart) ?? t.SenderName ?? t.Counterpart;
                pages.Add(($"{name}-{(t.Direction == Direction.Inbound ? "in" : "out")}-{t.Id}", telegram(t, counterpart)));
            }
            else if (e.Kind == RegisterKinds.CableImported && cables.TryGetValue(e.Reference, out var c))
            {
                pages.Add(($"{name}-cable-{c.RegistryNumber}", cable(c)));
            }
        }

        return pages;
    }
}
