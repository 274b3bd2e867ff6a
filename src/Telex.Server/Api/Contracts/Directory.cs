using Telex.Core.Model;

namespace Telex.Server.Api.Contracts;

/// <summary><c>POST /api/directory</c>: a counterpart to add; the endpoint is taken from the DID when not given.</summary>
internal sealed record DirectoryAddRequest(string? Name, string? Did, string? Endpoint, IReadOnlyList<string>? TiedWith);

/// <summary><c>POST /api/directory/{counterpart}/notes</c>.</summary>
internal sealed record DossierNoteRequest(string? Text);

/// <summary><c>POST /api/directory/{counterpart}/link</c>: the tie whose agency a counterpart known of by name only is.</summary>
internal sealed record LinkCounterpartRequest(string? Tie);

/// <summary>A note in a dossier.</summary>
internal sealed record DossierNoteView(DateTimeOffset At, string Officer, string Text);

/// <summary>A counterpart as the directory shows it: tie status, what is known of it, and its dossier.</summary>
internal sealed record CounterpartView(
    string Name,
    string? Did,
    string? Endpoint,
    TieStatus TieStatus,
    IReadOnlyList<string> KnownTies,
    DateTimeOffset? AddedAt,
    DateTimeOffset? ReviewedAt,
    IReadOnlyList<DossierNoteView> Notes)
{
    public static CounterpartView From(Counterpart c) => new(c.Name, c.Did, c.Endpoint, c.TieStatus, c.Entry?.KnownTies ?? [],
        c.Entry?.AddedAt, c.Entry?.ReviewedAt, c.Entry?.Notes.Select(n => new DossierNoteView(n.At, n.Officer, n.Text)).ToArray() ?? []);
}

/// <summary><c>POST /api/relay/allow</c> and <c>/deny</c>: two counterparts by DID or name.</summary>
internal sealed record RelayPairRequest(string? A, string? B);

/// <summary><c>POST /api/relay/policy</c>.</summary>
internal sealed record RelayPolicyRequest(bool? TiedPairs);

/// <summary>The relay policy: relay between any two established ties, and/or between the pairs listed (by DID).</summary>
internal sealed record RelayPolicyView(bool TiedPairs, IReadOnlyList<IReadOnlyList<string>> Pairs)
{
    public static RelayPolicyView From(RelayPolicy p) => new(p.TiedPairs, p.Pairs.Select(x => (IReadOnlyList<string>)[x.First, x.Second]).ToArray());
}
