using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Telex.Cli.Client;

/// <summary>
/// The agency's client HTTP API. A refusal becomes a <see cref="CliException"/> carrying the problem document's
/// detail and the exit code for its status; an agency that cannot be reached becomes exit code 6.
/// </summary>
internal sealed class ApiClient : IDisposable
{
    /// <summary>Largest response read: a page of the register with bodies, far below this.</summary>
    private const long MaxResponseBytes = 64L * 1024 * 1024;

    private readonly HttpClient _http;
    private readonly string _display;

    public ApiClient(Uri baseUri, string? token, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        BaseUri = baseUri;
        _display = baseUri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10), AllowAutoRedirect = false };
        _http = new HttpClient(handler)
        {
            BaseAddress = new Uri(baseUri.AbsoluteUri.TrimEnd('/') + "/"),
            Timeout = timeout ?? TimeSpan.FromSeconds(100),
            MaxResponseContentBufferSize = MaxResponseBytes,
        };
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <summary>The agency's base URL.</summary>
    public Uri BaseUri { get; }

    /// <summary>Parses and checks an agency URL given by the user.</summary>
    public static Uri ParseUrl(string text, string source)
    {
        if (!Uri.TryCreate(text?.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliException(ExitCodes.Usage, $"{source} '{text}' is not an http:// or https:// URL");
        }

        return uri;
    }

    /// <summary>GET, returning the JSON body.</summary>
    public Task<JsonElement> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    /// <summary>POST with a JSON body, returning the JSON body (default for an empty response).</summary>
    public Task<JsonElement> PostAsync(string path, JsonNode? body, CancellationToken ct) => SendAsync(HttpMethod.Post, path, body ?? new JsonObject(), ct);

    /// <summary>
    /// POST with a JSON body and an <c>Idempotency-Key</c> (a client request id the agency keeps with what the request
    /// releases), returning the JSON body. When the connection is lost before an answer arrives, the request may have been
    /// carried out: it is sent once more under the same key, so the agency answers with what the first one did instead of
    /// doing it twice.
    /// </summary>
    public Task<JsonElement> PostIdempotentAsync(string path, JsonNode body, string key, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, path, body, ct, key);

    /// <summary>DELETE, returning the JSON body (default for an empty response).</summary>
    public Task<JsonElement> DeleteAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Delete, path, null, ct);

    /// <summary>The names of the agencies and bureaus the agency knows, by DID, for output that names agencies.</summary>
    public async Task<IReadOnlyDictionary<string, string>> NamesAsync(CancellationToken ct)
    {
        var names = await GetAsync("api/names", ct).ConfigureAwait(false);
        return names.ValueKind == JsonValueKind.Object
            ? names.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? p.Name, StringComparer.Ordinal)
            : new Dictionary<string, string>();
    }

    /// <summary>PUT with a JSON body, returning the JSON body.</summary>
    public Task<JsonElement> PutAsync(string path, JsonNode body, CancellationToken ct) => SendAsync(HttpMethod.Put, path, body, ct);

    /// <summary>GET a text body.</summary>
    public async Task<string> GetTextAsync(string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Relative(path));
        request.Headers.Accept.Clear();
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/plain"));
        using var response = await SendRawAsync(request, ct).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
    }

    /// <summary>GET a binary body.</summary>
    public async Task<byte[]> GetBytesAsync(string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Relative(path));
        request.Headers.Accept.Clear();
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/octet-stream"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/zip"));
        using var response = await SendRawAsync(request, ct).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
    }

    public void Dispose() => _http.Dispose();

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken ct, string? idempotencyKey = null)
    {
        HttpRequestMessage Request()
        {
            var request = new HttpRequestMessage(method, Relative(path));
            if (body is not null)
            {
                request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            }

            if (idempotencyKey is not null)
            {
                request.Headers.Add("Idempotency-Key", idempotencyKey);
            }

            return request;
        }

        HttpResponseMessage response;
        if (idempotencyKey is null)
        {
            using var request = Request();
            response = await SendRawAsync(request, ct).ConfigureAwait(false);
        }
        else
        {
            response = await SendWithOneRetryAsync(Request, ct).ConfigureAwait(false);
        }

        using var _ = response;
        byte[] bytes = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        if (bytes.Length == 0)
        {
            return default;
        }

        try
        {
            using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 64 });
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCodes.Unexpected, $"the agency at {_display} answered {path} with something that is not JSON: {e.Message}");
        }
    }

    /// <summary>
    /// Sends a request made by <paramref name="request"/>; if the connection is lost before any answer (no status), sends a
    /// new one made the same way, once. Only for requests the agency recognises when repeated (an idempotency key).
    /// </summary>
    private async Task<HttpResponseMessage> SendWithOneRetryAsync(Func<HttpRequestMessage> request, CancellationToken ct)
    {
        using (var first = request())
        {
            try
            {
                return await SendRawAsync(first, ct, retrying: true).ConfigureAwait(false);
            }
            catch (ConnectionLostException)
            {
            }
        }

        using var again = request();
        return await SendRawAsync(again, ct).ConfigureAwait(false);
    }

    /// <summary>The connection ended before the agency answered; the request may or may not have been carried out.</summary>
    private sealed class ConnectionLostException : Exception
    {
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, CancellationToken ct, bool retrying = false)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (retrying && e is HttpRequestException { StatusCode: null } or IOException)
        {
            throw new ConnectionLostException();
        }
        catch (HttpRequestException e) when (e.StatusCode is null)
        {
            string why = e.InnerException?.Message ?? e.Message;
            throw new CliException(ExitCodes.Unreachable, $"cannot reach the agency at {_display}: {why}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.Unreachable, $"the agency at {_display} did not answer within {_http.Timeout.TotalSeconds:0} s");
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            int status = (int)response.StatusCode;
            string detail = await ProblemDetailAsync(response, ct).ConfigureAwait(false);
            throw new CliException(ExitCodes.ForStatus(status), detail);
        }
    }

    /// <summary>
    /// The refusal as a sentence for a person: the RFC 9457 problem document's detail (else its title, else its first
    /// validation error), with a Telex peer's problem code explained; a sentence for the status when the body says
    /// nothing readable. Never the raw body: a problem document is JSON, and a proxy's answer may be a page.
    /// </summary>
    internal static string ProblemSentence(int status, string? reason, string text)
    {
        string? sentence = null;
        try
        {
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 16 });
            var root = doc.RootElement;
            sentence = root.Str("detail") is { Length: > 0 } detail ? detail
                : root.Str("title") is { Length: > 0 } title ? title + (FirstError(root) is { } error ? ": " + error : "")
                : FirstError(root);
        }
        catch (JsonException)
        {
            // Not JSON: a short line of plain text is shown, anything else (a page, a stack) is not.
            string line = text.Trim();
            if (line.Length is > 0 and < 200 && !line.Contains('\n', StringComparison.Ordinal) && !line.StartsWith('<'))
            {
                sentence = $"the agency answered {status} {reason}: {line}";
            }
        }

        if (sentence is { Length: > 0 })
        {
            return PeerProblems.Explain(sentence);
        }

        return status switch
        {
            401 => "not signed in, or the session has expired: run telex login",
            403 => "your role does not allow this",
            404 => "not found",
            _ => $"the agency answered {status} {reason}",
        };
    }

    private static async Task<string> ProblemDetailAsync(HttpResponseMessage response, CancellationToken ct)
    {
        string text = "";
        try
        {
            text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
        }

        return ProblemSentence((int)response.StatusCode, response.ReasonPhrase, text);
    }

    /// <summary>A validation problem's first error (<c>errors: {field: [message]}</c>) as "field: message".</summary>
    private static string? FirstError(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var field in errors.EnumerateObject())
        {
            string? message = field.Value.ValueKind == JsonValueKind.Array
                ? field.Value.EnumerateArray().Select(m => m.ValueKind == JsonValueKind.String ? m.GetString() : null).FirstOrDefault(m => m is not null)
                : field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString() : null;
            if (message is not null)
            {
                return $"{field.Name}: {message}";
            }
        }

        return null;
    }

    private static Uri Relative(string path) => new(path.TrimStart('/'), UriKind.Relative);
}
