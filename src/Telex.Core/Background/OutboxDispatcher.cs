using System.Collections.Concurrent;

using Telex.Core.Relay;

namespace Telex.Core.Background;

/// <summary>
/// Delivers the outbox: claims due items, packs and posts them (to the counterpart, or through a relay to an agency
/// without a tie) with bounded concurrency per counterpart, backs off with jitter on failure, fails what expires. Between
/// passes it sleeps until the outbox's next due time (a retry, a receipt check, a claim lapsing), or until work is queued
/// here or on another node (<see cref="AgencyContext.Wake"/>), and at most <see cref="AgencyOptions.IdleRecheck"/>: an idle
/// agency does nothing.
/// </summary>
internal sealed class OutboxDispatcher(AgencyContext context, RelayService relays, Func<CancellationToken, Task<int>> resumeRotations,
    CounterpartNamer nameOf) : IAgencyWorker, IDisposable
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _peerSlots = new(StringComparer.Ordinal);

    /// <summary>Passes in a row that found an item due but could not claim it.</summary>
    private int _dueButUnclaimed;

    public string Name => "outbox dispatcher";

    private ITelexStore Store => context.Store;

    private AgencyOptions Options => context.Options;

    public async Task RunAsync(CancellationToken ct)
    {
        // Items this node claimed before a restart are its own to deliver again; rotations cut short are announced.
        await Store.Outbox.ReleaseClaimsAsync(Options.NodeId, ct).ConfigureAwait(false);
        await resumeRotations(ct).ConfigureAwait(false);
        await WorkerLoop.RunAsync(PassAsync, context.Logger, TimeSpan.FromMilliseconds(500), ct).ConfigureAwait(false);
    }

    private async Task PassAsync(CancellationToken ct)
    {
        var items = await Store.Outbox.ClaimDueAsync(context.Now, Options.DispatchBatch, Options.ClaimLease, Options.NodeId, ct).ConfigureAwait(false);
        if (items.Count > 0)
        {
            _dueButUnclaimed = 0;
            await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = Options.DispatchConcurrency, CancellationToken = ct },
                (item, c) => new ValueTask(DeliverAsync(item, c))).ConfigureAwait(false);
            return;
        }

        // Work queued after the claim above either shows in the due time or wakes the wait: none is missed.
        var wait = Options.IdleRecheck;
        if (await Store.Outbox.NextDueAsync(ct).ConfigureAwait(false) is { } next)
        {
            var untilDue = next - context.Now;
            if (untilDue <= TimeSpan.Zero)
            {
                // Due already yet not claimed: queued just now, or a claim lapsing this instant. Look again, but first let
                // the clock move, so that an instant that lasts (a test's stopped clock) cannot spin the loop.
                _dueButUnclaimed++;
                untilDue = _dueButUnclaimed > 1 ? TimeSpan.FromMilliseconds(1) : TimeSpan.Zero;
            }
            else
            {
                _dueButUnclaimed = 0;
            }

            wait = untilDue < wait ? untilDue : wait;
        }

        if (wait > TimeSpan.Zero)
        {
            await context.WaitForWorkAsync(wait, ct).ConfigureAwait(false);
        }
    }

    private async Task DeliverAsync(OutboxItem item, CancellationToken ct)
    {
        var now = context.Now;
        if (now >= item.ExpiresAt)
        {
            string reason = $"not delivered before its expiry ({item.Attempts} attempts)";
            await Store.Outbox.FailAsync(item, reason, ct).ConfigureAwait(false);
            Log.DeliveryFailed(context.Logger, item.TelegramId, await nameOf(item.PeerDid, ct).ConfigureAwait(false), reason);
            context.Publish("telegram.failed", item.PeerDid, item.TelegramId);
            return;
        }

        var tie = await Store.Ties.GetTieAsync(item.PeerDid, ct).ConfigureAwait(false);
        var maxInterval = tie?.Terms.MaxRetryInterval ?? TieTerms.Default.MaxRetryInterval;
        if (item.Kind == OutboxKind.Telegram && tie is null or { Status: TieStatus.None }
            && await Store.Telegrams.GetTelegramAsync(item.TelegramId!.Value, Direction.Outbound, ct).ConfigureAwait(false) is { RelayPath.Count: > 0 } relayed)
        {
            await DeliverRelayedAsync(item, relayed.RelayPath[0], ct).ConfigureAwait(false);
            return;
        }

        // A message on an issue to an agency taking part without a tie goes through the relay the directory knows it by.
        if (item.Kind == OutboxKind.Message && tie is null or { Status: TieStatus.None })
        {
            if (await relays.RelayForAsync(item.PeerDid, ct).ConfigureAwait(false) is { } relay)
            {
                await DeliverRelayedAsync(item, relay.PeerDid, ct).ConfigureAwait(false);
            }
            else
            {
                await Store.Outbox.CompleteAttemptAsync(item, accepted: false, now + Backoff.After(Options, item.Attempts, maxInterval), ct).ConfigureAwait(false);
            }

            return;
        }

        if (item.Kind == OutboxKind.Telegram && tie is not { Status: TieStatus.Established })
        {
            await Store.Outbox.CompleteAttemptAsync(item, accepted: false, now + Backoff.After(Options, item.Attempts, maxInterval), ct).ConfigureAwait(false);
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
                packed = context.Packer.PackEncryptedPayload(item.Payload, new PackEncryptedOptions
                {
                    To = tie?.PeerDid ?? item.PeerDid,
                    AnonEncryption = DidComm.Crypto.ContentEncryption.A256Gcm,
                }).Packed;
            }
            catch (DidCommException e)
            {
                await Store.Outbox.FailAsync(item, "cannot encrypt to the counterpart: " + e.Message, ct).ConfigureAwait(false);
                context.Publish("telegram.failed", item.PeerDid, item.TelegramId);
                return;
            }

            result = await context.Transport.SendAsync(tie?.PeerEndpoint ?? item.Endpoint, packed, ct).ConfigureAwait(false);
        }
        finally
        {
            slot.Release();
        }

        await CompleteAsync(item, result, maxInterval, item.Endpoint, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Delivers an outbox item through the relay <paramref name="relayDid"/> (a relayed telegram's first hop, or the relay
    /// a message on an issue goes through to an agency taking part without a tie). A relay that refuses the pair fails
    /// the item at once (its policy will not change by retrying); any other failure backs off and retries.
    /// </summary>
    private async Task DeliverRelayedAsync(OutboxItem item, string relayDid, CancellationToken ct)
    {
        var relay = await Store.Ties.GetTieAsync(relayDid, ct).ConfigureAwait(false);
        var maxInterval = relay?.Terms.MaxRetryInterval ?? TieTerms.Default.MaxRetryInterval;
        if (relay is not { Status: TieStatus.Established })
        {
            await Store.Outbox.CompleteAttemptAsync(item, accepted: false, context.Now + Backoff.After(Options, item.Attempts, maxInterval), ct).ConfigureAwait(false);
            return;
        }

        byte[] packed;
        try
        {
            packed = relays.PackThrough(item.Payload, item.PeerDid, relay.PeerDid);
        }
        catch (DidCommException e)
        {
            await Store.Outbox.FailAsync(item, "cannot encrypt to the recipient or the relay: " + e.Message, ct).ConfigureAwait(false);
            PublishRelayedFailure(item);
            return;
        }

        var result = await context.Transport.SendAsync(relay.PeerEndpoint, packed, ct).ConfigureAwait(false);
        if (!result.Accepted && result.Code == RelayService.RefusedCode)
        {
            string reason = $"refused by the relay {relay.PeerName}: it does not relay between this agency and the recipient";
            await Store.Outbox.FailAsync(item, reason, ct).ConfigureAwait(false);
            Log.DeliveryFailed(context.Logger, item.TelegramId, await nameOf(item.PeerDid, ct).ConfigureAwait(false), reason);
            PublishRelayedFailure(item);
            return;
        }

        await CompleteAsync(item, result, maxInterval, relay.PeerEndpoint, ct).ConfigureAwait(false);
    }

    /// <summary>Files an attempt: accepted, it waits for its receipt; not accepted, it is tried again after a backoff.</summary>
    private async Task CompleteAsync(OutboxItem item, TransportResult result, TimeSpan maxInterval, string endpoint, CancellationToken ct)
    {
        if (result.Accepted)
        {
            await Store.Outbox.CompleteAttemptAsync(item, accepted: true, context.Now + Options.ReceiptWait, ct).ConfigureAwait(false);
            if (item.Kind == OutboxKind.Telegram)
            {
                context.Publish("telegram.sent", item.PeerDid, item.TelegramId);
            }
        }
        else
        {
            Log.DeliveryNotAccepted(context.Logger, endpoint, result.Status, result.Detail);
            await Store.Outbox.CompleteAttemptAsync(item, accepted: false, context.Now + Backoff.After(Options, item.Attempts, maxInterval), ct).ConfigureAwait(false);
        }
    }

    /// <summary>A relayed telegram that failed is announced; a message on an issue that failed only leaves its trace in the log.</summary>
    private void PublishRelayedFailure(OutboxItem item)
    {
        if (item.Kind == OutboxKind.Telegram)
        {
            context.Publish("telegram.failed", item.PeerDid, item.TelegramId);
        }
    }

    public void Dispose()
    {
        foreach (var slot in _peerSlots.Values)
        {
            slot.Dispose();
        }
    }
}

/// <summary>The name a person reads for a counterpart's DID (its tie's or directory entry's name).</summary>
internal delegate Task<string> CounterpartNamer(string did, CancellationToken ct);
