using System.Collections.Concurrent;
using System.Diagnostics;

namespace Telex.Cli.Bench;

/// <summary>Latency figures of one phase, milliseconds.</summary>
internal sealed record Latency(double P50, double P95, double P99, double Max)
{
    public static Latency Of(List<double> ms)
    {
        if (ms.Count == 0)
        {
            return new Latency(0, 0, 0, 0);
        }

        ms.Sort();
        return new Latency(At(0.50), At(0.95), At(0.99), ms[^1]);

        double At(double q) => ms[Math.Min(ms.Count - 1, (int)Math.Ceiling(q * ms.Count) - 1)];
    }
}

/// <summary>
/// How a load phase releases: <paramref name="Count"/> telegrams of <paramref name="Size"/> bytes of body, at most
/// <paramref name="Window"/> in flight (closed loop) or at <paramref name="Rate"/> per second (open loop), up to
/// <paramref name="Batch"/> in one release request.
/// </summary>
internal sealed record LoadShape(int Count, int Size, int Window, double? Rate, int Batch);

/// <summary>What one load phase measured.</summary>
internal sealed record LoadResult(int Released, int Delivered, int Failed, double Seconds, double PerSecond, Latency Latency);

/// <summary>
/// Follows the sending agency's event stream for the whole benchmark and remembers when each telegram's verified
/// receipt arrived (<c>telegram.delivered</c>) or its delivery failed; runs what waits on a telegram once it is settled.
/// </summary>
internal sealed class DeliveryWatch
{
    private readonly ConcurrentDictionary<Guid, long> _delivered = new();
    private readonly ConcurrentDictionary<Guid, byte> _failed = new();
    private readonly ConcurrentDictionary<Guid, Action> _waiting = new();
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void OnEvent(string kind, Guid id)
    {
        long now = Stopwatch.GetTimestamp();
        if ((kind == "telegram.delivered" && _delivered.TryAdd(id, now)) || (kind == "telegram.failed" && _failed.TryAdd(id, 0)))
        {
            Interlocked.Increment(ref _count);
            if (_waiting.TryRemove(id, out var then))
            {
                then();
            }
        }
    }

    /// <summary>Runs <paramref name="then"/> once the telegram is delivered or failed: now, when it is already.</summary>
    public void WhenSettled(Guid id, Action then)
    {
        _waiting[id] = then;
        if ((_delivered.ContainsKey(id) || _failed.ContainsKey(id)) && _waiting.TryRemove(id, out var now))
        {
            now();
        }
    }

    public bool TryGetDelivered(Guid id, out long at) => _delivered.TryGetValue(id, out at);

    public bool Failed(Guid id) => _failed.ContainsKey(id);
}

/// <summary>
/// One phase of load: <c>count</c> telegrams released through the sending agency's client API, either closed-loop
/// (at most <c>window</c> telegrams in flight: released and their verified receipt not yet back, as a message
/// benchmark counts messages in flight) or open-loop at a fixed rate (each release starts at its scheduled time whatever
/// happened before, so queueing shows in the latency instead of slowing the load). Latency runs from the release's
/// start (open-loop: its scheduled time) to the verified receipt's arrival at the sender.
/// </summary>
internal static class LoadRun
{
    /// <summary>Release requests under way at once in the open loop.</summary>
    public const int OpenLoopRequests = 4096;

    private static readonly string[] Words =
    [
        "agency", "tie", "issue", "premature", "bureau", "coordination", "telegram", "receipt", "register", "serial",
        "consulate", "delegation", "harbour", "railway", "grain", "shipment", "conference", "minister", "treaty", "border",
        "supply", "aid", "credit", "delivery", "schedule", "proposal", "agreement", "reply", "instruction", "report",
        "situation", "meeting", "visit", "question", "answer", "comrade", "province", "district", "office", "archive",
    ];

    /// <summary>A telegram body of exactly <paramref name="bytes"/> ASCII bytes of words, different for every seed.</summary>
    public static string Body(int bytes, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder(bytes + 16);
        while (text.Length < bytes)
        {
            text.Append(Words[random.Next(Words.Length)]).Append(' ');
        }

        return text.ToString(0, bytes);
    }

