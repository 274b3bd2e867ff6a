using System.Collections.Concurrent;

namespace Telex.Core.Background;

/// <summary>
/// Watches the serials received from each counterpart: serials missing below the highest received are noted, and those
/// still missing at the next check (a lasting gap, not reordering) are asked for again with a resend message. Checks
/// every <see cref="AgencyOptions.GapGrace"/> while some counterpart is watched, and sleeps until something arrives when
/// none is.
/// </summary>
internal sealed class GapWatcher(AgencyContext context, ControlSender sendControl) : IAgencyWorker, IDisposable
{
    private readonly WakeSignal _arrived = new();
    private readonly ConcurrentDictionary<string, byte> _receivedFrom = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HashSet<long>> _suspectedGaps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Dictionary<long, DateTimeOffset>> _askedGaps = new(StringComparer.Ordinal);

    public string Name => "gap watcher";

    /// <summary>Marks a counterpart for the next check: something arrived from it.</summary>
    public void NoteArrivalFrom(string peerDid)
    {
        _receivedFrom[peerDid] = 0;
        _arrived.Set();
    }

    /// <summary>Watches a counterpart that rotated its keys under its new DID.</summary>
    public void Follow(string oldDid, string newDid)
    {
        if (_receivedFrom.TryRemove(oldDid, out _))
        {
            NoteArrivalFrom(newDid);
        }
    }

    public Task RunAsync(CancellationToken ct) => WorkerLoop.RunAsync(async c =>
    {
        // Nothing watched (every gap closed, or nothing arrived yet): nothing to check until something arrives.
        if (_receivedFrom.IsEmpty)
        {
            await _arrived.WaitAsync(Timeout.InfiniteTimeSpan, context.Time, c).ConfigureAwait(false);
        }

        await Task.Delay(context.Options.GapGrace, context.Time, c).ConfigureAwait(false);
        await CheckAsync(c).ConfigureAwait(false);
    }, context.Logger, TimeSpan.FromMilliseconds(500), ct);

    public void Dispose() => _arrived.Dispose();

    /// <summary>Drops what the checks hold about a counterpart, until something arrives from it again.</summary>
    private void Forget(string peerDid)
    {
        _receivedFrom.TryRemove(peerDid, out _);
        _suspectedGaps.TryRemove(peerDid, out _);
        _askedGaps.TryRemove(peerDid, out _);
    }

    /// <summary>One check of every counterpart something arrived from.</summary>
    internal async Task CheckAsync(CancellationToken ct)
    {
        foreach (var peer in _receivedFrom.Keys.ToArray())
        {
            var serials = await context.Store.Telegrams.ReceivedSerialsAsync(peer, ct).ConfigureAwait(false);
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
                Forget(peer);
                continue;
            }

            var lasting = previous is null ? [] : missing.Where(previous.Contains).OrderBy(s => s).ToList();
            if (lasting.Count == 0)
            {
                continue;
            }

            var tie = await context.Store.Ties.GetTieAsync(peer, ct).ConfigureAwait(false);
            if (tie is not { Status: TieStatus.Established })
            {
                // Nothing can be asked of a sender without an established tie (one heard of through a relay, a suspended or
                // severed tie): it is forgotten until something arrives from it again, not kept and checked for ever.
                Forget(peer);
                continue;
            }

            // A serial is asked for once per retry interval of the tie: the request itself is retried by the outbox until
            // the counterpart takes it, so asking at every check would queue one more request every few seconds for as
            // long as the counterpart leaves the gap open or cannot be reached.
            var now = context.Now;
            var asked = _askedGaps.GetValueOrDefault(peer) ?? new Dictionary<long, DateTimeOffset>();
            var recent = lasting.Where(s => asked.TryGetValue(s, out var at) && now - at < tie.Terms.MaxRetryInterval).ToHashSet();
            var due = lasting.Where(s => !recent.Contains(s)).ToList();
            _askedGaps[peer] = lasting.ToDictionary(s => s, s => recent.Contains(s) ? asked[s] : now);
            if (due.Count == 0)
            {
                continue;
            }

            await sendControl(tie, MessageTypes.Resend, new JsonObject
            {
                ["missing"] = new JsonArray(due.Select(s => (JsonNode?)s).ToArray()),
            }, ct).ConfigureAwait(false);
            Log.ResendRequested(context.Logger, tie.PeerName, string.Join(',', due.Take(20)));
        }
    }
}

/// <summary>Queues a control message of <paramref name="type"/> to a counterpart through the outbox.</summary>
internal delegate Task ControlSender(Tie tie, string type, JsonObject body, CancellationToken ct);
