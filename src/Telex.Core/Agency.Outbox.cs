using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Threading.Channels;

using Telex.Core.Model;
using Telex.Core.Protocol;
using Telex.Core.Storage;
using Telex.DidComm;

namespace Telex.Core;

/// <summary>A registered telegram whose receipt is still to be signed.</summary>
internal readonly record struct ReceiptEntry(Guid Id, string Hash, long RegistryNumber, DateTimeOffset At);

/// <summary>A receipt to send: new entries to sign, or the receipt kept for a telegram that arrived again.</summary>
internal sealed record PendingReceipt(Tie Tie, ReceiptEntry? Entry, byte[]? Stored)
{
    /// <summary>The relay the telegram came through, which the receipt goes back through; null when direct.</summary>
    public string? Via { get; init; }
}

public sealed partial class Agency
{
    /// <summary>Telegrams one receipt covers at most; the receiving side accepts up to 10,000.</summary>
    private const int MaxReceiptEntries = 1000;

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _peerSlots = new(StringComparer.Ordinal);
    private readonly Channel<PendingReceipt> _receipts =
        Channel.CreateBounded<PendingReceipt>(new BoundedChannelOptions(100_000) { FullMode = BoundedChannelFullMode.DropOldest });

    private readonly ConcurrentDictionary<string, byte> _receivedFrom = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HashSet<long>> _suspectedGaps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Dictionary<long, DateTimeOffset>> _askedGaps = new(StringComparer.Ordinal);

