using Telex.Core.Model;

namespace Telex.Core;

/// <summary>
/// A counterpart is its tie, not a DID string: after a key rotation it has held several DIDs, and a policy written under
/// any of them (a clearance rule, a relay pair, a directory entry) keeps naming it. Every comparison of counterparts goes
/// through the tie's current DID, so neither the old DID nor the new one slips past a rule written under the other.
/// </summary>
public sealed partial class Agency
{
    /// <summary>
    /// The current DID of the tie <paramref name="did"/> names (its current DID or one it held before a rotation);
    /// <paramref name="did"/> itself when no tie is held under it.
    /// </summary>
    private async Task<string> CounterpartDidAsync(string did, CancellationToken ct) =>
        (await Store.GetTieAsync(did, ct).ConfigureAwait(false))?.PeerDid ?? did;

    /// <summary>The name a log line gives the agency <paramref name="did"/>: its tie's name, else its directory entry's.</summary>
    private async Task<string> CounterpartNameAsync(string did, CancellationToken ct)
    {
        if (await Store.GetTieAsync(did, ct).ConfigureAwait(false) is { } tie)
        {
            return tie.PeerName;
        }

        var known = await ListDirectoryAsync(ct).ConfigureAwait(false);
        return known.FirstOrDefault(c => c.Did == did)?.Name ?? "an agency neither tied nor in the directory";
    }

    /// <summary>Whether the relay policy's explicit pairs name the counterparts <paramref name="a"/> and <paramref name="b"/>, whatever DIDs the pair was written under.</summary>
    private async Task<bool> RelayPolicyNamesAsync(RelayPolicy policy, string a, string b, CancellationToken ct)
    {
        if (policy.Names(a, b))
        {
            return true;
        }

        string first = await CounterpartDidAsync(a, ct).ConfigureAwait(false), second = await CounterpartDidAsync(b, ct).ConfigureAwait(false);
        foreach (var pair in policy.Pairs)
        {
            var resolved = RelayPair.Of(await CounterpartDidAsync(pair.First, ct).ConfigureAwait(false),
                await CounterpartDidAsync(pair.Second, ct).ConfigureAwait(false));
            if (resolved == RelayPair.Of(first, second))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the issue <paramref name="issue"/> is shared with the sender of a telegram: a bureau's issue with a bulletin
    /// of that bureau (whose sender is checked to be a member), any other issue with the agencies taking part in it (its
    /// counterpart, under any DID it has held, and those referrals brought in).
    /// </summary>
    private async Task<bool> IsIssueSharedAsync(Issue issue, Tie sender, Guid? bureauId, CancellationToken ct) =>
        issue.BureauId is { } issueBureau
            ? bureauId == issueBureau
            : bureauId is null && await TakesPartAsync(sender, issue, await Store.ListIssueParticipantsAsync(issue.Id, ct).ConfigureAwait(false), ct)
                .ConfigureAwait(false);

    /// <summary>
    /// True when <paramref name="did"/> is a DID a counterpart gave up in a key rotation this agency accepted more than
    /// <see cref="AgencyOptions.RotatedKeyGrace"/> ago: messages it signs are no longer accepted (what it signed before
    /// still verifies in the register).
    /// </summary>
    private async Task<bool> IsRetiredDidAsync(string did, CancellationToken ct)
    {
        var rotations = await Store.ListKeyRotationsAsync(ct).ConfigureAwait(false);
        return rotations.FirstOrDefault(r => !r.Own && r.OldDid == did) is { } rotation && Now - rotation.At > Options.RotatedKeyGrace;
    }
}
