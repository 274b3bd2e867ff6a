using System.Threading.Channels;

using Telex.Core.Relay;

namespace Telex.Core.Background;

/// <summary>A registered telegram whose receipt is still to be signed.</summary>
internal readonly record struct ReceiptEntry(Guid Id, string Hash, long RegistryNumber, DateTimeOffset At);

/// <summary>A receipt to send: new entries to sign, or the receipt kept for a telegram that arrived again.</summary>
internal sealed record PendingReceipt(Tie Tie, ReceiptEntry? Entry, byte[]? Stored)
{
    /// <summary>The relay the telegram came through, which the receipt goes back through; null when direct.</summary>
    public string? Via { get; init; }
}

/// <summary>
/// Sends receipts once their telegrams are registered, best effort: a lost receipt is recovered when the sender,
/// still holding the telegram, sends it again and gets its original receipt. Whatever waits while earlier receipts
/// are on their way is signed as one receipt per counterpart: one signature, one message and one commit for many
/// telegrams under load, and no waiting when the agency is quiet. At most
/// <see cref="AgencyOptions.MaxConcurrentReceiptSends"/> are on their way at once.
/// </summary>
internal sealed class ReceiptSender(AgencyContext context, RelayService relays, TieService ties) : IAgencyWorker
{
    /// <summary>Telegrams one receipt covers at most; the receiving side accepts up to 10,000.</summary>
    private const int MaxReceiptEntries = 1000;

    private readonly Channel<PendingReceipt> _receipts =
        Channel.CreateBounded<PendingReceipt>(new BoundedChannelOptions(100_000) { FullMode = BoundedChannelFullMode.DropOldest });

    public string Name => "receipt sender";

    /// <summary>Queues a receipt to send.</summary>
    public void Queue(PendingReceipt receipt) => _receipts.Writer.TryWrite(receipt);

    public async Task RunAsync(CancellationToken ct)
    {
        int concurrency = context.Options.MaxConcurrentReceiptSends;
        using var slots = new SemaphoreSlim(concurrency);
        var pending = new List<PendingReceipt>();
        try
        {
            while (await _receipts.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                await slots.WaitAsync(ct).ConfigureAwait(false);
                pending.Clear();
                while (pending.Count < MaxReceiptEntries * 4 && _receipts.Reader.TryRead(out var r))
                {
                    pending.Add(r);
                }

                var sends = new List<(Tie Tie, string? Via, byte[]? Stored, List<ReceiptEntry>? Entries)>();
                foreach (var group in pending.GroupBy(r => (r.Tie.PeerDid, r.Via)))
                {
                    var tie = group.Last().Tie;
                    string? via = group.Key.Via;
                    sends.AddRange(group.Where(r => r.Stored is not null).Select(r => (tie, via, r.Stored, (List<ReceiptEntry>?)null)));
                    sends.AddRange(group.Where(r => r.Entry is not null).Select(r => r.Entry!.Value).Chunk(MaxReceiptEntries)
                        .Select(chunk => (tie, via, (byte[]?)null, (List<ReceiptEntry>?)[.. chunk])));
                }

                // The first send has the slot already; each further one waits for its own.
                for (int i = 0; i < sends.Count; i++)
                {
                    if (i > 0)
                    {
                        await slots.WaitAsync(ct).ConfigureAwait(false);
                    }

                    var (tie, via, stored, entries) = sends[i];
                    _ = Task.Run(async () =>
                    {
                        try
                        {
                            await SendAsync(tie, via, stored, entries, ct).ConfigureAwait(false);
                        }
                        finally
                        {
                            slots.Release();
                        }
                    }, CancellationToken.None);
                }

                if (sends.Count == 0)
                {
                    slots.Release();
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }

        // Let the sends under way finish (they end quickly once cancelled) before the agency goes.
        for (int i = 0; i < concurrency; i++)
        {
            await slots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task SendAsync(Tie tie, string? via, byte[]? stored, List<ReceiptEntry>? entries, CancellationToken ct)
    {
        string endpoint = tie.PeerEndpoint;
        try
        {
            byte[] receipt = stored ?? Sign(tie.PeerDid, entries!);

            // Kept, and entered in the register's chain, before it goes: whoever holds this receipt can find it in the
            // register, and a telegram arriving again gets this same receipt.
            if (entries is not null)
            {
                await context.Store.Telegrams.AttachReceiptAsync(entries.Select(e => e.Id).ToList(), receipt, ct).ConfigureAwait(false);
            }

            byte[] packed;
            if (via is null)
            {
                packed = context.Packer.PackEncryptedPayload(receipt, new PackEncryptedOptions
                {
                    To = tie.PeerDid,
                    AnonEncryption = DidComm.Crypto.ContentEncryption.A256Gcm,
                }).Packed;
            }
            else if (await context.Store.Ties.GetTieAsync(via, ct).ConfigureAwait(false) is { Status: TieStatus.Established } relay)
            {
                // A relayed telegram's receipt goes back the way it came.
                endpoint = relay.PeerEndpoint;
                packed = relays.PackThrough(receipt, tie.PeerDid, relay.PeerDid);
            }
            else
            {
                Log.DeliveryNotAccepted(context.Logger, via, 0, "no established tie with the relay to send the receipt back through");
                return;
            }

            var result = await context.Transport.SendAsync(endpoint, packed, ct).ConfigureAwait(false);
            if (!result.Accepted)
            {
                Log.DeliveryNotAccepted(context.Logger, endpoint, result.Status, result.Detail);
            }
        }
        catch (DidCommException e)
        {
            Log.DeliveryNotAccepted(context.Logger, endpoint, 0, e.Message);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A receipt that cannot be sent now is sent again when its telegram arrives again.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.WorkFailed(context.Logger, e);
        }
    }

    /// <summary>One signed receipt for <paramref name="entries"/>, from this agency to <paramref name="peerDid"/>.</summary>
    private byte[] Sign(string peerDid, IEnumerable<ReceiptEntry> entries)
    {
        var list = new JsonArray();
        foreach (var (id, hash, number, at) in entries)
        {
            list.Add(new JsonObject
            {
                ["telegram"] = id.ToString(),
                ["content_hash"] = hash,
                ["registry_number"] = number,
                ["received_time"] = at.ToUnixTimeMilliseconds(),
            });
        }

        var receipt = ties.ControlMessage(MessageTypes.Receipt, peerDid, new JsonObject { ["receipts"] = list });
        return context.Packer.PackSigned(receipt, receipt.From!).Packed;
    }
}
