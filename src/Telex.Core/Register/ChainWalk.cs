namespace Telex.Core.Register;

/// <summary>
/// Walks the chain in order: recomputes each entry's hash and link to the one before it, checks the row each entry
/// records against the content hash it recorded, and gathers what later checks compare against — the state changes
/// recorded for each telegram, the key rotations linking an agency's DIDs, and the head hash at every count.
/// </summary>
internal sealed class ChainWalk
{
    private readonly RegisterRows _rows;
    private readonly VerifyFindings _findings;
    private readonly SignatureChecks? _signatures;

    private ChainWalk(RegisterRows rows, VerifyFindings findings, SignatureChecks? signatures)
    {
        _rows = rows;
        _findings = findings;
        _signatures = signatures;
    }

    /// <summary>DIDs linked by the key rotations the chain records: each set is one agency.</summary>
    public DidSets Agencies { get; } = new();

    /// <summary>The last entry recording an event of each issue: where a problem with the issue's row is reported.</summary>
    public Dictionary<string, long> LastOfIssue { get; } = new(StringComparer.Ordinal);

    /// <summary>Each telegram's state as the state changes the chain records leave it.</summary>
    public Dictionary<string, TelegramState> States { get; } = new(StringComparer.Ordinal);

    /// <summary>The head hash after each count of entries (<see cref="RegisterChain.Genesis"/> at 0).</summary>
    public List<string> HashAt { get; } = [RegisterChain.Genesis];

    /// <summary>Officer entries whose content records an act on their officer.</summary>
    public long OfficerEvents { get; private set; }

    /// <summary>Walks <paramref name="entries"/>; problems go to <paramref name="findings"/>.</summary>
    public static ChainWalk Run(IReadOnlyList<RegisterEntry> entries, RegisterRows rows, VerifyFindings findings, SignatureChecks? signatures)
    {
        var walk = new ChainWalk(rows, findings, signatures);
        walk.Walk(entries);
        return walk;
    }

    private void Walk(IReadOnlyList<RegisterEntry> entries)
    {
        string prev = RegisterChain.Genesis;
        long expected = 1;
        foreach (var e in entries)
        {
            if (e.Position != expected)
            {
                _findings.Add(e, e.Reference, e.Position < expected ? "reordered" : "deleted",
                    string.Create(CultureInfo.InvariantCulture, $"found at position {e.Position} where entry {expected} was expected"));
            }

            if (!string.Equals(e.PrevHash, prev, StringComparison.Ordinal))
            {
                _findings.Add(e, e.Reference, "reordered", string.Create(CultureInfo.InvariantCulture,
                    $"does not follow the entry before it (an entry was inserted, deleted or moved before position {e.Position})"));
            }

            if (!string.Equals(RegisterChain.HashOf(e.Position, e.Kind, e.Reference, e.Time, e.ContentHash, e.PrevHash), e.Hash, StringComparison.Ordinal))
            {
                _findings.Add(e, e.Reference, "changed", "the entry's hash does not match what it records");
            }

            if (e.Content is not null && !string.Equals(CanonicalWriter.Sha256Hex(e.Content), e.ContentHash, StringComparison.Ordinal))
            {
                _findings.Add(e, e.Reference, "changed", "the content kept in the entry was altered");
            }

            CheckRow(e);
            prev = e.Hash;
            HashAt.Add(e.Hash);
            expected++;
        }
    }

