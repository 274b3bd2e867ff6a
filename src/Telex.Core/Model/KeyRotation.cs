namespace Telex.Core.Model;

/// <summary>
/// A key rotation the register records: this agency's own, or a counterpart's announced over a tie. The old DID's
/// authentication key signed <see cref="FromPrior"/> (a compact JWT, <c>iss</c> the old DID, <c>sub</c> the new one),
/// so anyone holding the register can check that the new DID speaks for the old one.
/// </summary>
/// <param name="OldDid">The DID given up (its keys are kept to verify what it signed).</param>
/// <param name="NewDid">The DID that replaces it.</param>
/// <param name="FromPrior">The <c>from_prior</c> JWT signed by the old DID's authentication key.</param>
/// <param name="At">When the rotation was made (own) or accepted (a counterpart's).</param>
/// <param name="Own">True for this agency's own rotation, false for a counterpart's.</param>
public sealed record KeyRotation(string OldDid, string NewDid, string FromPrior, DateTimeOffset At, bool Own);
