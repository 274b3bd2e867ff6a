namespace Telex.Core;

/// <summary>What the services by concern reach on the agency (<see cref="IAgencyLinks"/>) until those rules have services of their own.</summary>
public sealed partial class Agency : IAgencyLinks
{
    Task<bool> IAgencyLinks.IsOfTieAsync(Tie tie, string did, CancellationToken ct) => IsOfTieAsync(tie, did, ct);

    Task<HashSet<string>> IAgencyLinks.TieDidsAsync(Tie tie, CancellationToken ct) => TieDidsAsync(tie, ct);

    Task<string> IAgencyLinks.CounterpartDidAsync(string did, CancellationToken ct) => CounterpartDidAsync(did, ct);

    Task<Tie?> IAgencyLinks.FindTieAsync(string didOrName, CancellationToken ct) => FindTieAsync(didOrName, ct);

    Task<string> IAgencyLinks.PeerGivenNameAsync(string did, string? claimed, CancellationToken ct) => PeerGivenNameAsync(did, claimed, ct);

    Task IAgencyLinks.RecordFirstContactAsync(string did, string name, string relayDid, CancellationToken ct) =>
        Directory.RecordFirstContactAsync(did, name, relayDid, ct);

    Task<Tie?> IAgencyLinks.RelayForAsync(string did, CancellationToken ct) => Relays.RelayForAsync(did, ct);

    OutboxItem IAgencyLinks.ControlOutbox(Tie tie, string type, JsonObject body, string? thid) => ControlOutbox(tie, type, body, thid);

    Task<TelegramDraft> IAgencyLinks.WithIssueIdAsync(TelegramDraft draft, CancellationToken ct) => WithIssueIdAsync(draft, ct);

    void IAgencyLinks.Validate(TelegramDraft draft, TieTerms terms) => Validate(draft, terms);

    Task IAgencyLinks.CheckIssueAsync(TelegramDraft draft, CancellationToken ct) => CheckIssueAsync(draft, ct);

    (TelegramRecord Record, OutboxItem Outbox) IAgencyLinks.BuildRelease(Guid id, TelegramDraft draft, Tie tie, long serial, string releasingOfficer) =>
        BuildRelease(id, draft, tie, serial, releasingOfficer);

    // split-b: Agency.Counterparts.cs asks this; rewire it to Issues.TakesPartAsync when that file moves.
    private Task<bool> TakesPartAsync(Tie tie, Issue issue, IReadOnlyList<IssueParticipant> participants, CancellationToken ct) =>
        Issues.TakesPartAsync(tie, issue, participants, ct);

    // split-b: Agency.Directory.cs asks this; rewire it to Bureaus.PromoteProspectsAsync when that file moves.
    private Task PromoteProspectsAsync(DirectoryEntry entry, CancellationToken ct) => Bureaus.PromoteProspectsAsync(entry, ct);
}
