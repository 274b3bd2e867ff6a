namespace Telex.Core.Register;

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
        var rows = new RegisterRows(register);
        var findings = new VerifyFindings(rows);
        var walk = ChainWalk.Run(register.Entries, rows, findings, signatures);
        RowChecks.Check(rows, register.IssueEvents, walk, findings);
        if (signatures is not null)
        {
            TelegramSignatureChecks.Check(register, ownDid, signatures, walk.Agencies, rows, findings);
        }

        CheckpointChecks.Check(register, ownDid, open, walk, findings);
        return new VerifyReport
        {
            Entries = register.Entries.Count,
            Telegrams = register.Telegrams.Count,
            Cables = register.Cables.Count,
            Checkpoints = register.Checkpoints.Count,
            IssueEvents = register.IssueEvents.Count,
            ClearanceSteps = register.ClearanceLog.Count,
            OfficerEvents = walk.OfficerEvents,
            Head = walk.HashAt[^1],
            Problems = findings.Ordered(),
        };
    }
}
