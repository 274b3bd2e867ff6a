using Telex.Core.Identity;
using Telex.Core.Keys;
using Telex.Core.Model;

namespace Telex.Server.Api.Contracts;

/// <summary>The agency's DIDs: the current one and every prior one, with when each was replaced; and the rotations filed.</summary>
internal sealed record KeysView(string Did, IReadOnlyList<PriorDidView> Priors, IReadOnlyList<RotationView> Rotations)
{
    public static KeysView From(AgencyIdentity identity, IReadOnlyList<KeyRotation> rotations) => new(identity.Did,
        identity.Priors.Select(p => new PriorDidView(p.Did, p.NextDid, p.RotatedAt)).ToList(),
        rotations.Select(r => new RotationView(r.Own ? "own" : "counterpart", r.OldDid, r.NewDid, r.At)).ToList());
}

/// <summary>A DID the agency held before, the DID that replaced it, and when.</summary>
internal sealed record PriorDidView(string Did, string NextDid, DateTimeOffset RotatedAt);

/// <summary>A key rotation the register records: this agency's (<c>own</c>) or a counterpart's.</summary>
internal sealed record RotationView(string Side, string OldDid, string NewDid, DateTimeOffset At);

/// <summary>The outcome of <c>POST /api/keys/rotate</c>.</summary>
internal sealed record RotateKeysView(string OldDid, string NewDid, DateTimeOffset At, int TiesTold)
{
    public static RotateKeysView From(KeyRotationResult r) => new(r.OldDid, r.NewDid, r.At, r.TiesTold);
}