    public static async Task<LoadResult> RunAsync(BenchClient sender, string to, DeliveryWatch watch, string phase, LoadShape shape, TimeSpan deadline,
        Action<int, int>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int count = shape.Count;
        double? rate = shape.Rate;
        var started = new long[count];
        var ids = new Guid[count];
        int released = 0;
        int baseline = watch.Count;
        var bodies = Enumerable.Range(0, 64).Select(i => Body(shape.Size, i)).ToArray();

        // Closed loop: a slot is a telegram in flight, freed by its receipt. Open loop: a slot is a release request
        // under way, so that a stalled agency cannot make the generator hold unbounded requests.
        using var slots = new SemaphoreSlim(rate is null ? shape.Window : OpenLoopRequests);
        var inflight = new List<Task>(count);
        long t0 = Stopwatch.GetTimestamp();
        long DueAt(int i) => t0 + (long)(i / rate!.Value * Stopwatch.Frequency);
        for (int i = 0; i < count;)
        {
            if (rate is not null)
            {
                long wait = DueAt(i) - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), ct).ConfigureAwait(false);
                }
            }

            await slots.WaitAsync(ct).ConfigureAwait(false);

            // More telegrams join the request (--batch) while they may go at once: a slot is free (closed loop), their
            // time has come (open loop).
            int n = 1;
            while (n < shape.Batch && i + n < count && (rate is null ? slots.Wait(0, CancellationToken.None) : DueAt(i + n) <= Stopwatch.GetTimestamp()))
            {
                n++;
            }

            long now = Stopwatch.GetTimestamp();
            for (int k = i; k < i + n; k++)
            {
                started[k] = rate is null ? now : DueAt(k);
            }

            int first = i;
            i += n;
            inflight.Add(Task.Run(async () =>
            {
                bool inFlight = false;
                try
                {
                    var subjects = Enumerable.Range(first, n).Select(k => ($"{phase} {k + 1}", bodies[k % bodies.Length])).ToList();
                    var got = shape.Batch == 1
                        ? [await sender.ReleaseAsync(to, subjects[0].Item1, subjects[0].Item2, ct).ConfigureAwait(false)]
                        : await sender.ReleaseBatchAsync(to, subjects, ct).ConfigureAwait(false);
                    got.CopyTo(ids, first);
                    Interlocked.Add(ref released, n);
                    inFlight = rate is null;
                }
                finally
                {
                    if (inFlight)
                    {
                        for (int k = first; k < first + n; k++)
                        {
                            watch.WhenSettled(ids[k], () => slots.Release());
                        }
                    }
                    else
                    {
                        slots.Release(rate is null ? n : 1);
                    }
                }
            }, ct));
            progress?.Invoke(Volatile.Read(ref released), watch.Count - baseline);
        }

        await Task.WhenAll(inflight).ConfigureAwait(false);

        // Every receipt or failure must be seen; the deadline only bounds a fault.
        var until = Stopwatch.GetTimestamp() + (long)(deadline.TotalSeconds * Stopwatch.Frequency);
        while (watch.Count - baseline < count)
        {
            progress?.Invoke(released, watch.Count - baseline);
            if (Stopwatch.GetTimestamp() > until)
            {
                break;
            }

            await Task.Delay(20, ct).ConfigureAwait(false);
        }

        progress?.Invoke(released, watch.Count - baseline);
        var latencies = new List<double>(count);
        long last = t0;
        int failed = 0;
        for (int i = 0; i < count; i++)
        {
            if (watch.TryGetDelivered(ids[i], out long at))
            {
                latencies.Add((at - started[i]) * 1000.0 / Stopwatch.Frequency);
                last = Math.Max(last, at);
            }
            else if (watch.Failed(ids[i]))
            {
                failed++;
            }
        }

        double seconds = (last - t0) / (double)Stopwatch.Frequency;
        return new LoadResult(released, latencies.Count, failed, seconds, seconds > 0 ? latencies.Count / seconds : 0, Latency.Of(latencies));
    }
}
