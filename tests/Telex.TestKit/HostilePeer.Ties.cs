using System.Text.Json.Nodes;

using Telex.Core.Protocol;

namespace Telex.TestKit;

public sealed partial class HostilePeer
{
    /// <summary>A new peer holding an established tie with <paramref name="agency"/>, made through one of its invitations.</summary>
    public static async Task<HostilePeer> TiedWithAsync(TestAgency agency, string name = "Mallory")
    {
        ArgumentNullException.ThrowIfNull(agency);
        var peer = Create(name);
        var (status, code) = await PostAsync(agency.Identity.Endpoint, peer.TieRequest(await agency.Agency.Ties.CreateInvitationAsync()));
        if (status != 202 || (await agency.Store.Ties.GetTieAsync(peer.Did))?.Status != TieStatus.Established)
        {
            peer.Dispose();
            throw new InvalidOperationException($"{agency.Identity.Name} did not establish a tie with {name}: {status} {code}");
        }

        return peer;
    }

    /// <summary>
    /// A new peer tied with <paramref name="agency"/> over terms that permit relays (the agency proposes them, the peer
    /// signs): one the agency accepts relay deliveries from.
    /// </summary>
    public static async Task<HostilePeer> RelayTiedWithAsync(TestAgency agency, string name = "Relay")
    {
        var peer = await TiedWithAsync(agency, name);
        var tie = await agency.Store.Ties.GetTieAsync(peer.Did);
        var proposed = (await agency.Agency.Ties.ProposeTermsAsync(peer.Did, tie!.Terms with { Relays = true })).ProposedTerms!;
        var sign = peer.Message(MessageTypes.TermsSign, agency.Did, new JsonObject
        {
            ["terms"] = new JsonObject
            {
                ["version"] = proposed.Version,
                ["max_telegram_bytes"] = proposed.MaxTelegramBytes,
                ["max_attachment_bytes"] = proposed.MaxAttachmentBytes,
                ["expiry_seconds"] = (long)proposed.Expiry.TotalSeconds,
                ["max_retry_interval_ms"] = (long)proposed.MaxRetryInterval.TotalMilliseconds,
                ["read_receipts"] = proposed.ReadReceipts,
                ["relays"] = true,
            },
        });
        var (status, code) = await PostAsync(agency.Identity.Endpoint, peer.SignAndEncrypt(sign, agency.Did));
        if (status != 202 || (await agency.Store.Ties.GetTieAsync(peer.Did))?.Terms.Relays != true)
        {
            peer.Dispose();
            throw new InvalidOperationException($"{agency.Identity.Name} did not take terms permitting relays from {name}: {status} {code}");
        }

        return peer;
    }
}
