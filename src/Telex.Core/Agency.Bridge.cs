namespace Telex.Core;

/// <summary>
/// What the parts of the agency not yet moved into services of their own (issues, referrals, clearance, bureaus) use of
/// the ties, keys and directory services, under the names they use. Each forwards to its service; this file goes when
/// those parts move.
/// </summary>
public sealed partial class Agency
{
    private static bool IsPeerDid(string did) => PeerDids.Is(did);

    private static bool IsPeerDid(string did, int maxLength) => PeerDids.Is(did, maxLength);

    private OutboxItem ControlOutbox(Tie tie, string type, JsonObject body, string? thid = null) => Ties.ControlOutbox(tie, type, body, thid);

    private Task<string> CounterpartDidAsync(string did, CancellationToken ct) => Directory.CounterpartDidAsync(did, ct);

    private Task<bool> IsOfTieAsync(Tie tie, string did, CancellationToken ct) => Directory.IsOfTieAsync(tie, did, ct);

    private Task<HashSet<string>> TieDidsAsync(Tie tie, CancellationToken ct) => Directory.TieDidsAsync(tie, ct);

    private Task<string> PeerGivenNameAsync(string did, string? claimed, CancellationToken ct) => Directory.PeerGivenNameAsync(did, claimed, ct);

    private Task<Tie?> FindTieAsync(string didOrName, CancellationToken ct) => Directory.FindTieAsync(didOrName, ct);

    /// <summary>
    /// Whether the issue <paramref name="issue"/> is shared with the sender of a telegram: a bureau's issue with a bulletin
    /// of that bureau (whose sender is checked to be a member), any other issue with the agencies taking part in it (its
    /// counterpart, under any DID it has held, and those referrals brought in).
    /// </summary>
    private async Task<bool> IsIssueSharedAsync(Issue issue, Tie sender, Guid? bureauId, CancellationToken ct) =>
        issue.BureauId is { } issueBureau
            ? bureauId == issueBureau
            : bureauId is null && await TakesPartAsync(sender, issue, await Store.Issues.ListIssueParticipantsAsync(issue.Id, ct).ConfigureAwait(false), ct)
                .ConfigureAwait(false);
}
