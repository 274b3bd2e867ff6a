using System.Text.Json;
using System.Threading.Channels;

using Telex.Core;
using Telex.Core.Storage;

namespace Telex.Storage.Postgres;

/// <summary>Live events between the nodes sharing the database, with PostgreSQL's LISTEN and NOTIFY.</summary>
public sealed partial class PostgresStore : ISharedEvents
{
    /// <summary>The notification channel.</summary>
    private const string EventChannel = "telex_events";

    /// <summary>A notification's payload, kept well under PostgreSQL's 8000-byte limit (events carry ids, not content).</summary>
    private sealed record WireEvent(string Node, string Kind, string? Counterpart, Guid? TelegramId, long At, long? SinceReleaseMs);

    /// <inheritdoc/>
    public async Task PublishEventsAsync(string node, IReadOnlyList<AgencyEvent> events, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        string[] payloads = [.. events.Select(e => JsonSerializer.Serialize(new WireEvent(node, e.Kind, e.Counterpart, e.TelegramId,
            e.At.ToUnixTimeMilliseconds(), e.SinceRelease is { } s ? (long)s.TotalMilliseconds : null)))];
        await using var c = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        using var cmd = Command(c, null, $"SELECT pg_notify('{EventChannel}', p) FROM unnest(@p) WITH ORDINALITY AS t(p, n) ORDER BY n", ("@p", payloads));
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task ListenEventsAsync(Func<string, AgencyEvent, ValueTask> received, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(received);
        var arrived = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        await using var c = _dataSource.CreateConnection();
        c.Notification += (_, e) => arrived.Writer.TryWrite(e.Payload);
        await c.OpenAsync(ct).ConfigureAwait(false);
        using (var listen = Command(c, null, $"LISTEN {EventChannel}"))
        {
            await listen.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        while (true)
        {
            await c.WaitAsync(ct).ConfigureAwait(false);
            while (arrived.Reader.TryRead(out string? payload))
            {
                WireEvent? e;
                try
                {
                    e = JsonSerializer.Deserialize<WireEvent>(payload);
                }
                catch (JsonException)
                {
                    continue; // Not one of ours: the channel is Telex's, but nothing stops another client notifying on it.
                }

                if (e is null)
                {
                    continue;
                }

                await received(e.Node, new AgencyEvent(e.Kind, e.Counterpart, e.TelegramId, DateTimeOffset.FromUnixTimeMilliseconds(e.At))
                {
                    SinceRelease = e.SinceReleaseMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
                }).ConfigureAwait(false);
            }
        }
    }
}
