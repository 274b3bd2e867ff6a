using System.Globalization;

namespace Telex.Core.Register;

/// <summary>One thing found wrong in the register.</summary>
/// <param name="Position">The chain entry concerned, or null for a row no entry records.</param>
/// <param name="Reference">The entry's or row's reference.</param>
/// <param name="RegistryNumber">The registry number of the telegram or cable concerned, when known.</param>
/// <param name="TelegramId">The telegram concerned, when known.</param>
/// <param name="Problem">What kind of change: <c>changed</c>, <c>deleted</c>, <c>inserted</c>, <c>reordered</c>, <c>checkpoint</c>.</param>
/// <param name="Detail">A sentence saying what was found.</param>
public sealed record VerifyProblem(long? Position, string? Reference, long? RegistryNumber, Guid? TelegramId, string Problem, string Detail)
{
    /// <summary>One line naming the entry and the problem.</summary>
    public override string ToString()
    {
        var inv = CultureInfo.InvariantCulture;
        var parts = new List<string>();
        if (Position is { } p)
        {
            parts.Add(string.Create(inv, $"entry {p}"));
        }

        if (RegistryNumber is { } n and > 0)
        {
            parts.Add(string.Create(inv, $"Nº {n}"));
        }

        if (TelegramId is { } id)
        {
            parts.Add("telegram " + id);
        }
        else if (Reference is not null)
        {
            parts.Add(Reference);
        }

        return $"{string.Join(", ", parts)}: {Problem}: {Detail}";
    }
}

/// <summary>The outcome of verifying the register.</summary>
public sealed record VerifyReport
{
    /// <summary>True when nothing was found wrong.</summary>
    public bool Ok => Problems.Count == 0;

    /// <summary>Chain entries checked.</summary>
    public long Entries { get; init; }

    /// <summary>Telegram rows checked.</summary>
    public long Telegrams { get; init; }

    /// <summary>Imported cables checked.</summary>
    public long Cables { get; init; }

    /// <summary>Checkpoints whose signatures were checked.</summary>
    public long Checkpoints { get; init; }

    /// <summary>Issue events checked.</summary>
    public long IssueEvents { get; init; }

    /// <summary>Clearance log rows checked.</summary>
    public long ClearanceSteps { get; init; }

    /// <summary>Officer administration entries checked.</summary>
    public long OfficerEvents { get; init; }

    /// <summary>Hash of the last entry.</summary>
    public string Head { get; init; } = RegisterChain.Genesis;

    /// <summary>Everything found, earliest entry first (rows no entry records last).</summary>
    public IReadOnlyList<VerifyProblem> Problems { get; init; } = [];

    /// <summary>The first problem, or null.</summary>
    public VerifyProblem? First => Problems.Count > 0 ? Problems[0] : null;
}

/// <summary>What a checkpoint's signed message says, once its signature is verified.</summary>
/// <param name="Signer">The DID that signed it.</param>
/// <param name="Count">Entries covered.</param>
/// <param name="Head">Head hash at that count.</param>
/// <param name="Time">Signing time.</param>
public sealed record CheckpointStatement(string Signer, long Count, string Head, DateTimeOffset Time);

/// <summary>
/// Recomputes the chain and checks every entry against the row it records, the rows' current state against the
/// state changes the chain records, and every checkpoint's signature and head.
/// </summary>
public static class RegisterVerifier
{
    /// <summary>
    /// Verifies <paramref name="register"/>. <paramref name="ownDid"/> is this agency: checkpoints it signed (or the
    /// register's origin signed) must match the chain; <paramref name="open"/> verifies a checkpoint's signature and
    /// returns its statement, or null when it does not verify.
    /// </summary>
    public static VerifyReport Verify(RegisterSnapshot register, string ownDid, Func<byte[], CheckpointStatement?> open) =>
        Verify(register, ownDid, open, signatures: null);

