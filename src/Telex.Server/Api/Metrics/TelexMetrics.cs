using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Telex.Server.Api.Metrics;

/// <summary>
/// The agency's instruments on the meter <see cref="MeterName"/>: <c>telex.outbox.depth</c> (items waiting, per
/// peer), <c>telex.deliveries</c>, <c>telex.failures</c>, <c>telex.registrations</c>, <c>telex.federation.received</c> (bytes posted by peers) and
/// <c>telex.delivery.latency</c> (release to verified receipt). The meter comes from this node's
/// <see cref="IMeterFactory"/>, so several agencies in one process keep their numbers apart.
/// </summary>
internal sealed class TelexMetrics : IDisposable
{
    public const string MeterName = "Telex";

    /// <summary>The outbox depth is read from the store at most this often, however often metrics are scraped.</summary>
    public static readonly TimeSpan DepthRefresh = TimeSpan.FromSeconds(1);

    private readonly ITelexStore _store;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _refreshing = new(1, 1);

    // Every tied peer and every peer ever seen is reported, with 0 for an empty outbox, rather than vanishing.
    private readonly ConcurrentDictionary<string, int> _depth = new(StringComparer.Ordinal);
    private DateTimeOffset _refreshedAt = DateTimeOffset.MinValue;

    public TelexMetrics(IMeterFactory meters, ITelexStore store, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _store = store;
        _time = time;
        Meter = meters.Create(MeterName);
        Meter.CreateObservableGauge("telex.outbox.depth", ObserveDepth, unit: "{item}",
            description: "Telegrams and messages waiting in the outbox, per peer");
        Deliveries = Meter.CreateCounter<long>("telex.deliveries", unit: "{telegram}", description: "Telegrams confirmed by a verified receipt");
        Failures = Meter.CreateCounter<long>("telex.failures", unit: "{telegram}", description: "Telegrams that expired undelivered");
        Registrations = Meter.CreateCounter<long>("telex.registrations", unit: "{telegram}", description: "Inbound telegrams registered");
        FederationBytes = Meter.CreateCounter<long>("telex.federation.received", unit: "By",
            description: "Bytes of DIDComm messages posted to this agency by peers (HTTP bodies)");
        DeliveryLatency = Meter.CreateHistogram<double>("telex.delivery.latency", unit: "ms",
            description: "Time from release to the verified receipt");
    }

    public Meter Meter { get; }

    public Counter<long> Deliveries { get; }

    public Counter<long> Failures { get; }

    public Counter<long> Registrations { get; }

    public Histogram<double> DeliveryLatency { get; }

    public Counter<long> FederationBytes { get; }

    /// <summary>Reads the outbox depth from the store unless it was read less than <see cref="DepthRefresh"/> ago.</summary>
    public async Task RefreshDepthAsync(CancellationToken ct)
    {
        if (_time.GetUtcNow() - _refreshedAt < DepthRefresh)
        {
            return;
        }

        await _refreshing.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_time.GetUtcNow() - _refreshedAt < DepthRefresh)
            {
                return;
            }

            var depth = await _store.Outbox.OutboxDepthAsync(ct).ConfigureAwait(false);
            var ties = await _store.Ties.ListTiesAsync(ct).ConfigureAwait(false);
            foreach (var peer in _depth.Keys.Concat(ties.Where(t => t.Status != TieStatus.Severed).Select(t => t.PeerDid)))
            {
                if (!depth.ContainsKey(peer))
                {
                    _depth[peer] = 0;
                }
            }

            foreach (var (peer, count) in depth)
            {
                _depth[peer] = count;
            }

            _refreshedAt = _time.GetUtcNow();
        }
        finally
        {
            _refreshing.Release();
        }
    }

    /// <summary>The meter itself belongs to the factory, which disposes it with the node.</summary>
    public void Dispose() => _refreshing.Dispose();

    private IEnumerable<Measurement<int>> ObserveDepth() =>
        _depth.Select(kv => new Measurement<int>(kv.Value, new KeyValuePair<string, object?>("peer", kv.Key))).ToArray();
}
