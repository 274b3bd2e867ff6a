using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Telex.Api.Contracts;

/// <summary>
/// The one client of an agency's client HTTP API, over an <see cref="HttpClient"/> whose base address is the agency's
/// URL. Requests and answers are the records of this assembly, read and written with <see cref="TelexApiJson"/>; a
/// refusal throws <see cref="TelexApiException"/> with the problem document's status, code, title, detail, field and
/// errors; an agency that cannot be reached throws what <see cref="HttpClient"/> throws. The bearer token is sent with
/// every request once <see cref="Token"/> is set (<see cref="SignInAsync"/> sets it).
/// </summary>
public sealed partial class TelexApiClient : IDisposable
{
    /// <summary>Header of a request the agency recognises when repeated: it answers the repeat with what the first did.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <summary>A client over <paramref name="http"/> (its base address the agency's URL); disposes it when <paramref name="ownsHttp"/>.</summary>
    public TelexApiClient(HttpClient http, string? token = null, bool ownsHttp = true)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        _ownsHttp = ownsHttp;
        Token = token;
    }

    /// <summary>The bearer token sent with each request; null sends none.</summary>
    public string? Token { get; set; }

    /// <summary>The agency's URL.</summary>
    public Uri? BaseAddress => _http.BaseAddress;

    /// <summary>The underlying client's timeout per request.</summary>
    public TimeSpan Timeout => _http.Timeout;

    // Sessions and the agency.

    /// <summary><c>POST /api/session</c>: signs in and keeps the token for the requests that follow.</summary>
    public async Task<SessionResponse> SignInAsync(string name, string password, CancellationToken ct = default)
    {
        var session = await PostAsync<SessionResponse>("api/session", new SignInRequest(name, password), ct).ConfigureAwait(false);
        Token = session.Token;
        return session;
    }

    /// <summary><c>DELETE /api/session</c>: ends the session of <see cref="Token"/>.</summary>
    public Task SignOutAsync(CancellationToken ct = default) => SendAsync(HttpMethod.Delete, "api/session", null, ct);

    /// <summary><c>GET /api/agency</c>.</summary>
    public Task<AgencyView> GetAgencyAsync(CancellationToken ct = default) => GetAsync<AgencyView>("api/agency", ct);

    /// <summary><c>GET /api/names</c>: the names of the agencies and bureaus the agency knows, by DID.</summary>
    public async Task<IReadOnlyDictionary<string, string>> GetNamesAsync(CancellationToken ct = default) =>
        await GetAsync<Dictionary<string, string>>("api/names", ct).ConfigureAwait(false);

    // Telegrams.

    /// <summary>
    /// <c>POST /api/telegrams</c>: releases a telegram. With <paramref name="idempotencyKey"/> the agency releases once per
    /// key, and a connection lost before the answer is retried once under the same key.
    /// </summary>
    public Task<TelegramView> SendTelegramAsync(SendTelegramRequest request, string? idempotencyKey = null, CancellationToken ct = default) =>
        PostAsync<TelegramView>("api/telegrams", request, idempotencyKey, ct);

    /// <summary><c>POST /api/telegrams/batch</c>: many telegrams released in one request, each under its own idempotency key.</summary>
    public Task<SendTelegramBatchResult> SendTelegramBatchAsync(SendTelegramBatchRequest request, CancellationToken ct = default) =>
        PostAsync<SendTelegramBatchResult>("api/telegrams/batch", request, ct);

    /// <summary><c>GET /api/telegrams/{id}</c>, optionally of one <paramref name="direction"/> (a telegram sent to oneself is both).</summary>
    public Task<TelegramView> GetTelegramAsync(Guid id, Direction? direction = null, CancellationToken ct = default) =>
        GetAsync<TelegramView>($"api/telegrams/{id}" + (direction is { } d ? "?direction=" + Lower(d) : ""), ct);

    /// <summary><c>GET /api/telegrams</c> with <paramref name="query"/> (e.g. <c>direction=inbound&amp;q=grain</c>, already escaped).</summary>
    public Task<TelegramSummary[]> ListTelegramsAsync(string? query = null, CancellationToken ct = default) =>
        GetAsync<TelegramSummary[]>("api/telegrams" + (string.IsNullOrEmpty(query) ? "" : "?" + query), ct);

    // Ties.

    /// <summary><c>POST /api/ties/invitations</c>.</summary>
    public Task<InvitationView> InviteAsync(InvitationRequest request, CancellationToken ct = default) =>
        PostAsync<InvitationView>("api/ties/invitations", request, ct);

    /// <summary><c>POST /api/ties/accept</c>: the invitation URL or its bare code.</summary>
    public Task<TieView> AcceptAsync(string code, CancellationToken ct = default) => PostAsync<TieView>("api/ties/accept", new AcceptRequest(code), ct);

    /// <summary><c>GET /api/ties</c>.</summary>
    public Task<TieView[]> ListTiesAsync(CancellationToken ct = default) => GetAsync<TieView[]>("api/ties", ct);

    /// <summary><c>GET /api/ties/{did}</c>.</summary>
    public Task<TieView> GetTieAsync(string peerDid, CancellationToken ct = default) => GetAsync<TieView>(TiePath(peerDid), ct);

    /// <summary><c>POST /api/ties/{did}/verify</c>: the fingerprint was compared and matches.</summary>
    public Task<TieView> VerifyTieAsync(string peerDid, CancellationToken ct = default) => PostAsync<TieView>(TiePath(peerDid) + "/verify", null, ct);

    /// <summary><c>POST /api/ties/{did}/{action}</c> for <c>suspend</c>, <c>resume</c> or <c>sever</c>.</summary>
    public Task<TieView> ChangeTieAsync(string peerDid, string action, CancellationToken ct = default) =>
        PostAsync<TieView>(TiePath(peerDid) + "/" + action, null, ct);

    /// <summary><c>POST /api/ties/{did}/terms</c>: proposes new terms.</summary>
    public Task<TieView> ProposeTermsAsync(string peerDid, TermsRequest terms, CancellationToken ct = default) =>
        PostAsync<TieView>(TiePath(peerDid) + "/terms", terms, ct);

    /// <summary><c>POST /api/ties/{did}/terms/sign</c>: signs the terms the counterpart proposed.</summary>
    public Task<TieView> SignTermsAsync(string peerDid, CancellationToken ct = default) => PostAsync<TieView>(TiePath(peerDid) + "/terms/sign", null, ct);

    // Issues (bureau issues and outcomes in TelexApiClient.Bureaus.cs).

    /// <summary><c>POST /api/issues</c>.</summary>
    public Task<IssueView> OpenIssueAsync(OpenIssueRequest request, CancellationToken ct = default) => PostAsync<IssueView>("api/issues", request, ct);

    /// <summary><c>GET /api/issues/{id}</c>.</summary>
    public Task<IssueView> GetIssueAsync(string id, CancellationToken ct = default) => GetAsync<IssueView>("api/issues/" + Uri.EscapeDataString(id), ct);

    /// <summary><c>POST /api/issues/{id}/status</c>.</summary>
    public Task<IssueView> ChangeIssueStatusAsync(string id, IssueStatusRequest request, CancellationToken ct = default) =>
        PostAsync<IssueView>("api/issues/" + Uri.EscapeDataString(id) + "/status", request, ct);

    /// <summary><c>GET /api/issues</c> with <paramref name="query"/> (e.g. <c>status=open&amp;q=grain</c>, already escaped).</summary>
    public Task<IssueSummary[]> ListIssuesAsync(string? query = null, CancellationToken ct = default) =>
        GetAsync<IssueSummary[]>("api/issues" + (string.IsNullOrEmpty(query) ? "" : "?" + query), ct);

    /// <summary>
    /// <c>GET /api/issues/outcomes</c>, or <c>GET /api/bureaus/{id}/outcomes</c> with <paramref name="bureau"/>: the outcomes
    /// issue changes are named by (the agency's, or a bureau's, the same at every member).
    /// </summary>
    public Task<OutcomeTerm[]> GetOutcomesAsync(Guid? bureau = null, CancellationToken ct = default) => GetAsync<OutcomeTerm[]>(OutcomesPath(bureau), ct);

    /// <summary><c>PUT</c> the outcomes of <see cref="GetOutcomesAsync"/> (admins; a bureau's at its secretariat).</summary>
    public Task<OutcomeTerm[]> SetOutcomesAsync(OutcomesRequest request, Guid? bureau = null, CancellationToken ct = default) =>
        PutAsync<OutcomeTerm[]>(OutcomesPath(bureau), request, ct);

    // Generic requests, for the endpoints above and every other one.

    /// <summary>GET <paramref name="path"/> (relative to the agency's URL), reading the answer as <typeparamref name="T"/>.</summary>
    public async Task<T> GetAsync<T>(string path, CancellationToken ct = default) =>
        Read<T>(await SendAsync(HttpMethod.Get, path, null, ct).ConfigureAwait(false), path);

    /// <summary>POST <paramref name="body"/> (a contract record; null sends <c>{}</c>), reading the answer as <typeparamref name="T"/>.</summary>
    public Task<T> PostAsync<T>(string path, object? body, CancellationToken ct = default) => PostAsync<T>(path, body, null, ct);

    /// <summary>
    /// POST <paramref name="body"/> with an <c>Idempotency-Key</c> (when not null), reading the answer as <typeparamref name="T"/>;
    /// a connection lost before the answer is retried once under the same key.
    /// </summary>
    public async Task<T> PostAsync<T>(string path, object? body, string? idempotencyKey, CancellationToken ct = default) =>
        Read<T>(await SendAsync(HttpMethod.Post, path, body ?? EmptyObject, ct, idempotencyKey).ConfigureAwait(false), path);

    /// <summary>POST <paramref name="body"/>, ignoring any answer.</summary>
    public Task PostAsync(string path, object? body, CancellationToken ct = default) => SendAsync(HttpMethod.Post, path, body ?? EmptyObject, ct);

    /// <summary>PUT <paramref name="body"/>, reading the answer as <typeparamref name="T"/>.</summary>
    public async Task<T> PutAsync<T>(string path, object body, CancellationToken ct = default) =>
        Read<T>(await SendAsync(HttpMethod.Put, path, body, ct).ConfigureAwait(false), path);

    /// <summary>DELETE <paramref name="path"/>, ignoring any answer.</summary>
    public Task DeleteAsync(string path, CancellationToken ct = default) => SendAsync(HttpMethod.Delete, path, null, ct);

    /// <summary>DELETE <paramref name="path"/>, reading the answer as <typeparamref name="T"/>.</summary>
    public async Task<T> DeleteAsync<T>(string path, CancellationToken ct = default) =>
        Read<T>(await SendAsync(HttpMethod.Delete, path, null, ct).ConfigureAwait(false), path);

    /// <summary>
    /// Sends <paramref name="body"/> (null sends none) and returns the answer as a JSON document as it came (default when
    /// empty): for an answer read as a whole, e.g. to print it unchanged.
    /// </summary>
    public async Task<JsonElement> SendForJsonAsync(HttpMethod method, string path, object? body, string? idempotencyKey = null,
        CancellationToken ct = default)
    {
        byte[] answer = await SendAsync(method, path, body, ct, idempotencyKey).ConfigureAwait(false);
        return answer.Length == 0 ? default : Read<JsonElement>(answer, path);
    }

    /// <summary>GET a text answer (a cable, an export), asking for <paramref name="mediaType"/>.</summary>
    public async Task<string> GetTextAsync(string path, string mediaType = "text/plain", CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Relative(path));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
        using var response = await SendRawAsync(request, ct: ct).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
    }

    /// <summary>GET a binary answer (an attachment, an archive).</summary>
    public async Task<byte[]> GetBytesAsync(string path, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Relative(path));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/octet-stream"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/zip"));
        using var response = await SendRawAsync(request, ct: ct).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
    }

    // The event stream.

    /// <summary>
    /// <c>GET /api/events</c>: the agency's events as they happen (<c>telegram.delivered</c>, <c>telegram.registered</c>…),
    /// read with the platform's <see cref="SseParser"/>, until <paramref name="ct"/> is cancelled or the agency ends the
    /// stream. <paramref name="connected"/> is called once the agency answered: no event after that is missed.
    /// </summary>
    public async IAsyncEnumerable<SseItem<EventView>> EventsAsync(Action? connected = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Relative("api/events"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await SendRawAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        connected?.Invoke();
        var info = TypeInfo<EventView>();
        var parser = SseParser.Create(stream, (type, data) => JsonSerializer.Deserialize(data, info)!);
        await foreach (var item in parser.EnumerateAsync(ct).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    /// <summary>Sends <paramref name="request"/> as it is (with the token), throwing <see cref="TelexApiException"/> for a refusal.</summary>
    public Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendCheckedAsync(request, completion, ct);
    }

    /// <summary>Serializes a contract record as the API does (e.g. to print the answer as it came).</summary>
    public static JsonElement ToJson<T>(T value) => JsonSerializer.SerializeToElement(value, TypeInfo<T>());

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private static readonly object EmptyObject = new Dictionary<string, string>();

    private static string TiePath(string did) => "api/ties/" + Uri.EscapeDataString(did);

    private static string OutcomesPath(Guid? bureau) => bureau is { } id ? $"api/bureaus/{id}/outcomes" : "api/issues/outcomes";

    private static string Lower(Direction d) => d == Direction.Inbound ? "inbound" : "outbound";

    private static JsonTypeInfo<T> TypeInfo<T>() => (JsonTypeInfo<T>)TelexApiJson.Options.GetTypeInfo(typeof(T));

    private static T Read<T>(byte[] body, string path)
    {
        if (body.Length == 0)
        {
            throw new TelexApiException($"the agency answered {path} with an empty body");
        }

        try
        {
            return JsonSerializer.Deserialize(body, TypeInfo<T>()) ?? throw new TelexApiException($"the agency answered {path} with null");
        }
        catch (JsonException e)
        {
            throw new TelexApiException($"the agency answered {path} with something that is not the expected JSON: {e.Message}", e);
        }
    }

    private async Task<byte[]> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct, string? idempotencyKey = null)
    {
        HttpRequestMessage Request()
        {
            var request = new HttpRequestMessage(method, Relative(path));
            request.Headers.Accept.Add(Json);
            if (body is not null)
            {
                byte[] json = JsonSerializer.SerializeToUtf8Bytes(body, TelexApiJson.Options.GetTypeInfo(body.GetType()));
                request.Content = new ByteArrayContent(json) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } };
            }

            if (idempotencyKey is not null)
            {
                request.Headers.Add(IdempotencyKeyHeader, idempotencyKey);
            }

            return request;
        }

        using var response = idempotencyKey is null
            ? await SendOnceAsync(Request, ct).ConfigureAwait(false)
            : await SendWithOneRetryAsync(Request, ct).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendOnceAsync(Func<HttpRequestMessage> make, CancellationToken ct)
    {
        using var request = make();
        return await SendCheckedAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a request made by <paramref name="make"/>; if the connection is lost before any answer (no status), sends a new
    /// one made the same way, once. Only for requests the agency recognises when repeated (an idempotency key): the first
    /// may have been carried out, and the repeat is answered with what it did instead of doing it twice.
    /// </summary>
    private async Task<HttpResponseMessage> SendWithOneRetryAsync(Func<HttpRequestMessage> make, CancellationToken ct)
    {
        using (var first = make())
        {
            try
            {
                return await SendCheckedAsync(first, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException { StatusCode: null } or IOException)
            {
                // Lost before an answer: the request may or may not have been carried out; the key makes the repeat safe.
            }
        }

        return await SendOnceAsync(make, ct).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendCheckedAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken ct)
    {
        if (Token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }

        var response = await _http.SendAsync(request, completion, ct).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            string text = "";
            try
            {
                text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            }
            catch (HttpRequestException)
            {
                // A body cut short says nothing more than the status.
            }

            throw TelexApiException.FromProblem((int)response.StatusCode, response.ReasonPhrase, text);
        }
    }

    private static Uri Relative(string path) => new(path.TrimStart('/'), UriKind.Relative);
}
