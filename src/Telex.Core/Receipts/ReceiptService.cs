using Telex.Core.Background;
using Telex.Core.Relay;

namespace Telex.Core.Receipts;

/// <summary>
/// Receipts both ways: a registered telegram's receipt queued for the receipt sender (<see cref="Sender"/>, which signs
/// and sends them in the background), and a counterpart's receipt for telegrams sent from here, which marks them
/// delivered. Only a receipt is delivery, never a transport's acceptance.
/// </summary>
internal sealed class ReceiptService : AgencyService
{
    /// <summary>Telegrams a receipt from a peer may list at most; the receipt sender puts at most 1,000 in one.</summary>
    private const int MaxReceiptEntries = 10_000;

    private readonly DirectoryService _directory;

    internal ReceiptService(AgencyContext context, DirectoryService directory, RelayService relays, TieService ties)
        : base(context)
    {
        _directory = directory;
        Sender = new ReceiptSender(context, relays, ties);
    }

    /// <summary>The background loop that signs and sends what <see cref="Acknowledge"/> queues.</summary>
    public ReceiptSender Sender { get; }

    /// <summary>
    /// Queues the receipt of a telegram registered from <paramref name="tie"/>: a new one for an entry that has none, the
    /// receipt it was given before for a telegram that arrived again. <paramref name="via"/> is the relay it came
    /// through, which the receipt goes back through.
    /// </summary>
    public void Acknowledge(Tie tie, TelegramRecord entry, string? via)
    {
        var pending = new PendingReceipt(tie, entry.Receipt is null ? new ReceiptEntry(entry.Id, entry.ContentHash, entry.RegistryNumber, entry.RegisteredAt) : null,
            entry.Receipt);
        Sender.Queue(pending with { Via = via });
    }

    /// <summary>Registers the handler of receipts with the gate: over a tie, and through a relay from an agency without one.</summary>
    public void RegisterHandlers(InboundHandlers handlers)
    {
        handlers.Direct.Add(MessageTypes.Receipt, (m, ct) => HandleReceiptAsync(m.SenderTie, m.Message, m.Meta, ct));
        handlers.Relayed.Add(MessageTypes.Receipt, (m, ct) => HandleReceiptAsync(m.SenderTie, m.Message, m.Meta, ct));
    }

    /// <summary>
    /// A counterpart's receipt: each entry whose telegram was sent from here to that counterpart with that content hash
    /// marks it delivered, keeping the signed receipt; an entry for anything else is passed over.
    /// </summary>
    private async Task HandleReceiptAsync(Tie tie, Message message, UnpackMetadata meta, CancellationToken ct)
    {
        if (!message.Body.TryGetProperty("receipts", out var receipts) || receipts.ValueKind != JsonValueKind.Array
            || receipts.GetArrayLength() > MaxReceiptEntries)
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "a receipt lists at most 10,000 telegrams");
        }

        var entries = new List<(Guid Id, string Hash, long Number)>(receipts.GetArrayLength());
        foreach (var r in receipts.EnumerateArray())
        {
            if (!Guid.TryParse(r.StringMember("telegram"), out var id) || r.StringMember("content_hash") is not { } hash
                || !r.TryIntegerMember("registry_number", out long number))
            {
                throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "malformed receipt entry");
            }

            entries.Add((id, hash, number));
        }

        // A receipt for many telegrams is filed concurrently, so their deliveries share commits.
        byte[] signed = meta.SignedMessage.ToArray();
        await Parallel.ForEachAsync(entries, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = ct }, async (e, c) =>
        {
            var telegram = await Store.Telegrams.GetTelegramAsync(e.Id, Direction.Outbound, c).ConfigureAwait(false);
            if (telegram is null || telegram.ContentHash != e.Hash || !await _directory.IsOfTieAsync(tie, telegram.Counterpart, c).ConfigureAwait(false))
            {
                return;
            }

            var now = Now;
            if (telegram.Status != TelegramStatus.Delivered
                && await Store.Telegrams.MarkDeliveredAsync(e.Id, signed, e.Number, now, c).ConfigureAwait(false))
            {
                Context.Emit(new AgencyEvent("telegram.delivered", tie.PeerDid, e.Id, now) { SinceRelease = now - telegram.ReleasedAt });
            }
        }).ConfigureAwait(false);
    }
}