    /// <summary>
    /// Delivers the outbox until cancelled: claims due items, packs and posts them with bounded concurrency per
    /// peer, backs off with jitter on failure, fails what expires; sends receipts; asks for serials that stay missing.
    /// </summary>
    public async Task RunAsync(CancellationToken ct)
    {
        await Store.ReleaseClaimsAsync(Options.NodeId, ct).ConfigureAwait(false);
        await Store.ReleaseRelayClaimsAsync(Options.NodeId, ct).ConfigureAwait(false);
        await Keys.ResumeRotationsAsync(ct).ConfigureAwait(false);
        var receiptLoop = Task.Run(() => SendReceiptsAsync(ct), CancellationToken.None);
        var sharing = Store is ISharedEvents shared ? ShareEventsAsync(shared, ct) : Task.CompletedTask;
        var nextGapCheck = Now + Options.GapGrace;
        var nextCheckpoint = Now + Options.CheckpointInterval;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (Now >= nextCheckpoint)
                {
                    nextCheckpoint = Now + Options.CheckpointInterval;
                    await Register.CheckpointIfGrownAsync(ct).ConfigureAwait(false);
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

                if (await DispatchRelaysAsync(ct).ConfigureAwait(false))
                {
                    continue;
                }

                await Context.WaitForWorkAsync(TimeSpan.FromMilliseconds(100), ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // The dispatcher must outlive any single failure; it logs and carries on.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.WorkFailed(_logger, e);
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
        await sharing.ConfigureAwait(false);
    }

    private async Task DeliverAsync(OutboxItem item, CancellationToken ct)
    {
        var now = Now;
        if (now >= item.ExpiresAt)
        {
            string reason = $"not delivered before its expiry ({item.Attempts} attempts)";
            await Store.FailAsync(item, reason, ct).ConfigureAwait(false);
            Log.DeliveryFailed(_logger, item.TelegramId, await Directory.CounterpartNameAsync(item.PeerDid, ct).ConfigureAwait(false), reason);
            Publish("telegram.failed", item.PeerDid, item.TelegramId);
            return;
        }

        var tie = await Store.GetTieAsync(item.PeerDid, ct).ConfigureAwait(false);
        var maxInterval = tie?.Terms.MaxRetryInterval ?? TieTerms.Default.MaxRetryInterval;
        if (item.Kind == OutboxKind.Telegram && tie is null or { Status: TieStatus.None }
            && await Store.GetTelegramAsync(item.TelegramId!.Value, Direction.Outbound, ct).ConfigureAwait(false) is { RelayPath.Count: > 0 } relayed)
        {
            await DeliverRelayedAsync(item, relayed.RelayPath[0], ct).ConfigureAwait(false);
            return;
        }

        // A message on an issue to an agency taking part without a tie goes through the relay the directory knows it by.
        if (item.Kind == OutboxKind.Message && tie is null or { Status: TieStatus.None })
        {
            if (await RelayForAsync(item.PeerDid, ct).ConfigureAwait(false) is { } relay)
            {
                await DeliverRelayedAsync(item, relay.PeerDid, ct).ConfigureAwait(false);
            }
            else
            {
                await Store.CompleteAttemptAsync(item, accepted: false, now + Backoff(item.Attempts, maxInterval), ct).ConfigureAwait(false);
            }

            return;
        }

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
                // Encrypted to the counterpart's current keys: an item queued before it rotated goes to its new DID.
                packed = Packer.PackEncryptedPayload(item.Payload, new PackEncryptedOptions
                {
                    To = tie?.PeerDid ?? item.PeerDid,
                    AnonEncryption = DidComm.Crypto.ContentEncryption.A256Gcm,
                }).Packed;
            }
            catch (DidCommException e)
            {
                await Store.FailAsync(item, "cannot encrypt to the counterpart: " + e.Message, ct).ConfigureAwait(false);
                Publish("telegram.failed", item.PeerDid, item.TelegramId);
                return;
            }

            result = await _transport.SendAsync(tie?.PeerEndpoint ?? item.Endpoint, packed, ct).ConfigureAwait(false);
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

    private void QueueReceipt(PendingReceipt receipt) => _receipts.Writer.TryWrite(receipt);

    /// <summary>
    /// Sends receipts once their telegrams are registered, best effort: a lost receipt is recovered when the sender,
    /// still holding the telegram, sends it again and gets its original receipt. Whatever waits while earlier receipts
    /// are on their way is signed as one receipt per counterpart: one signature, one message and one commit for many
    /// telegrams under load, and no waiting when the agency is quiet.
    /// </summary>
    private async Task SendReceiptsAsync(CancellationToken ct)
    {
        using var slots = new SemaphoreSlim(Options.MaxConcurrentReceiptSends);
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
                            await SendReceiptAsync(tie, via, stored, entries, ct).ConfigureAwait(false);
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
        for (int i = 0; i < Options.MaxConcurrentReceiptSends; i++)
        {
            await slots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task SendReceiptAsync(Tie tie, string? via, byte[]? stored, List<ReceiptEntry>? entries, CancellationToken ct)
    {
        string endpoint = tie.PeerEndpoint;
        try
        {
            byte[] receipt = stored ?? SignReceipt(tie.PeerDid, entries!);

            // Kept, and entered in the register's chain, before it goes: whoever holds this receipt can find it in the
            // register, and a telegram arriving again gets this same receipt.
            if (entries is not null)
            {
                await Store.AttachReceiptAsync(entries.Select(e => e.Id).ToList(), receipt, ct).ConfigureAwait(false);
            }

            byte[] packed;
            if (via is null)
            {
                packed = Packer.PackEncryptedPayload(receipt, new PackEncryptedOptions
                {
                    To = tie.PeerDid,
                    AnonEncryption = DidComm.Crypto.ContentEncryption.A256Gcm,
                }).Packed;
            }
            else if (await Store.GetTieAsync(via, ct).ConfigureAwait(false) is { Status: TieStatus.Established } relay)
            {
                // A relayed telegram's receipt goes back the way it came.
                endpoint = relay.PeerEndpoint;
                packed = PackForRelay(receipt, tie.PeerDid, relay.PeerDid);
            }
            else
            {
                Log.DeliveryNotAccepted(_logger, via, 0, "no established tie with the relay to send the receipt back through");
                return;
            }

            var result = await _transport.SendAsync(endpoint, packed, ct).ConfigureAwait(false);
            if (!result.Accepted)
            {
                Log.DeliveryNotAccepted(_logger, endpoint, result.Status, result.Detail);
            }
        }
        catch (DidCommException e)
        {
            Log.DeliveryNotAccepted(_logger, endpoint, 0, e.Message);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A receipt that cannot be sent now is sent again when its telegram arrives again.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.WorkFailed(_logger, e);
        }
    }

    /// <summary>Marks a counterpart for the next gap check: something arrived from it.</summary>
    private void NoteArrivalFrom(string peerDid) => _receivedFrom[peerDid] = 0;

    /// <summary>A counterpart rotated its keys: what arrived under its old DID counts for the new one at the next gap check.</summary>
    private void OnCounterpartRotated(string oldDid, string newDid)
    {
        if (_receivedFrom.TryRemove(oldDid, out _))
        {
            NoteArrivalFrom(newDid);
        }
    }

    /// <summary>Drops what the gap checks hold about a counterpart, until something arrives from it again.</summary>
    private void ForgetGaps(string peerDid)
    {
        _receivedFrom.TryRemove(peerDid, out _);
        _suspectedGaps.TryRemove(peerDid, out _);
        _askedGaps.TryRemove(peerDid, out _);
    }

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
                ForgetGaps(peer);
                continue;
            }

            var lasting = previous is null ? [] : missing.Where(previous.Contains).OrderBy(s => s).ToList();
            if (lasting.Count == 0)
            {
                continue;
            }

            var tie = await Store.GetTieAsync(peer, ct).ConfigureAwait(false);
            if (tie is not { Status: TieStatus.Established })
            {
                // Nothing can be asked of a sender without an established tie (one heard of through a relay, a suspended or
                // severed tie): it is forgotten until something arrives from it again, not kept and checked for ever.
                ForgetGaps(peer);
            }
            else
            {
                // A serial is asked for once per retry interval of the tie: the request itself is retried by the outbox until
                // the counterpart takes it, so asking at every check would queue one more request every few seconds for as
                // long as the counterpart leaves the gap open or cannot be reached.
                var now = Now;
                var asked = _askedGaps.GetValueOrDefault(peer) ?? new Dictionary<long, DateTimeOffset>();
                var recent = lasting.Where(s => asked.TryGetValue(s, out var at) && now - at < tie.Terms.MaxRetryInterval).ToHashSet();
                var due = lasting.Where(s => !recent.Contains(s)).ToList();
                _askedGaps[peer] = lasting.ToDictionary(s => s, s => recent.Contains(s) ? asked[s] : now);
                if (due.Count == 0)
                {
                    continue;
                }

                await Ties.EnqueueControlAsync(tie, MessageTypes.Resend, new JsonObject
                {
                    ["missing"] = new JsonArray(due.Select(s => (JsonNode?)s).ToArray()),
                }, ct).ConfigureAwait(false);
                Log.ResendRequested(_logger, tie.PeerName, string.Join(',', due.Take(20)));
            }
        }
    }
}
