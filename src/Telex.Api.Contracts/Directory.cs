namespace Telex.Api.Contracts;

/// <summary><c>POST /api/directory</c>: a counterpart to add; the endpoint is taken from the DID when not given.</summary>
public sealed record DirectoryAddRequest(string? Name, string? Did, string? Endpoint, IReadOnlyList<string>? TiedWith);

/// <summary><c>POST /api/directory/{counterpart}/notes</c>.</summary>
public sealed record DossierNoteRequest(string? Text);

/// <summary><c>POST /api/directory/{counterpart}/link</c>: the tie whose agency a counterpart known of by name only is.</summary>
public sealed record LinkCounterpartRequest(string? Tie);

/// <summary>A note in a dossier.</summary>
public sealed record DossierNoteView(DateTimeOffset At, string Officer, string Text);

/// <summary>A counterpart as the directory shows it: tie status, what is known of it, and its dossier.</summary>
public sealed record CounterpartView(
    string Name,
    string? Did,
    string? Endpoint,
    TieStatus TieStatus,
    IReadOnlyList<string> KnownTies,
    DateTimeOffset? AddedAt,
    DateTimeOffset? ReviewedAt,
    IReadOnlyList<DossierNoteView> Notes);

/// <summary><c>POST /api/relay/allow</c> and <c>/deny</c>: two counterparts by DID or name.</summary>
public sealed record RelayPairRequest(string? A, string? B);

/// <summary><c>POST /api/relay/policy</c>.</summary>
public sealed record RelayPolicyRequest(bool? TiedPairs);

/// <summary>The relay policy: relay between any two established ties, and/or between the pairs listed (by DID).</summary>
public sealed record RelayPolicyView(bool TiedPairs, IReadOnlyList<IReadOnlyList<string>> Pairs);

/// <summary><c>GET /api/recipients/{name}</c>: the DID a counterpart's name addresses.</summary>
public sealed record RecipientView(string Did, string Name);