    /// <summary>
    /// Verifies <paramref name="register"/> as the overload without <paramref name="signatures"/> does and, given them,
    /// also every telegram's signature (outbound ones by this agency under the DID it held then, inbound ones by the
    /// counterpart under any DID its key rotations link) and every key rotation's <c>from_prior</c>. DIDs that key
    /// rotations in the chain link count as one agency, so checkpoints this agency signed before a rotation are its own.
    /// </summary>
    public static VerifyReport Verify(RegisterSnapshot register, string ownDid, Func<byte[], CheckpointStatement?> open, SignatureChecks? signatures)
    {
        ArgumentNullException.ThrowIfNull(register);
        ArgumentNullException.ThrowIfNull(open);
        var problems = new List<VerifyProblem>();
        var tail = new List<VerifyProblem>();
        var telegrams = new Dictionary<string, TelegramRecord>(StringComparer.Ordinal);
        foreach (var t in register.Telegrams)
        {
            if (!telegrams.TryAdd(RegisterChain.TelegramReference(t.Id, t.Direction), t))
            {
                tail.Add(new VerifyProblem(null, RegisterChain.TelegramReference(t.Id, t.Direction), null, t.Id, "inserted", "a second row for the same telegram"));
            }
        }

        var cables = new Dictionary<string, ImportedCable>(StringComparer.Ordinal);
        foreach (var c in register.Cables)
        {
            if (!cables.TryAdd(RegisterChain.CableReference(c.Id), c))
            {
                tail.Add(new VerifyProblem(null, RegisterChain.CableReference(c.Id), c.RegistryNumber, null, "inserted", "a second row for the same imported cable"));
            }
        }

        var issues = new Dictionary<string, Issue>(StringComparer.Ordinal);
        foreach (var i in register.Issues)
        {
            if (!issues.TryAdd(i.Id, i))
            {
                tail.Add(new VerifyProblem(null, RegisterChain.IssueReference(i.Id), null, null, "inserted", "a second row for the same issue"));
            }
        }

        var events = new Dictionary<string, IssueEvent>(StringComparer.Ordinal);
        foreach (var ev in register.IssueEvents)
        {
            if (!events.TryAdd(RegisterChain.IssueEventReference(ev), ev))
            {
                tail.Add(new VerifyProblem(null, RegisterChain.IssueEventReference(ev), null, null, "inserted", "a second row for the same issue event"));
            }
        }

        var steps = new Dictionary<string, ClearanceLogRow>(StringComparer.Ordinal);
        foreach (var row in register.ClearanceLog)
        {
            if (!steps.TryAdd(RegisterChain.ClearanceReference(row), row))
            {
                tail.Add(new VerifyProblem(null, RegisterChain.ClearanceReference(row), null, null, "inserted", "a second row for the same clearance step"));
            }
        }

        var recordedAt = new Dictionary<string, long>(StringComparer.Ordinal);
        long officerEvents = 0;

        // DIDs linked by the key rotations the chain records: each set is one agency.
        var agencies = new DidSets();

        // The last entry recording an event of each issue: where a problem with the issue's row is reported.
        var lastOfIssue = new Dictionary<string, long>(StringComparer.Ordinal);
        var states = new Dictionary<string, State>(StringComparer.Ordinal);
        var hashAt = new List<string> { RegisterChain.Genesis };
        string prev = RegisterChain.Genesis;
        long expected = 1;

        void Add(RegisterEntry? e, string reference, string problem, string detail)
        {
            var t = telegrams.GetValueOrDefault(reference);
            long? number = t is not null ? (t.Direction == Direction.Inbound ? t.RegistryNumber : null)
                : cables.GetValueOrDefault(reference)?.RegistryNumber;
            Guid? id = t?.Id ?? (Guid.TryParse(reference.Split('/')[0], out var g) ? g : null);
            problems.Add(new VerifyProblem(e?.Position ?? (recordedAt.TryGetValue(reference, out long p) ? p : null), reference, number, id, problem, detail));
        }

        foreach (var e in register.Entries)
        {
            if (e.Position != expected)
            {
                Add(e, e.Reference, e.Position < expected ? "reordered" : "deleted",
                    string.Create(CultureInfo.InvariantCulture, $"found at position {e.Position} where entry {expected} was expected"));
            }

            if (!string.Equals(e.PrevHash, prev, StringComparison.Ordinal))
            {
                Add(e, e.Reference, "reordered", string.Create(CultureInfo.InvariantCulture,
                    $"does not follow the entry before it (an entry was inserted, deleted or moved before position {e.Position})"));
            }

            if (!string.Equals(RegisterChain.HashOf(e.Position, e.Kind, e.Reference, e.Time, e.ContentHash, e.PrevHash), e.Hash, StringComparison.Ordinal))
            {
                Add(e, e.Reference, "changed", "the entry's hash does not match what it records");
            }

            if (e.Content is not null && !string.Equals(CanonicalWriter.Sha256Hex(e.Content), e.ContentHash, StringComparison.Ordinal))
            {
                Add(e, e.Reference, "changed", "the content kept in the entry was altered");
            }

            CheckRow(e);
            prev = e.Hash;
            hashAt.Add(e.Hash);
            expected++;
        }

        void CheckRow(RegisterEntry e)
        {
            switch (e.Kind)
            {
                case RegisterKinds.TelegramIn or RegisterKinds.TelegramOut:
                    if (!FirstRecord(e))
                    {
                        return;
                    }

                    if (!telegrams.TryGetValue(e.Reference, out var t))
                    {
                        Add(e, e.Reference, "deleted", "the telegram this entry records is no longer in the register");
                    }
                    else if (!string.Equals(CanonicalWriter.Sha256Hex(RegisterChain.TelegramContent(t)), e.ContentHash, StringComparison.Ordinal))
                    {
                        Add(e, e.Reference, "changed", "the telegram no longer matches what the entry recorded");
                    }

                    break;
                case RegisterKinds.CableImported:
                    if (!FirstRecord(e))
                    {
                        return;
                    }

                    if (!cables.TryGetValue(e.Reference, out var c))
                    {
                        Add(e, e.Reference, "deleted", "the imported cable this entry records is no longer in the register");
                    }
                    else if (!string.Equals(CanonicalWriter.Sha256Hex(RegisterChain.CableContent(c)), e.ContentHash, StringComparison.Ordinal))
                    {
                        Add(e, e.Reference, "changed", "the imported cable no longer matches what the entry recorded");
                    }

                    break;
                case RegisterKinds.IssueStatus:
                    if (e.Reference.Split('/') is [_, { } issueId, _])
                    {
                        lastOfIssue[issueId] = e.Position;
                    }

                    if (!FirstRecord(e))
                    {
                        return;
                    }

                    if (!events.TryGetValue(e.Reference, out var ev))
                    {
                        Add(e, e.Reference, "deleted", "the issue event this entry records is no longer in the register");
                    }
                    else if (!issues.TryGetValue(ev.IssueId, out var issue))
                    {
                        Add(e, e.Reference, "deleted", $"the issue {ev.IssueId} this event belongs to is no longer in the register");
                    }
                    else if (!string.Equals(CanonicalWriter.Sha256Hex(RegisterChain.IssueEventContent(ev, issue.Counterpart)), e.ContentHash,
                        StringComparison.Ordinal))
                    {
                        Add(e, e.Reference, "changed", "the issue event no longer matches what the entry recorded");
                    }

                    break;
                case RegisterKinds.Clearance:
                    if (!FirstRecord(e))
                    {
                        return;
                    }

                    if (!steps.TryGetValue(e.Reference, out var step))
                    {
                        Add(e, e.Reference, "deleted", "the clearance step this entry records is no longer in the register");
                    }
                    else if (!string.Equals(CanonicalWriter.Sha256Hex(RegisterChain.ClearanceContent(step)), e.ContentHash, StringComparison.Ordinal))
                    {
                        Add(e, e.Reference, "changed", "the clearance step no longer matches what the entry recorded");
                    }

                    break;
                case RegisterKinds.Delivery or RegisterKinds.Failure or RegisterKinds.Read or RegisterKinds.Receipt:
                    var content = e.Content is null ? null : CanonicalReader.TryParse(e.Content);
                    string telegramRef = e.Reference;
                    if (content is null || content.Kind != e.Kind || !recordedAt.ContainsKey(telegramRef))
                    {
                        Add(e, e.Reference, "changed", "a state change that names no telegram recorded before it");
                        return;
                    }

                    var state = states.GetValueOrDefault(telegramRef) ?? new State();
                    states[telegramRef] = e.Kind switch
                    {
                        RegisterKinds.Delivery => state with
                        {
                            Receipt = content.Get("receipt"),
                            PeerRegistryNumber = content.GetLong("peer_registry_number"),
                            DeliveredAt = content.GetTime("delivered_at"),
                            FailureReason = null,
                            Failed = false,
                        },
                        RegisterKinds.Failure => state with { FailureReason = content.Get("reason"), Failed = true },
                        RegisterKinds.Receipt => state with { IssuedReceipt = content.Get("receipt") },
                        _ => state with { ReadAt = content.GetTime("read_at") },
                    };
                    break;
                case RegisterKinds.Bureau:
                    // The content is kept in the entry (checked against its hash above); it must be a bureau's and name the bureau of its reference.
                    var bureauContent = e.Content is null ? null : CanonicalReader.TryParse(e.Content);
                    if (bureauContent is null || bureauContent.Kind != RegisterKinds.Bureau
                        || !e.Reference.StartsWith("bureau/" + bureauContent.Get("bureau") + "/", StringComparison.Ordinal))
                    {
                        Add(e, e.Reference, "changed", "a bureau entry whose content does not record its bureau");
                    }

                    break;
                case RegisterKinds.KeyRotation:
                    if (!FirstRecord(e))
                    {
                        return;
                    }

                    var rotation = e.Content is null ? null : CanonicalReader.TryParse(e.Content);
                    if (rotation is null || rotation.Kind != e.Kind || rotation.Get("old_did") is not { } oldDid || rotation.Get("new_did") is not { } newDid
                        || rotation.Get("from_prior") is not { } fromPrior || e.Reference != RegisterChain.KeyRotationReference(oldDid))
                    {
                        Add(e, e.Reference, "changed", "a key rotation entry that does not name its old and new DIDs");
                        return;
                    }

                    if (signatures is not null && (signatures.OpenFromPrior(fromPrior) is not { } claims
                        || claims.Issuer != oldDid || claims.Subject != newDid))
                    {
                        Add(e, e.Reference, "signature", "the rotation's from_prior is not signed by the old DID's key for the new DID");
                        return;
                    }

                    agencies.Link(oldDid, newDid);
                    break;
                case RegisterKinds.Officer:
                    // The content is kept in the entry (checked against its hash above); it must be an officer event naming the officer of its reference.
                    if (RegisterChain.ReadOfficerEvent(e) is null)
                    {
                        Add(e, e.Reference, "changed", "an officer entry whose content does not record an act on its officer");
                    }
                    else
                    {
                        officerEvents++;
                    }

                    break;
                default:
                    Add(e, e.Reference, "changed", $"unknown entry kind '{e.Kind}'");
                    break;
            }
        }

        bool FirstRecord(RegisterEntry e)
        {
            if (recordedAt.TryAdd(e.Reference, e.Position))
            {
                return true;
            }

            Add(e, e.Reference, "inserted", "a second entry for something the register already records");
            return false;
        }

        foreach (var (reference, t) in telegrams)
        {
            if (!recordedAt.ContainsKey(reference))
            {
                tail.Add(new VerifyProblem(null, reference, t.Direction == Direction.Inbound ? t.RegistryNumber : null, t.Id, "inserted",
                    "a telegram no entry of the chain records"));
                continue;
            }

            var s = states.GetValueOrDefault(reference) ?? new State();
            string? mismatch = StateMismatch(t, s);
            if (mismatch is not null)
            {
                Add(null, reference, "changed", mismatch);
            }
        }

        foreach (var (reference, c) in cables)
        {
            if (!recordedAt.ContainsKey(reference))
            {
                tail.Add(new VerifyProblem(null, reference, c.RegistryNumber, null, "inserted", "an imported cable no entry of the chain records"));
            }
        }

        foreach (var (reference, _) in events)
        {
            if (!recordedAt.ContainsKey(reference))
            {
                tail.Add(new VerifyProblem(null, reference, null, null, "inserted", "an issue event no entry of the chain records"));
            }
        }

        foreach (var (reference, _) in steps)
        {
            if (!recordedAt.ContainsKey(reference))
            {
                tail.Add(new VerifyProblem(null, reference, null, null, "inserted", "a clearance step no entry of the chain records"));
            }
        }

        var eventsOf = register.IssueEvents.ToLookup(ev => ev.IssueId, StringComparer.Ordinal);
        foreach (var (id, issue) in issues)
        {
            string reference = RegisterChain.IssueReference(id);
            var own = eventsOf[id].ToList();
            if (own.Count == 0)
            {
                tail.Add(new VerifyProblem(null, reference, null, null, "inserted", "an issue with no event the chain records"));
                continue;
            }

            string? mismatch = IssueMismatch(issue, own);
            if (mismatch is not null)
            {
                problems.Add(new VerifyProblem(lastOfIssue.TryGetValue(id, out long p) ? p : null, reference, null, null, "changed", mismatch));
            }
        }

        if (signatures is not null)
        {
            CheckSignatures(register, ownDid, signatures, agencies, telegrams, recordedAt, problems);
        }

        long count = register.Entries.Count;
        foreach (var cp in register.Checkpoints)
        {
            var statement = open(cp.SignedMessage);
            string at = string.Create(CultureInfo.InvariantCulture, $"checkpoint of {cp.Time:u} over {cp.Count} entries");
            long? position = cp.Count > 0 ? Math.Min(cp.Count, Math.Max(count, 1)) : null;
            if (statement is null || !string.Equals(statement.Signer, cp.AgencyDid, StringComparison.Ordinal))
            {
                problems.Add(new VerifyProblem(position, null, null, null, "checkpoint", $"{at}: its signature does not verify (forged or altered)"));
                continue;
            }

            if (statement.Count != cp.Count || !string.Equals(statement.Head, cp.Head, StringComparison.Ordinal)
                || statement.Time.ToUnixTimeMilliseconds() != cp.Time.ToUnixTimeMilliseconds())
            {
                problems.Add(new VerifyProblem(position, null, null, null, "checkpoint", $"{at}: the stored fields differ from what was signed"));
                continue;
            }

            bool ours = agencies.Same(cp.AgencyDid, ownDid) || (register.OriginDid is { } origin && agencies.Same(cp.AgencyDid, origin));
            if (!ours)
            {
                continue;
            }

            if (cp.Count > count)
            {
                problems.Add(new VerifyProblem(count + 1, null, null, null, "deleted",
                    $"{at}: the chain now holds only {count} entries"));
            }
            else if (!string.Equals(hashAt[(int)cp.Count], cp.Head, StringComparison.Ordinal))
            {
                problems.Add(new VerifyProblem(position, null, null, null, "changed",
                    $"{at}: the chain's head at that count differs from the signed one (entries up to {cp.Count} were rewritten)"));
            }
        }

        var ordered = problems.OrderBy(p => p.Position ?? long.MaxValue).Concat(tail).ToList();
        return new VerifyReport
        {
            Entries = count,
            Telegrams = register.Telegrams.Count,
            Cables = register.Cables.Count,
            Checkpoints = register.Checkpoints.Count,
            IssueEvents = register.IssueEvents.Count,
            ClearanceSteps = register.ClearanceLog.Count,
            OfficerEvents = officerEvents,
            Head = hashAt[^1],
            Problems = ordered,
        };
    }

