using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>GET /api/events</c>: the agency's events as Server-Sent Events (<c>event: telegram.registered</c>,
/// <c>data: {"kind","counterpart","telegramId","at"}</c>) until the client disconnects, the node stops or the session
/// ends (the token expires or is revoked: see <see cref="Auth.Sessions"/>), with a comment line every
/// <see cref="Heartbeat"/> so proxies keep the connection open and dead clients are noticed.
/// </summary>
/// <remarks>
/// The platform's writer formats the events; it has no comment lines, so the stream's two (<c>: connected</c> when it
/// opens, <c>: heartbeat</c>) are written between its events.
/// </remarks>
internal static class EventStream
{
    /// <summary>Default 15 s: below the idle timeouts of common proxies and load balancers (30–60 s).</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static ServerSentEventsResult<EventView> Handle(Agency agency, IHostApplicationLifetime lifetime, Auth.Sessions sessions,
        ClaimsPrincipal user, HttpResponse response) =>
        TypedResults.ServerSentEvents(ReadAsync(agency.Events, () => sessions.Open(user), response, lifetime.ApplicationStopping));

    private static async IAsyncEnumerable<SseItem<EventView>> ReadAsync(AgencyEvents events, Func<Auth.OpenSession> openSession,
        HttpResponse response, CancellationToken stopping, [EnumeratorCancellation] CancellationToken aborted = default)
    {
        // Subscribe before the headers go out: an event that happens once the client sees the response is not missed.
        using var subscription = events.Subscribe();
        using var session = openSession();
        using var done = CancellationTokenSource.CreateLinkedTokenSource(aborted, stopping, session.Ended);

        // The headers go out before the first event, so the client knows at once that it is listening.
        await CommentAsync(response, "connected", aborted).ConfigureAwait(false);
        var reader = subscription.Reader;
        while (await WaitAsync(reader, session, done.Token).ConfigureAwait(false) is var next && next != Wait.Ended)
        {
            if (next == Wait.Quiet)
            {
                await CommentAsync(response, "heartbeat", aborted).ConfigureAwait(false);
                continue;
            }

            while (reader.TryRead(out var e))
            {
                yield return new SseItem<EventView>(new EventView(e.Kind, e.Counterpart, e.TelegramId, e.At), e.Kind);
            }
        }
    }

    private static async Task CommentAsync(HttpResponse response, string text, CancellationToken ct)
    {
        await response.WriteAsync($": {text}\n\n", ct).ConfigureAwait(false);
        await response.Body.FlushAsync(ct).ConfigureAwait(false);
    }

    private enum Wait
    {
        Events,
        Quiet,
        Ended,
    }

    /// <summary>
    /// Waits a heartbeat at most for events. The stream ends when the client went away, the node is stopping or the
    /// session ended, and after a quiet heartbeat when the token was revoked on another node meanwhile.
    /// </summary>
    private static async Task<Wait> WaitAsync(ChannelReader<AgencyEvent> reader, Auth.OpenSession session, CancellationToken ct)
    {
        using var beat = CancellationTokenSource.CreateLinkedTokenSource(ct);
        beat.CancelAfter(Heartbeat);
        try
        {
            try
            {
                return await reader.WaitToReadAsync(beat.Token).ConfigureAwait(false) ? Wait.Events : Wait.Ended;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // A quiet moment: make sure the token was not revoked on another node meanwhile.
                return await session.CheckAsync(ct).ConfigureAwait(false) ? Wait.Quiet : Wait.Ended;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return Wait.Ended;
        }
    }
}
