namespace Telex.Core.Register;

/// <summary>The signatures of a register's telegrams, checked against the agencies the chain's key rotations link.</summary>
internal static class TelegramSignatureChecks
{
    /// <summary>
    /// Every telegram must be signed by its agency: outbound ones by one of this agency's DIDs (or the exporting
    /// agency's, for an imported register), inbound ones by a DID of the counterpart's set. Checked in parallel.
    /// </summary>
    public static void Check(RegisterSnapshot register, string ownDid, SignatureChecks signatures, DidSets agencies, RegisterRows rows,
        VerifyFindings findings)
    {
        var list = rows.Telegrams.ToList();
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
                findings.Add(new VerifyProblem(findings.PositionOf(reference), reference,
                    t.Direction == Direction.Inbound ? t.RegistryNumber : null, t.Id, "signature",
                    signer is null ? "the signed original's signature does not verify" : $"signed by {signer}, not by the agency it is filed under"));
            }
        }
    }
}
