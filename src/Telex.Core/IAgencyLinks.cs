namespace Telex.Core;

/// <summary>
/// What the services by concern (issues, clearance, bureaus) still reach on <see cref="Agency"/>: rules of ties,
/// counterparts, the directory, relays, telegrams and the outbox that have no service of their own yet. Narrow on
/// purpose, so each use is visible where it is made.
/// </summary>
internal interface IAgencyLinks
{
    /// <summary>Whether <paramref name="did"/> is the tie's agency under any DID it has held.</summary>
    Task<bool> IsOfTieAsync(Tie tie, string did, CancellationToken ct);

    /// <summary>Every DID the tie's agency has held, current first.</summary>
    Task<HashSet<string>> TieDidsAsync(Tie tie, CancellationToken ct);

    /// <summary>The current DID of the tie <paramref name="did"/> names; <paramref name="did"/> itself without one.</summary>
    Task<string> CounterpartDidAsync(string did, CancellationToken ct);

    /// <summary>The tie a person names by DID or name; null when none.</summary>
    Task<Tie?> FindTieAsync(string didOrName, CancellationToken ct);

    /// <summary>The name a peer gave an agency, as this agency files it (never as an agency known here is named).</summary>
    Task<string> PeerGivenNameAsync(string did, string? claimed, CancellationToken ct);

    /// <summary>Enters an agency first heard of through a relay in the directory, as tied with that relay.</summary>
    Task RecordFirstContactAsync(string did, string name, string relayDid, CancellationToken ct);

    /// <summary>The established tie of a relay that reaches <paramref name="did"/>; null when none.</summary>
    Task<Tie?> RelayForAsync(string did, CancellationToken ct);

    /// <summary>The outbox item carrying a control message of <paramref name="type"/> over the tie.</summary>
    OutboxItem ControlOutbox(Tie tie, string type, JsonObject body, string? thid);

    /// <summary>The draft naming its issue by id where a person named it by this agency's short number.</summary>
    Task<TelegramDraft> WithIssueIdAsync(TelegramDraft draft, CancellationToken ct);

    /// <summary>Throws when the telegram breaks the tie's terms or is not well formed.</summary>
    void Validate(TelegramDraft draft, TieTerms terms);

    /// <summary>Throws when the telegram names an issue held here that the recipient does not take part in.</summary>
    Task CheckIssueAsync(TelegramDraft draft, CancellationToken ct);

    /// <summary>The register entry and outbox item of a telegram released with <paramref name="serial"/>.</summary>
    (TelegramRecord Record, OutboxItem Outbox) BuildRelease(Guid id, TelegramDraft draft, Tie tie, long serial, string releasingOfficer);
}
