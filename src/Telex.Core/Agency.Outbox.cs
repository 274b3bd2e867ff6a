using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Threading.Channels;

using Telex.Core.Model;
using Telex.Core.Protocol;
using Telex.DidComm;

namespace Telex.Core;

public sealed partial class Agency
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _peerSlots = new(StringComparer.Ordinal);
    private readonly Channel<(Tie Tie, byte[] Receipt)> _receipts =
        Channel.CreateBounded<(Tie, byte[])>(new BoundedChannelOptions(100_000) { FullMode = BoundedChannelFullMode.DropOldest });

    private readonly ConcurrentDictionary<string, byte> _receivedFrom = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HashSet<long>> _suspectedGaps = new(StringComparer.Ordinal);

    /// <summary>
    /// Delivers the outbox until cancelled: claims due items, packs and posts them with bounded concurrency per
    /// peer, backs off with jitter on failure, fails what expires; sends receipts; asks for serials that stay missing.
    /// </summary>
    public async Task RunAsync(CancellationToken ct)
    {
        await Store.ReleaseClaimsAsync(Options.NodeId, ct).ConfigureAwait(false);
        var receiptLoop = Task.Run(() => SendReceiptsAsync(ct), CancellationToken.None);
        var nextGapCheck = Now + Options.GapGrace;
        var nextCheckpoint = Now + Options.CheckpointInterval;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (Now >= nextCheckpoint)
                {
                    nextCheckpoint = Now + Options.CheckpointInterval;
                    await CheckpointIfGrownAsync(ct).ConfigureAwait(false);
                }

                if (Now >= nextGapCheck)
                {
                    await CheckGapsAsync(ct).ConfigureAwait(false);
                    nextGapCheck = Now + Options.GapGrace;
                }

                var items = await Store.ClaimDueAsync(Now, Options.DispatchBatch, Options.ClaimLease, Options.NodeId, ct).ConfigureAwait(false);
                if (items.Count > 0)
                {
                    await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = ct },
                        (item, c) => new ValueTask(DeliverAsync(item, c))).ConfigureAwait(false);
                    continue;
                }

                await _wake.WaitAsync(TimeSpan.FromMilliseconds(100), ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // The dispatcher must outlive any single failure; it logs and carries on.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.DispatcherError(_logger, e);
                try
                {
                    await Task.Delay(500, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        await receiptLoop.ConfigureAwait(false);
    }

    private async Task DeliverAsync(OutboxItem item, CancellationToken ct)
    {
        var now = Now;
        if (now >= item.ExpiresAt)
        {
            string reason = $"not delivered before its expiry ({item.Attempts} attempts)";
            await Store.FailAsync(item, reason, ct).ConfigureAwait(false);
            Log.DeliveryFailed(_logger, item.TelegramId, item.PeerDid, reason);
            Publish("telegram.failed", item.PeerDid, item.TelegramId);
            return;
        }

        var tie = await Store.GetTieAsync(item.PeerDid, ct).ConfigureAwait(false);
        var maxInterval = tie?.Terms.MaxRetryInterval ?? TieTerms.Default.MaxRetryInterval;
        if (item.Kind == OutboxKind.Telegram && tie is not { Status: TieStatus.Established })
        {
            await Store.CompleteAttemptAsync(item, accepted: false, now + Backoff(item.Attempts, maxInterval), ct).ConfigureAwait(false);
            return;
        }

        var slot = _peerSlots.GetOrAdd(item.PeerDid, _ => new SemaphoreSlim(Options.MaxConcurrentSendsPerPeer));
        await slot.WaitAsync(ct).ConfigureAwait(false);
        TransportResult result;
        try
        {
            byte[] packed;
            try
            {
                packed = Packer.PackEncryptedPayload(item.Payload, item.PeerDid, options: new PackOptions { AnonEncryption = DidComm.Crypto.ContentEncryption.A256Gcm }).Packed;
            }
            catch (DidCommException e)
            {
                await Store.FailAsync(item, "cannot encrypt to the counterpart: " + e.Message, ct).ConfigureAwait(false);
                Publish("telegram.failed", item.PeerDid, item.TelegramId);
                return;
            }

            result = await _transport.SendAsync(item.Endpoint, packed, ct).ConfigureAwait(false);
        }
        finally
        {
            slot.Release();
        }

        if (result.Accepted)
        {
            await Store.CompleteAttemptAsync(item, accepted: true, Now + Options.ReceiptWait, ct).ConfigureAwait(false);
            if (item.Kind == OutboxKind.Telegram)
            {
                Publish("telegram.sent", item.PeerDid, item.TelegramId);
            }
        }
        else
        {
            Log.DeliveryNotAccepted(_logger, item.Endpoint, result.Status, result.Detail);
            await Store.CompleteAttemptAsync(item, accepted: false, Now + Backoff(item.Attempts, maxInterval), ct).ConfigureAwait(false);
        }
    }

    /// <summary>Exponential backoff with full jitter between half and the whole interval.</summary>
    private TimeSpan Backoff(int attempts, TimeSpan max)
    {
        double ms = Options.InitialRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts, 30));
        ms = Math.Min(ms, max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ms * (0.5 + (Random.Shared.NextDouble() / 2)));
    }

    private void QueueReceipt(Tie tie, byte[] receipt) => _receipts.Writer.TryWrite((tie, receipt));

    /// <summary>
    /// Receipts are sent as soon as the telegram is registered, best effort: a lost receipt is recovered when the
    /// sender, still holding the telegram, sends it again and gets its original receipt.
    /// </summary>
    private async Task SendReceiptsAsync(CancellationToken ct)
    {
        try
        {
            await Parallel.ForEachAsync(_receipts.Reader.ReadAllAsync(ct), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = ct },
                async (r, c) =>
                {
                    try
                    {
                        byte[] packed = Packer.PackEncryptedPayload(r.Receipt, r.Tie.PeerDid, options: new PackOptions { AnonEncryption = DidComm.Crypto.ContentEncryption.A256Gcm }).Packed;
                        var result = await _transport.SendAsync(r.Tie.PeerEndpoint, packed, c).ConfigureAwait(false);
                        if (!result.Accepted)
                        {
                            Log.DeliveryNotAccepted(_logger, r.Tie.PeerEndpoint, result.Status, result.Detail);
                        }
                    }
                    catch (DidCommException e)
                    {
                        Log.DeliveryNotAccepted(_logger, r.Tie.PeerEndpoint, 0, e.Message);
                    }
                }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Marks a counterpart for the next gap check: something arrived from it.</summary>
    private void NoteArrivalFrom(string peerDid) => _receivedFrom[peerDid] = 0;

    /// <summary>
    /// Finds serials missing below the highest received from each active counterpart; those still missing at the
    /// next check (a lasting gap, not reordering) are requested again with a resend message.
    /// </summary>
    private async Task CheckGapsAsync(CancellationToken ct)
    {
        foreach (var peer in _receivedFrom.Keys.ToArray())
        {
            var serials = await Store.ReceivedSerialsAsync(peer, ct).ConfigureAwait(false);
            var missing = new HashSet<long>();
            long expected = 1;
            foreach (long s in serials)
            {
                for (; expected < s && missing.Count < 10_000; expected++)
                {
                    missing.Add(expected);
                }

                expected = s + 1;
            }

            var previous = _suspectedGaps.GetValueOrDefault(peer);
            _suspectedGaps[peer] = missing;
            if (missing.Count == 0)
            {
                _receivedFrom.TryRemove(peer, out _);
                continue;
            }

            var lasting = previous is null ? [] : missing.Where(previous.Contains).OrderBy(s => s).ToList();
            if (lasting.Count == 0)
            {
                continue;
            }

            var tie = await Store.GetTieAsync(peer, ct).ConfigureAwait(false);
            if (tie is { Status: TieStatus.Established })
            {
                await EnqueueControlAsync(tie, MessageTypes.Resend, new JsonObject
                {
                    ["missing"] = new JsonArray(lasting.Select(s => (JsonNode?)s).ToArray()),
                }, ct).ConfigureAwait(false);
                Log.ResendRequested(_logger, peer, string.Join(',', lasting.Take(20)));
            }
        }
    }
}
