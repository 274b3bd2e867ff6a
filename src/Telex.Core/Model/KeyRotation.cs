namespace Telex.Core.Model;

/// <summary>
/// A key rotation the register records: this agency's own, or a counterpart's announced over a tie. The old DID's
/// authentication key signed <see cref="FromPrior"/> (a compact JWT, <c>iss</c> the old DID, <c>sub</c> the new one),
/// so anyone holding the register can check that the new DID speaks for the old one.
/// </summary>
public sealed record KeyRotation
{
    /// <summary>The DID given up (its keys are kept to verify what it signed).</summary>
    public required string OldDid { get; init; }

    /// <summary>The DID that replaces it.</summary>
    public required string NewDid { get; init; }

    /// <summary>The <c>from_prior</c> JWT signed by the old DID's authentication key.</summary>
    public required string FromPrior { get; init; }

    /// <summary>When the rotation was made (own) or accepted (a counterpart's).</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>True for this agency's own rotation, false for a counterpart's.</summary>
    public required bool Own { get; init; }
}
