using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Telex.Core;

/// <summary>Something that happened at the agency, for live streams (SSE) and tests.</summary>
/// <param name="Kind">e.g. <c>telegram.registered</c>, <c>telegram.delivered</c>, <c>telegram.failed</c>, <c>tie.established</c>.</param>
/// <param name="Counterpart">The counterpart DID, if any.</param>
/// <param name="TelegramId">The telegram, if any.</param>
/// <param name="At">When.</param>
public sealed record AgencyEvent(string Kind, string? Counterpart, Guid? TelegramId, DateTimeOffset At)
{
    /// <summary>For <c>telegram.delivered</c>: the time from release to the verified receipt.</summary>
    public TimeSpan? SinceRelease { get; init; }

    /// <summary>
    /// Whether another node of the agency raised it (with a shared store): its subscribers see it, but what counts the
    /// node's own work (its metrics) leaves it to the node that did the work, so the nodes' figures add up.
    /// </summary>
    public bool FromOtherNode { get; init; }
}

/// <summary>Fan-out of <see cref="AgencyEvent"/>s to subscribers; a slow subscriber loses its oldest events, never blocks the agency.</summary>
public sealed class AgencyEvents
{
    private readonly ConcurrentDictionary<Channel<AgencyEvent>, byte> _subscribers = new();

    /// <summary>Subscribes; dispose the subscription to stop.</summary>
    public Subscription Subscribe(int capacity = 1024)
    {
        var channel = Channel.CreateBounded<AgencyEvent>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest });
        _subscribers[channel] = 0;
        return new Subscription(this, channel);
    }

    internal void Publish(AgencyEvent e)
    {
        foreach (var c in _subscribers.Keys)
        {
            c.Writer.TryWrite(e);
        }
    }

    /// <summary>A live subscription.</summary>
    public sealed class Subscription : IDisposable
    {
        private readonly AgencyEvents _owner;
        private readonly Channel<AgencyEvent> _channel;

        internal Subscription(AgencyEvents owner, Channel<AgencyEvent> channel)
        {
            _owner = owner;
            _channel = channel;
        }

        /// <summary>The events.</summary>
        public ChannelReader<AgencyEvent> Reader => _channel.Reader;

        /// <summary>Stops the subscription.</summary>
        public void Dispose()
        {
            _owner._subscribers.TryRemove(_channel, out _);
            _channel.Writer.TryComplete();
        }
    }
}
