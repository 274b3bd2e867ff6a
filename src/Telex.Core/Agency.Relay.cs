using System.Text.Json;

using Telex.Core.Inbound;
using Telex.Core.Model;
using Telex.Core.Protocol;
using Telex.DidComm;
using Telex.DidComm.Messages;

namespace Telex.Core;

public sealed partial class Agency
{
    /// <summary>The DID of a counterpart named by DID or by the name of a tie or directory entry.</summary>
    private async Task<string> ResolveCounterpartDidAsync(string didOrName, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(didOrName))
        {
            throw new TelexException(TelexErrorKind.Invalid, "name a counterpart by DID or name");
        }

        if (didOrName == Identity.Did)
        {
            throw new TelexException(TelexErrorKind.Invalid, "this agency is not its own counterpart");
        }

        if (await FindTieAsync(didOrName, ct).ConfigureAwait(false) is { } tie)
        {
            return tie.PeerDid;
        }

        if (await Store.FindDirectoryEntryAsync(didOrName, ct).ConfigureAwait(false) is { Did: { } did })
        {
            return did;
        }

        if (IsPeerDid(didOrName) && Dids.TryResolve(didOrName, out _))
        {
            return didOrName;
        }

        throw await Store.FindDirectoryEntryAsync(didOrName, ct).ConfigureAwait(false) is { } known
            ? await UnaddressableAsync(known.Name, ct).ConfigureAwait(false)
            : new TelexException(TelexErrorKind.NotFound, $"no counterpart '{didOrName}' (not a tie, not in the directory); telex directory list shows every counterpart known");
    }

    /// <summary>A tie by its counterpart's DID, else by its counterpart's name (ignoring case).</summary>
    private async Task<Tie?> FindTieAsync(string didOrName, CancellationToken ct)
    {
        if (await Store.GetTieAsync(didOrName, ct).ConfigureAwait(false) is { } tie)
        {
            return tie;
        }

        var named = (await Store.ListTiesAsync(ct).ConfigureAwait(false))
            .Where(t => t.Status != TieStatus.None && string.Equals(t.PeerName, didOrName, StringComparison.OrdinalIgnoreCase)).ToList();
        return named.Count switch
        {
            0 => null,
            1 => named[0],
            _ => throw new TelexException(TelexErrorKind.Invalid, $"several ties are named '{didOrName}': use the DID"),
        };
    }

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
            await RecordFirstContactAsync(from, name, relay.PeerDid, ct).ConfigureAwait(false);
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
        if (lastHop is null || !await IsOfTieAsync(relay, lastHop, ct).ConfigureAwait(false))
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
        await RecordFirstContactAsync(from, name, relay.PeerDid, ct).ConfigureAwait(false);
    }
}
