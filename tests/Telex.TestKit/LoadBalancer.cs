using System.Net;
using System.Net.Sockets;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Telex.TestKit;

/// <summary>
/// A load balancer on a loopback port in front of several nodes of one agency, as an operator would run one: each
/// request goes to the next node in turn (round robin); a node that does not answer is passed over and the request
/// goes to the next one; when none answers the caller gets 502. Counts the requests each node answered.
/// </summary>
public sealed class LoadBalancer : IAsyncDisposable
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { Timeout = TimeSpan.FromSeconds(30) };
    private readonly WebApplication _app;
    private readonly Uri[] _backends;
    private readonly long[] _answered;
    private int _next = -1;

    private LoadBalancer(WebApplication app, int port, Uri[] backends)
    {
        _app = app;
        Port = port;
        _backends = backends;
        _answered = new long[backends.Length];
    }

    /// <summary>The balancer's port.</summary>
    public int Port { get; }

    /// <summary>Requests each node answered, in the order the nodes were given.</summary>
    public IReadOnlyList<long> Answered => [.. Enumerable.Range(0, _answered.Length).Select(i => Interlocked.Read(ref _answered[i]))];

    /// <summary>A free loopback port (for the balancer, whose address goes into the agency's DID before its nodes exist).</summary>
    public static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>Starts a balancer on loopback <paramref name="port"/> in front of <paramref name="backendPorts"/>.</summary>
    public static async Task<LoadBalancer> StartAsync(int port, params int[] backendPorts)
    {
        ArgumentNullException.ThrowIfNull(backendPorts);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var balancer = new LoadBalancer(app, port, [.. backendPorts.Select(p => new Uri($"http://127.0.0.1:{p}"))]);
        app.Run(balancer.ForwardAsync);
        await app.StartAsync().ConfigureAwait(false);
        return balancer;
    }

    private async Task ForwardAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        byte[] content = body.ToArray();
        int first = Interlocked.Increment(ref _next);
        for (int i = 0; i < _backends.Length; i++)
        {
            int backend = (int)((uint)(first + i) % (uint)_backends.Length);
            using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method),
                new Uri(_backends[backend], context.Request.Path + context.Request.QueryString));
            request.Content = new ByteArrayContent(content);
            if (context.Request.ContentType is { } type)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }

            if (context.Request.Headers.Authorization.Count > 0)
            {
                request.Headers.TryAddWithoutValidation("Authorization", context.Request.Headers.Authorization.ToString());
            }

            HttpResponseMessage response;
            try
            {
                response = await Http.SendAsync(request, context.RequestAborted).ConfigureAwait(false);
            }
            catch (HttpRequestException)
            {
                continue; // That node does not answer (stopped, killed): the next one takes the request.
            }

            using (response)
            {
                Interlocked.Increment(ref _answered[backend]);
                context.Response.StatusCode = (int)response.StatusCode;
                if (response.Content.Headers.ContentType is { } contentType)
                {
                    context.Response.ContentType = contentType.ToString();
                }

                await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
                return;
            }
        }

        context.Response.StatusCode = StatusCodes.Status502BadGateway;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
