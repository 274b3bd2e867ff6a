using System.Diagnostics.Metrics;

using Telex.Server.Api.Metrics;

namespace Telex.Server.Hosting;

/// <summary>
/// Whether the agency's storage accepts writes. An episode of a full disk starts with the first write refused with a
/// <see cref="StorageFullException"/> (logged once, at Error) and ends once <see cref="SettleWrites"/> writes in a row
/// have succeeded (logged at Information), which <see cref="StorageProbe"/> tries while the episode lasts: no restart is
/// needed. A refusal within <see cref="Relapse"/> of the end continues the same episode (logged at Warning, not counted
/// again): a small write can land in space SQLite's files already hold while the disk is still full, and one success is
/// not proof that there is room again. While it lasts,
/// new work is refused (<see cref="StorageGuard"/>), <c>/health</c> says <c>"storage": "full"</c>, <c>/health/ready</c>
/// answers 503, and the gauge <c>telex.storage.full</c> is 1; <c>telex.storage.full.episodes</c> counts the episodes.
/// </summary>
internal sealed partial class StorageStatus
{
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Counter<long> _episodes;
    private readonly Lock _lock = new();
    private DateTimeOffset? _fullSince;
    private DateTimeOffset? _endedAt;
    private DateTimeOffset _episodeStart;
    private int _successes;
    private string _reason = "";

    /// <summary>Writes that must succeed in a row to end an episode: three probes, 0.75 s while full.</summary>
    public const int SettleWrites = 3;

    /// <summary>How soon after an episode ended a refusal counts as the same episode resuming, not a new one.</summary>
    public static readonly TimeSpan Relapse = TimeSpan.FromSeconds(30);

    public StorageStatus(TelexMetrics metrics, ILoggerFactory loggers, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(loggers);
        _logger = loggers.CreateLogger("Telex.Storage");
        _time = time;
        metrics.Meter.CreateObservableGauge("telex.storage.full", () => IsFull ? 1 : 0, unit: "{state}",
            description: "1 while the agency's storage refuses writes (disk full), else 0");
        _episodes = metrics.Meter.CreateCounter<long>("telex.storage.full.episodes", unit: "{episode}",
            description: "Times the agency's storage began refusing writes");
    }

    /// <summary>True while the storage refuses writes.</summary>
    public bool IsFull
    {
        get
        {
            lock (_lock)
            {
                return _fullSince is not null;
            }
        }
    }

    /// <summary>Since when it refuses writes, null when it accepts them.</summary>
    public DateTimeOffset? FullSince
    {
        get
        {
            lock (_lock)
            {
                return _fullSince;
            }
        }
    }

    /// <summary>Episodes so far in this process.</summary>
    public long Episodes { get; private set; }

    /// <summary>A write was refused with <paramref name="e"/>: starts an episode unless one is under way.</summary>
    public void Refused(Exception e)
    {
        bool relapse;
        lock (_lock)
        {
            _successes = 0;
            if (_fullSince is not null)
            {
                return;
            }

            var now = _time.GetUtcNow();
            _reason = Innermost(e).Message;
            relapse = _endedAt is { } ended && now - ended < Relapse;
            _fullSince = relapse ? _episodeStart : now;
            if (!relapse)
            {
                _episodeStart = now;
                Episodes++;
            }
        }

        if (relapse)
        {
            StorageFullAgain(_logger, _reason);
            return;
        }

        _episodes.Add(1);
        StorageFull(_logger, _reason);
    }

    /// <summary>A write succeeded: ends the episode under way once <see cref="SettleWrites"/> have in a row.</summary>
    public void Written()
    {
        DateTimeOffset since;
        lock (_lock)
        {
            if (_fullSince is not { } s || ++_successes < SettleWrites)
            {
                return;
            }

            since = s;
            _fullSince = null;
            _successes = 0;
            _endedAt = _time.GetUtcNow();
        }

        StorageWritable(_logger, _time.GetUtcNow() - since);
    }

    /// <summary>What the problem document and the health check say while the storage is full.</summary>
    public const string Detail = "the agency's storage is full: nothing new can be stored until space is freed; try again later";

    private static Exception Innermost(Exception e)
    {
        var x = e;
        while (x is not StorageFullException && x.InnerException is not null)
        {
            x = x.InnerException;
        }

        return x;
    }

    [LoggerMessage(EventId = 2900, Level = LogLevel.Error,
        Message = "Storage is full: the agency refuses new work until space is freed, and resumes by itself then ({Reason})")]
    private static partial void StorageFull(ILogger logger, string reason);

    [LoggerMessage(EventId = 2902, Level = LogLevel.Warning,
        Message = "Storage is full again soon after it accepted writes: the same episode goes on ({Reason})")]
    private static partial void StorageFullAgain(ILogger logger, string reason);

    [LoggerMessage(EventId = 2901, Level = LogLevel.Information, Message = "Storage accepts writes again after {Duration}; the agency resumes its work")]
    private static partial void StorageWritable(ILogger logger, TimeSpan duration);
}
