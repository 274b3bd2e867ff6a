using Telex.Core.Model;
using Telex.TestKit;

namespace Telex.Server.Tests.Relay;

/// <summary>Helpers to set up a relay between in-process agencies the way officers would.</summary>
internal static class RelayNetwork
{
    public static TelegramDraft Draft(string to, string subject, string body, string? via = null) => new()
    {
        To = to,
        Subject = subject,
        Body = body,
        Via = via,
    };

    /// <summary><paramref name="proposer"/> proposes terms permitting relays (or not); the counterpart signs them.</summary>
    public static async Task SetRelayTermsAsync(TestAgency proposer, TestAgency signer, bool relays = true)
    {
        var tie = await proposer.Store.Ties.GetTieAsync(signer.Did);
        await proposer.Agency.Ties.ProposeTermsAsync(signer.Did, tie!.Terms with { Version = tie.Terms.Version + 1, Relays = relays });
        await Eventually.UntilAsync(() => signer.Store.Ties.GetTieAsync(proposer.Did), t => t?.ProposedTerms is not null,
            TimeSpan.FromSeconds(30), $"{signer.Identity.Name} holds the proposed terms");
        await signer.Agency.Ties.SignProposedTermsAsync(proposer.Did);
        await Eventually.UntilAsync(() => proposer.Store.Ties.GetTieAsync(signer.Did), t => t?.Terms.Relays == relays && t.ProposedTerms is null,
            TimeSpan.FromSeconds(30), $"{proposer.Identity.Name} holds the signed terms");

        // The proposal's delivery may finish (its outbox row removed) after the signature has come back: a test that
        // counts rows next starts from a settled store.
        foreach (var (from, to) in new[] { (proposer, signer), (signer, proposer) })
        {
            await Eventually.UntilAsync(() => from.Store.Outbox.OutboxDepthAsync(), depth => depth.GetValueOrDefault(to.Did) == 0,
                TimeSpan.FromSeconds(30), $"{from.Identity.Name} has delivered everything to {to.Identity.Name}");
        }
    }

    /// <summary>A and B each tied with R, both ties permitting relays; B entered in A's directory as tied with R.</summary>
    public static async Task ConnectAsync(TestAgency a, TestAgency r, TestAgency b, bool bPermitsRelays = true)
    {
        await TestAgency.TieAsync(r, a);
        await TestAgency.TieAsync(r, b);
        await SetRelayTermsAsync(a, r);
        if (bPermitsRelays)
        {
            await SetRelayTermsAsync(b, r);
        }

        await a.Agency.Directory.AddToDirectoryAsync("Bravo", b.Did, null, [r.Did]);
    }
}
