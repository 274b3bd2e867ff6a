using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Text.Json;

using Telex.Core.Security;

namespace Telex.Server.Hosting;

/// <summary>
/// Posts packed messages to peers over one pooled, keep-alive <see cref="HttpClient"/>. The outbox does the
/// retrying, so this makes exactly one attempt per call.
/// </summary>
/// <remarks>
/// A peer chooses its endpoint and its answers, so both are handled as hostile: the endpoint must pass the agency's
/// <see cref="PeerEndpointPolicy"/> before the request, and every address its name resolves to is checked again just
/// before connecting (so DNS rebinding reaches nothing the policy refuses); redirects are not followed, no proxy is
/// used (it would connect where the policy cannot see), answers are not decompressed, and of a refusal at most
/// <see cref="MaxRefusalBytes"/> are read, to take its DIDComm problem code and nothing else.
/// </remarks>
public sealed class HttpTransport : ITransport, IDisposable
{
    /// <summary>The DIDComm media type of an encrypted message.</summary>
    public const string MediaType = "application/didcomm-encrypted+json";

    /// <summary>
    /// Most of a refusal's body that is read: 4 KiB. A problem document names its code in its first few hundred
    /// bytes; a peer answering more cannot make the agency hold more.
    /// </summary>
    public const int MaxRefusalBytes = 4 * 1024;

    // A DIDComm problem code (sorter.scope.descriptors, e.g. e.p.tie.none) is short lowercase ASCII.
    private const int MaxProblemCodeLength = 64;

    private readonly HttpClient _client;
    private readonly PeerEndpointPolicy _policy;
    private readonly TimeSpan _timeout;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;

    /// <summary>Creates the transport. <paramref name="timeout"/> bounds one attempt, the answer included (default 30 s).</summary>
    /// <param name="policy">Which endpoints and addresses may be contacted: the agency's <see cref="Agency.EndpointPolicy"/>.</param>
    /// <param name="timeout">How long one attempt may take.</param>
    public HttpTransport(PeerEndpointPolicy policy, TimeSpan? timeout = null)
        : this(policy, timeout, null)
    {
    }

