namespace Telex.Core.Register;

/// <summary>
/// Every checkpoint's signature must verify and say what is stored; one this agency signed (under any DID its key
/// rotations link, or the register's origin's) must match the chain's head at its count.
/// </summary>
internal static class CheckpointChecks
{
    /// <summary>Checks <paramref name="register"/>'s checkpoints; <paramref name="open"/> verifies one and returns its statement, or null.</summary>
    public static void Check(RegisterSnapshot register, string ownDid, Func<byte[], CheckpointStatement?> open, ChainWalk walk, VerifyFindings findings)
    {
        long count = register.Entries.Count;
        foreach (var cp in register.Checkpoints)
        {
            var statement = open(cp.SignedMessage);
            string at = string.Create(CultureInfo.InvariantCulture, $"checkpoint of {cp.Time:u} over {cp.Count} entries");
            long? position = cp.Count > 0 ? Math.Min(cp.Count, Math.Max(count, 1)) : null;
            if (statement is null || !string.Equals(statement.Signer, cp.AgencyDid, StringComparison.Ordinal))
            {
                findings.Add(new VerifyProblem(position, null, null, null, "checkpoint", $"{at}: its signature does not verify (forged or altered)"));
                continue;
            }

            if (statement.Count != cp.Count || !string.Equals(statement.Head, cp.Head, StringComparison.Ordinal)
                || statement.Time.ToUnixTimeMilliseconds() != cp.Time.ToUnixTimeMilliseconds())
            {
                findings.Add(new VerifyProblem(position, null, null, null, "checkpoint", $"{at}: the stored fields differ from what was signed"));
                continue;
            }

            bool ours = walk.Agencies.Same(cp.AgencyDid, ownDid) || (register.OriginDid is { } origin && walk.Agencies.Same(cp.AgencyDid, origin));
            if (!ours)
            {
                continue;
            }

            if (cp.Count > count)
            {
                findings.Add(new VerifyProblem(count + 1, null, null, null, "deleted",
                    $"{at}: the chain now holds only {count} entries"));
            }
            else if (!string.Equals(walk.HashAt[(int)cp.Count], cp.Head, StringComparison.Ordinal))
            {
                findings.Add(new VerifyProblem(position, null, null, null, "changed",
                    $"{at}: the chain's head at that count differs from the signed one (entries up to {cp.Count} were rewritten)"));
            }
        }
    }
}