    /// <summary>
    /// Whether an issue's row is what its events imply: opened as its opening event says, and standing where its
    /// greatest event (<see cref="IssueEvent.Order"/>, the rule the store applies) puts it. Returns what differs, or null.
    /// </summary>
    private static string? IssueMismatch(Issue issue, List<IssueEvent> events)
    {
        var greatest = events.Max(IssueEvent.Order)!;
        var openings = events.Where(e => e.IsOpening).ToList();
        if (openings.Count != 1)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the issue has {openings.Count} opening events");
        }

        var opening = openings[0];
        if (issue.Title != opening.Title || issue.OpenedBy != opening.Agency || issue.OpenedAt.ToUnixTimeMilliseconds() != opening.At.ToUnixTimeMilliseconds())
        {
            return "its title, opener or opening time differs from its opening event";
        }

        if (issue.Status != greatest.Status)
        {
            return $"its status {Lower(issue.Status)} is not what its events imply ({Lower(greatest.Status)})";
        }

        if (issue.Outcome != greatest.Outcome || issue.ReferredTo != greatest.ReferredTo || issue.Term != greatest.Term)
        {
            return "its outcome or the agency it is referred to is not what its events imply";
        }

        return issue.Clock != greatest.Clock || issue.ChangedAt.ToUnixTimeMilliseconds() != greatest.At.ToUnixTimeMilliseconds()
            ? "its clock or time of change is not that of its latest event"
            : null;
    }

    private static string Lower(IssueStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>
    /// Every telegram must be signed by its agency: outbound ones by one of this agency's DIDs (or the exporting
    /// agency's, for an imported register), inbound ones by a DID of the counterpart's set. Checked in parallel.
    /// </summary>
    private static void CheckSignatures(RegisterSnapshot register, string ownDid, SignatureChecks signatures, DidSets agencies,
        Dictionary<string, TelegramRecord> telegrams, Dictionary<string, long> recordedAt, List<VerifyProblem> problems)
    {
        var list = telegrams.ToList();
        var signers = new string?[list.Count];
        Parallel.For(0, list.Count, i => signers[i] = signatures.SignerOf(list[i].Value.SignedOriginal));
        for (int i = 0; i < list.Count; i++)
        {
            var (reference, t) = list[i];
            string? signer = signers[i];
            bool ok = signer is not null && (t.Direction == Direction.Outbound
                ? agencies.Same(signer, ownDid) || (register.OriginDid is { } origin && agencies.Same(signer, origin))
                : agencies.Same(signer, t.Counterpart));
            if (!ok)
            {
                problems.Add(new VerifyProblem(recordedAt.TryGetValue(reference, out long p) ? p : null, reference,
                    t.Direction == Direction.Inbound ? t.RegistryNumber : null, t.Id, "signature",
                    signer is null ? "the signed original's signature does not verify" : $"signed by {signer}, not by the agency it is filed under"));
            }
        }
    }

    private static string? StateMismatch(TelegramRecord t, State s)
    {
        if (t.Direction == Direction.Inbound)
        {
            if (t.Status != TelegramStatus.Registered)
            {
                return $"status {t.Status} on an inbound telegram";
            }

            if (t.ReadAt?.ToUnixTimeMilliseconds() != s.ReadAt?.ToUnixTimeMilliseconds())
            {
                return "its read time differs from the one recorded";
            }

            if ((t.Receipt is null ? null : CanonicalWriter.Sha256Hex(t.Receipt)) != s.IssuedReceipt)
            {
                return "its receipt differs from the one recorded as issued";
            }

            return t.DeliveredAt is not null || t.PeerRegistryNumber is not null || t.FailureReason is not null
                ? "delivery fields set on an inbound telegram"
                : null;
        }

        bool delivered = s.DeliveredAt is not null && !s.Failed;
        var expectedStatus = delivered ? TelegramStatus.Delivered : s.Failed ? TelegramStatus.Failed : (TelegramStatus?)null;
        if (expectedStatus is { } status ? t.Status != status : t.Status is not (TelegramStatus.Queued or TelegramStatus.Sent))
        {
            return $"its status {t.Status.ToString().ToLowerInvariant()} is not what the register recorded";
        }

        if ((t.Receipt is null ? null : CanonicalWriter.Sha256Hex(t.Receipt)) != (delivered ? s.Receipt : null) && (delivered || t.Receipt is not null))
        {
            return "its receipt differs from the one recorded";
        }

        if (t.PeerRegistryNumber != (delivered ? s.PeerRegistryNumber : null) && (delivered || t.PeerRegistryNumber is not null))
        {
            return "its recipient's registry number differs from the one recorded";
        }

        if (delivered && t.DeliveredAt?.ToUnixTimeMilliseconds() != s.DeliveredAt?.ToUnixTimeMilliseconds())
        {
            return "its delivery time differs from the one recorded";
        }

        if (t.FailureReason != s.FailureReason)
        {
            return "its failure reason differs from the one recorded";
        }

        return t.ReadAt is not null ? "a read time on an outbound telegram" : null;
    }

    private sealed record State
    {
        public string? Receipt { get; init; }

        public string? IssuedReceipt { get; init; }

        public long? PeerRegistryNumber { get; init; }

        public DateTimeOffset? DeliveredAt { get; init; }

        public string? FailureReason { get; init; }

        public bool Failed { get; init; }

        public DateTimeOffset? ReadAt { get; init; }
    }
}

