using System.Diagnostics.Metrics;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

using Telex.Core.Storage;
using Telex.Server.Api.Metrics;
using Telex.Server.Hosting;

namespace Telex.Server.Tests.Faults;

/// <summary>
/// When an episode of a full disk ends: a small write can land in space SQLite's files already hold while the disk is
/// still full, so one success must not end it, and a refusal soon after an end must not count as a new episode.
/// </summary>
public sealed class StorageStatusTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ManualTime _time = new();
    private readonly TelexMetrics _metrics;
    private readonly StorageStatus _status;

    public StorageStatusTests()
    {
        _metrics = new TelexMetrics(_services.GetRequiredService<IMeterFactory>(), store: null!, _time);
        _status = new StorageStatus(_metrics, NullLoggerFactory.Instance, _time);
    }

    [Fact]
    public void One_successful_write_during_an_episode_does_not_end_it_but_enough_in_a_row_do()
    {
        _status.Refused(new StorageFullException("database or disk is full"));
        Assert.True(_status.IsFull);

        for (int i = 1; i < StorageStatus.SettleWrites; i++)
        {
            _status.Written();
            Assert.True(_status.IsFull);
        }

        // A refusal resets the count: the writes that settle an episode must come in a row.
        _status.Refused(new StorageFullException("database or disk is full"));
        for (int i = 1; i < StorageStatus.SettleWrites; i++)
        {
            _status.Written();
        }

        Assert.True(_status.IsFull);
        _status.Written();
        Assert.False(_status.IsFull);
        Assert.Equal(1, _status.Episodes);
    }

    [Fact]
    public void A_refusal_soon_after_an_episode_ended_continues_it_and_a_later_one_starts_a_new_one()
    {
        var start = _time.GetUtcNow();
        _status.Refused(new StorageFullException("database or disk is full"));
        Settle();

        _time.Advance(StorageStatus.Relapse / 2);
        _status.Refused(new StorageFullException("database or disk is full"));
        Assert.True(_status.IsFull);
        Assert.Equal(1, _status.Episodes);
        Assert.Equal(start, _status.FullSince);
        Settle();

        _time.Advance(StorageStatus.Relapse + TimeSpan.FromSeconds(1));
        _status.Refused(new StorageFullException("database or disk is full"));
        Assert.Equal(2, _status.Episodes);
        Assert.Equal(_time.GetUtcNow(), _status.FullSince);
    }

    public void Dispose()
    {
        _metrics.Dispose();
        _services.Dispose();
    }

    private void Settle()
    {
        for (int i = 0; i < StorageStatus.SettleWrites; i++)
        {
            _status.Written();
        }

        Assert.False(_status.IsFull);
    }

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 11, 27, 1, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
