using System.Net.Http.Headers;

using Telex.Core;

namespace Telex.Server.Hosting;

/// <summary>
/// Posts packed messages to peers over one pooled, keep-alive <see cref="HttpClient"/>. The outbox does the
/// retrying, so this makes exactly one attempt per call.
/// </summary>
public sealed class HttpTransport : ITransport, IDisposable
{
    /// <summary>The DIDComm media type of an encrypted message.</summary>
    public const string MediaType = "application/didcomm-encrypted+json";

    private readonly HttpClient _client;

    /// <summary>Creates the transport. <paramref name="timeout"/> bounds one attempt (default 30 s).</summary>
    public HttpTransport(TimeSpan? timeout = null)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = 64,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AllowAutoRedirect = false,
        };
        _client = new HttpClient(handler) { Timeout = timeout ?? TimeSpan.FromSeconds(30) };
    }

    /// <inheritdoc/>
    public async Task<TransportResult> SendAsync(string endpoint, ReadOnlyMemory<byte> packed, CancellationToken ct)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || !IsAllowed(uri))
        {
            return new TransportResult(false, 0, "endpoint must be https, or http on a loopback address");
        }

        try
        {
            using var content = new ReadOnlyMemoryContent(packed);
            content.Headers.ContentType = new MediaTypeHeaderValue(MediaType);
            using var response = await _client.PostAsync(uri, content, ct).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return new TransportResult(true, (int)response.StatusCode, null);
            }

            string detail = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            return new TransportResult(false, (int)response.StatusCode, detail.Length > 1000 ? detail[..1000] : detail);
        }
        catch (HttpRequestException e)
        {
            return new TransportResult(false, 0, e.Message);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new TransportResult(false, 0, "timed out");
        }
    }

    /// <summary>Plain HTTP only to loopback: between agencies everything else must be HTTPS.</summary>
    public static bool IsAllowed(Uri uri) =>
        uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback);

    /// <inheritdoc/>
    public void Dispose() => _client.Dispose();
}