/// <summary>Signature checks for <see cref="RegisterVerifier"/>; DIDs resolve forever (did:peer:2 carries its keys).</summary>
/// <param name="SignerOf">The DID whose key signed a signed message (JWS), or null when its signature does not verify.</param>
/// <param name="OpenFromPrior">The issuer and subject of a <c>from_prior</c> JWT whose signature verifies against the issuer's key, or null.</param>
public sealed record SignatureChecks(Func<byte[], string?> SignerOf, Func<string, FromPriorClaims?> OpenFromPrior);

/// <summary>The verified claims of a <c>from_prior</c>.</summary>
/// <param name="Issuer">The prior DID that signed it.</param>
/// <param name="Subject">The DID it names as the new one.</param>
public sealed record FromPriorClaims(string Issuer, string Subject);

/// <summary>Disjoint sets of DIDs (union-find): the DIDs one agency has held, linked by its key rotations.</summary>
internal sealed class DidSets
{
    private readonly Dictionary<string, string> _parent = new(StringComparer.Ordinal);

    public void Link(string a, string b)
    {
        string ra = Find(a), rb = Find(b);
        if (!string.Equals(ra, rb, StringComparison.Ordinal))
        {
            _parent[ra] = rb;
        }
    }

    public bool Same(string a, string b) => string.Equals(Find(a), Find(b), StringComparison.Ordinal);

    public string Find(string did)
    {
        while (_parent.TryGetValue(did, out string? up))
        {
            did = up;
        }

        return did;
    }
}