    /// <summary>
    /// Creates the transport with its own name resolution (tests stand in for a DNS server that rebinds) and, with
    /// <paramref name="trust"/>, certificate authorities trusted besides the system's.
    /// </summary>
    internal HttpTransport(PeerEndpointPolicy policy, TimeSpan? timeout, Func<string, CancellationToken, Task<IPAddress[]>>? resolve,
        PeerTrust? trust = null)
    {
        _policy = policy ?? throw new ArgumentNullException(nameof(policy));
        _timeout = timeout ?? TimeSpan.FromSeconds(30);
        _resolve = resolve ?? Dns.GetHostAddressesAsync;
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = 64,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            ConnectCallback = ConnectAsync,
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxResponseHeadersLength = 16, // KiB
            MaxResponseDrainSize = MaxRefusalBytes,
            ResponseDrainTimeout = TimeSpan.FromSeconds(1),
        };
        trust ??= PeerTrust.SystemOnly;
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            trust.Refusal(certificate, chain, errors) is { } refused ? throw new CertificateRefusedException(refused) : true;

        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan, MaxResponseContentBufferSize = MaxRefusalBytes };
    }

    /// <inheritdoc/>
    public async Task<TransportResult> SendAsync(string endpoint, ReadOnlyMemory<byte> packed, CancellationToken ct)
    {
        if (_policy.Refusal(endpoint) is { } refused)
        {
            return new TransportResult(false, 0, "the endpoint is refused: " + refused);
        }

        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(_timeout);
        try
        {
            using var content = new ReadOnlyMemoryContent(packed);
            content.Headers.ContentType = new MediaTypeHeaderValue(MediaType);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, UriKind.Absolute)) { Content = content };
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new TransportResult(true, status, null);
            }

            if (status is >= 300 and < 400)
            {
                return new TransportResult(false, status, "a redirect, which is not followed");
            }

            string? code = await ProblemCodeAsync(response, attempt.Token).ConfigureAwait(false);
            return new TransportResult(false, status, code ?? "no problem code") { Code = code };
        }
        catch (HttpRequestException e)
        {
            return new TransportResult(false, 0, Describe(e));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new TransportResult(false, 0, "timed out");
        }
    }

    /// <summary>
    /// The DIDComm problem code of a refusal (<c>e.p.tie.none</c>), read from at most <see cref="MaxRefusalBytes"/> of
    /// its body; null when there is none, it is malformed or the body is longer. Nothing else of the body is kept: it is
    /// the peer's text, and shown to whoever called.
    /// </summary>
    private static async Task<string?> ProblemCodeAsync(HttpResponseMessage response, CancellationToken ct)
    {
        byte[] buffer = new byte[MaxRefusalBytes + 1];
        int length = 0;
        try
        {
            using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            int read;
            while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), ct).ConfigureAwait(false)) > 0)
            {
                length += read;
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return null;
        }

        if (length > MaxRefusalBytes)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(buffer.AsMemory(0, length), new JsonDocumentOptions { MaxDepth = 8 });
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("code", out var code)
                && code.ValueKind == JsonValueKind.String && code.GetString() is { } text && IsProblemCode(text)
                ? text
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A DIDComm problem code: <c>e</c> or <c>w</c>, then dot-separated lowercase letters, digits and dashes.</summary>
    internal static bool IsProblemCode(string text) =>
        text.Length is > 3 and <= MaxProblemCodeLength && text[0] is 'e' or 'w' && text[1] == '.' && !text.EndsWith('.')
        && !text.Contains("..", StringComparison.Ordinal) && text.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-');

    /// <summary>Opens the connection for a request: only to an address the policy allows, whatever the name resolves to.</summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var target = context.DnsEndPoint;
        string host = target.Host.Trim('[', ']');
        IPAddress[] addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await _resolve(host, ct).ConfigureAwait(false);
        string? refusal = null;
        ExceptionDispatchInfo? failure = null;
        foreach (var address in addresses)
        {
            if (_policy.Refusal(address) is { } why)
            {
                refusal ??= why;
                continue;
            }

            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, target.Port), ct).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                failure = ExceptionDispatchInfo.Capture(e);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        failure?.Throw();
        throw new EndpointRefusedException(refusal ?? "its name resolves to no address");
    }

    /// <summary>What went wrong, in a few words of this agency's own: never the text of the peer's answer.</summary>
    private static string Describe(HttpRequestException e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case EndpointRefusedException refused:
                    return "the endpoint is refused: " + refused.Message;
                case CertificateRefusedException refused:
                    return "the endpoint's TLS certificate is refused: " + refused.Message;
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData }:
                    return "its name does not resolve";
                case SocketException:
                    return "no connection";
                case System.Security.Authentication.AuthenticationException:
                    return "the TLS handshake failed";
            }
        }

        return e.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "its name does not resolve",
            HttpRequestError.ConnectionError => "no connection",
            HttpRequestError.SecureConnectionError => "the TLS handshake failed",
            HttpRequestError.ConfigurationLimitExceeded => "the answer's headers are too large",
            HttpRequestError.ResponseEnded => "the connection closed before an answer",
            _ => "no valid HTTP answer",
        };
    }

    /// <inheritdoc/>
    public void Dispose() => _client.Dispose();

    /// <summary>The policy refused every address a peer's name resolved to: nothing was connected.</summary>
#pragma warning disable CA1064 // Never leaves this class: Describe turns it into a reason.
    private sealed class EndpointRefusedException(string reason) : IOException(reason);

    /// <summary>The peer's TLS certificate is not trusted (<see cref="PeerTrust"/>): the handshake stops, nothing is sent.</summary>
    private sealed class CertificateRefusedException(string reason) : System.Security.Authentication.AuthenticationException(reason);
#pragma warning restore CA1064
}
