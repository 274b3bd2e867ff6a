using System.Text.Json;

using Telex.Core.Inbound;
using Telex.Core.Model;
using Telex.Core.Protocol;
using Telex.DidComm;
using Telex.DidComm.Messages;

namespace Telex.Core;

public sealed partial class Agency
{
    /// <summary>
    /// A referral or a change of an issue from an agency without a tie, delivered by <paramref name="relay"/>. It is
    /// judged as one over a tie would be: a referral must end with the sender's own referral naming this agency (so an
    /// agency the relay's policy lets reach this one can hand it an issue, as it can a telegram), and a change must come
    /// from an agency taking part in an issue held here. A referral enters its sender in the directory as tied with the
    /// relay, so what this agency sends on the issue goes back the way it came.
    /// </summary>
    private async Task HandleRelayedIssueAsync(Tie relay, Tie? originTie, Message message, CancellationToken ct)
    {
        string from = message.From!;
        var known = await Store.FindDirectoryEntryAsync(from, ct).ConfigureAwait(false);
        string? senderName = message.Body.ValueKind == JsonValueKind.Object ? message.Body.StringMember("sender_name") : null;
        string name = known is { } e && e.Did == from ? e.Name
            : PeerText.IsName(senderName, MaxReferredToLength) ? senderName : from;
        var sender = originTie ?? new Tie { PeerDid = from, PeerName = name, PeerEndpoint = "", Status = TieStatus.None, Terms = relay.Terms };
        if (message.Type == MessageTypes.IssueShare)
        {
            await HandleIssueShareAsync(sender, message, ct).ConfigureAwait(false);
            await Directory.RecordFirstContactAsync(from, name, relay.PeerDid, ct).ConfigureAwait(false);
        }
        else
        {
            await HandleIssueStatusAsync(sender, message, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A telegram from an agency without a tie, delivered by <paramref name="relay"/> (the gate opened the delivery, see
    /// <see cref="OpenRelayDeliveryAsync"/>): the relay path the sender signed must end at that relay, so the register
    /// records the way it came; the relay's terms bound it. The sender enters the directory on first contact; the receipt
    /// goes back through that relay.
    /// </summary>
    private async Task HandleRelayedTelegramAsync(Tie relay, Message message, UnpackMetadata meta, CancellationToken ct)
    {
        string from = message.From!;
        string? lastHop = message.Body.ValueKind == JsonValueKind.Object && message.Body.TryGetProperty("relay_path", out var path)
            && path.ValueKind == JsonValueKind.Array && path.GetArrayLength() is > 0 and <= TelegramWire.MaxRelayHops
            && path[path.GetArrayLength() - 1].ValueKind == JsonValueKind.String
                ? path[path.GetArrayLength() - 1].GetString()
                : null;
        if (lastHop is null || !await Directory.IsOfTieAsync(relay, lastHop, ct).ConfigureAwait(false))
        {
            throw new InboundRefusal(RefusalKind.Forbidden, "e.p.relay.path", "the telegram's relay path does not end at the relay that delivered it");
        }

        string? senderName = message.Body.StringMember("sender_name");
        string name = string.IsNullOrWhiteSpace(senderName) || senderName.Length > 200 ? from : senderName;
        var sender = new Tie
        {
            PeerDid = from,
            PeerName = name,
            PeerEndpoint = "",
            Status = TieStatus.None,
            Terms = relay.Terms,
        };
        await HandleTelegramAsync(sender, message, meta, ct, via: relay.PeerDid).ConfigureAwait(false);
        await Directory.RecordFirstContactAsync(from, name, relay.PeerDid, ct).ConfigureAwait(false);
    }
}
