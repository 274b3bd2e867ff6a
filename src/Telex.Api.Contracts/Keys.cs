namespace Telex.Api.Contracts;

/// <summary>The agency's DIDs: the current one and every prior one, with when each was replaced; and the rotations filed.</summary>
public sealed record KeysView(string Did, IReadOnlyList<PriorDidView> Priors, IReadOnlyList<RotationView> Rotations);

/// <summary>A DID the agency held before, the DID that replaced it, and when.</summary>
public sealed record PriorDidView(string Did, string NextDid, DateTimeOffset RotatedAt);

/// <summary>A key rotation the register records: this agency's (<c>own</c>) or a counterpart's.</summary>
public sealed record RotationView(string Side, string OldDid, string NewDid, DateTimeOffset At);

/// <summary>The outcome of <c>POST /api/keys/rotate</c>.</summary>
public sealed record RotateKeysView(string OldDid, string NewDid, DateTimeOffset At, int TiesTold);