    private void CheckRow(RegisterEntry e)
    {
        switch (e.Kind)
        {
            case RegisterKinds.TelegramIn or RegisterKinds.TelegramOut:
                CheckRecordedRow(e, _rows.Telegrams, RegisterChain.TelegramContent, "telegram");
                break;
            case RegisterKinds.CableImported:
                CheckRecordedRow(e, _rows.Cables, RegisterChain.CableContent, "imported cable");
                break;
            case RegisterKinds.IssueStatus:
                if (e.Reference.Split('/') is [_, { } issueId, _])
                {
                    LastOfIssue[issueId] = e.Position;
                }

                if (!FirstRecord(e))
                {
                    return;
                }

                if (!_rows.Events.TryGetValue(e.Reference, out var ev))
                {
                    _findings.Add(e, e.Reference, "deleted", "the issue event this entry records is no longer in the register");
                }
                else if (!_rows.Issues.TryGetValue(ev.IssueId, out var issue))
                {
                    _findings.Add(e, e.Reference, "deleted", $"the issue {ev.IssueId} this event belongs to is no longer in the register");
                }
                else if (!string.Equals(CanonicalWriter.Sha256Hex(RegisterChain.IssueEventContent(ev, issue.Counterpart)), e.ContentHash,
                    StringComparison.Ordinal))
                {
                    _findings.Add(e, e.Reference, "changed", "the issue event no longer matches what the entry recorded");
                }

                break;
            case RegisterKinds.Clearance:
                CheckRecordedRow(e, _rows.Steps, RegisterChain.ClearanceContent, "clearance step");
                break;
            case RegisterKinds.Delivery or RegisterKinds.Failure or RegisterKinds.Read or RegisterKinds.Receipt:
                var content = e.Content is null ? null : CanonicalReader.TryParse(e.Content);
                string telegramRef = e.Reference;
                if (content is null || content.Kind != e.Kind || !_findings.RecordedAt.ContainsKey(telegramRef))
                {
                    _findings.Add(e, e.Reference, "changed", "a state change that names no telegram recorded before it");
                    return;
                }

                var state = States.GetValueOrDefault(telegramRef) ?? new TelegramState();
                States[telegramRef] = e.Kind switch
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
                    _findings.Add(e, e.Reference, "changed", "a bureau entry whose content does not record its bureau");
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
                    _findings.Add(e, e.Reference, "changed", "a key rotation entry that does not name its old and new DIDs");
                    return;
                }

                if (_signatures is not null && (_signatures.OpenFromPrior(fromPrior) is not { } claims
                    || claims.Issuer != oldDid || claims.Subject != newDid))
                {
                    _findings.Add(e, e.Reference, "signature", "the rotation's from_prior is not signed by the old DID's key for the new DID");
                    return;
                }

                Agencies.Link(oldDid, newDid);
                break;
            case RegisterKinds.Officer:
                // The content is kept in the entry (checked against its hash above); it must be an officer event naming the officer of its reference.
                if (RegisterChain.ReadOfficerEvent(e) is null)
                {
                    _findings.Add(e, e.Reference, "changed", "an officer entry whose content does not record an act on its officer");
                }
                else
                {
                    OfficerEvents++;
                }

                break;
            default:
                _findings.Add(e, e.Reference, "changed", $"unknown entry kind '{e.Kind}'");
                break;
        }
    }

    /// <summary>
    /// The row the first entry for a reference records must still be in the register, its content hashing to what the
    /// entry recorded.
    /// </summary>
    private void CheckRecordedRow<T>(RegisterEntry e, Dictionary<string, T> rows, Func<T, byte[]> content, string what)
    {
        if (!FirstRecord(e))
        {
            return;
        }

        if (!rows.TryGetValue(e.Reference, out var row))
        {
            _findings.Add(e, e.Reference, "deleted", $"the {what} this entry records is no longer in the register");
        }
        else if (!string.Equals(CanonicalWriter.Sha256Hex(content(row)), e.ContentHash, StringComparison.Ordinal))
        {
            _findings.Add(e, e.Reference, "changed", $"the {what} no longer matches what the entry recorded");
        }
    }

    private bool FirstRecord(RegisterEntry e)
    {
        if (_findings.RecordedAt.TryAdd(e.Reference, e.Position))
        {
            return true;
        }

        _findings.Add(e, e.Reference, "inserted", "a second entry for something the register already records");
        return false;
    }
}

/// <summary>A telegram's state as the chain records it (receipt hashes, times, failure); nothing recorded yet by default.</summary>
internal sealed record TelegramState(string? Receipt = null, string? IssuedReceipt = null, long? PeerRegistryNumber = null, DateTimeOffset? DeliveredAt = null,
    string? FailureReason = null, bool Failed = false, DateTimeOffset? ReadAt = null);
