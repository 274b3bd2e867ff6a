using Telex.Core.Inbound;
using Telex.DidComm;
using Telex.DidComm.Messages;

namespace Telex.Core;

public sealed partial class Agency
{
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
