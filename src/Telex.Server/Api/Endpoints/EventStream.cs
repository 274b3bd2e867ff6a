using System.Reflection;
using System.Security.Claims;
using System.Text.Json;

using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

using Telex.Core;
using Telex.Server.Api.Contracts;

namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>GET /api/events</c>: the agency's events as Server-Sent Events (<c>event: telegram.registered</c>,
/// <c>data: {"kind","counterpart","telegramId","at"}</c>) until the client disconnects, the node stops or the session
/// ends (the token expires or is revoked: see <see cref="Auth.Sessions"/>), with a comment line every
/// <see cref="Heartbeat"/> so proxies keep the connection open and dead clients are noticed.
/// </summary>
internal static class EventStream
{
    /// <summary>Default 15 s: below the idle timeouts of common proxies and load balancers (30–60 s).</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static EventStreamResult Handle(Agency agency, IOptions<JsonOptions> json, IHostApplicationLifetime lifetime, Auth.Sessions sessions,
        ClaimsPrincipal user) =>
        new(agency.Events, json.Value.SerializerOptions, Heartbeat, () => sessions.Open(user), lifetime.ApplicationStopping);
}

/// <summary>Writes the event stream; typed, so the OpenAPI document says what it produces.</summary>
internal sealed class EventStreamResult(AgencyEvents events, JsonSerializerOptions json, TimeSpan heartbeat, Func<Auth.OpenSession> openSession,
    CancellationToken stopping)
    : IResult, IEndpointMetadataProvider
{
    public const string ContentType = "text/event-stream";

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);

        // Subscribe before the headers go out: an event that happens once the client sees the response is not missed.
        using var subscription = events.Subscribe();
        using var session = openSession();
        using var done = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, stopping, session.Ended);
        var ct = done.Token;
        var response = httpContext.Response;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-cache";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        try
        {
            await response.WriteAsync(": connected\n\n", ct).ConfigureAwait(false);
            await response.Body.FlushAsync(ct).ConfigureAwait(false);
            var reader = subscription.Reader;
            while (!ct.IsCancellationRequested)
            {
                using var beat = CancellationTokenSource.CreateLinkedTokenSource(ct);
                beat.CancelAfter(heartbeat);
                try
                {
                    if (!await reader.WaitToReadAsync(beat.Token).ConfigureAwait(false))
                    {
                        return;
                    }
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // A quiet moment: make sure the token was not revoked on another node meanwhile.
                    if (!await session.CheckAsync(ct).ConfigureAwait(false))
                    {
                        return;
                    }

                    await response.WriteAsync(": heartbeat\n\n", ct).ConfigureAwait(false);
                    await response.Body.FlushAsync(ct).ConfigureAwait(false);
                    continue;
                }

                while (reader.TryRead(out var e))
                {
                    string data = JsonSerializer.Serialize(new EventView(e.Kind, e.Counterpart, e.TelegramId, e.At), json);
                    await response.WriteAsync($"event: {e.Kind}\ndata: {data}\n\n", ct).ConfigureAwait(false);
                }

                await response.Body.FlushAsync(ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away, the node is stopping or the session ended: the stream simply ends.
        }
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(EventView), [ContentType]));
    }
}
