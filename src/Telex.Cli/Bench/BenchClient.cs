using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Telex.Cli.Bench;

/// <summary>
/// The benchmark's view of one agency's client API: sign in, tie, release telegrams, follow the event stream, read
/// the metrics, search. Keeps its connections open (keep-alive), as a busy client would.
/// </summary>
internal sealed class BenchClient : IDisposable
{
    private readonly HttpClient _http;

    public BenchClient(Uri baseUri, int connections)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(2, connections + 1),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        _http = new HttpClient(handler) { BaseAddress = baseUri, Timeout = TimeSpan.FromMinutes(5) };
    }

    public async Task SignInAsync(string name, string password, CancellationToken ct)
    {
        var session = await PostAsync("/api/session", new JsonObject { ["name"] = name, ["password"] = password }, ct).ConfigureAwait(false);
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", session.GetProperty("token").GetString());
    }

    public async Task<string> InviteAsync(CancellationToken ct) =>
        (await PostAsync("/api/ties/invitations", new JsonObject { ["note"] = "benchmark" }, ct).ConfigureAwait(false)).GetProperty("code").GetString()!;

    public Task AcceptAsync(string code, CancellationToken ct) => PostAsync("/api/ties/accept", new JsonObject { ["code"] = code }, ct);

    public async Task<string?> TieStatusAsync(string peerDid, CancellationToken ct)
    {
        using var response = await _http.GetAsync(TiePath(peerDid), ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        using var doc = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false), cancellationToken: ct).ConfigureAwait(false);
        return doc.RootElement.GetProperty("status").GetString();
    }

    public Task VerifyAsync(string peerDid, CancellationToken ct) => PostAsync(TiePath(peerDid) + "/verify", new JsonObject(), ct);

    /// <summary>Releases a telegram; returns its id.</summary>
    public async Task<Guid> ReleaseAsync(string to, string subject, string body, CancellationToken ct)
    {
        var sent = await PostAsync("/api/telegrams", new JsonObject { ["to"] = to, ["subject"] = subject, ["body"] = body }, ct).ConfigureAwait(false);
        return sent.GetProperty("id").GetGuid();
    }

    /// <summary>A full-text search of the register (first page); returns how many entries it listed.</summary>
    public async Task<int> SearchAsync(string q, CancellationToken ct)
    {
        using var response = await _http.GetAsync("/api/telegrams?limit=20&q=" + Uri.EscapeDataString(q), ct).ConfigureAwait(false);
        await Ensure(response, "search", ct).ConfigureAwait(false);
        using var doc = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false), cancellationToken: ct).ConfigureAwait(false);
        return doc.RootElement.GetArrayLength();
    }

    /// <summary>The sum of every series of a Prometheus counter in <c>/metrics</c> (0 when absent).</summary>
    public async Task<double> CounterAsync(string name, CancellationToken ct)
    {
        string text = await _http.GetStringAsync("/metrics", ct).ConfigureAwait(false);
        double total = 0;
        foreach (string line in text.Split('\n'))
        {
            if (line.StartsWith(name, StringComparison.Ordinal) && line.Length > name.Length && line[name.Length] is ' ' or '{')
            {
                string value = line[(line.LastIndexOf(' ') + 1)..];
                total += double.Parse(value, CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    /// <summary>
    /// Follows <c>/api/events</c> and calls <paramref name="onEvent"/> with each event's kind and telegram id until
    /// cancelled. <paramref name="connected"/> completes once the stream is open, so no event after it is missed.
    /// </summary>
    public async Task FollowEventsAsync(Action<string, Guid> onEvent, TaskCompletionSource connected, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/events");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        await Ensure(response, "the event stream", ct).ConfigureAwait(false);
        using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        connected.TrySetResult();
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(ct).ConfigureAwait(false))
        {
            using var doc = JsonDocument.Parse(item.Data);
            if (doc.RootElement.TryGetProperty("telegramId", out var id) && id.ValueKind == JsonValueKind.String)
            {
                onEvent(item.EventType, id.GetGuid());
            }
        }
    }

    public void Dispose() => _http.Dispose();

    private static string TiePath(string did) => "/api/ties/" + Uri.EscapeDataString(did);

    private async Task<JsonElement> PostAsync(string path, JsonObject body, CancellationToken ct)
    {
        using var response = await _http.PostAsJsonAsync(path, body, ct).ConfigureAwait(false);
        await Ensure(response, path, ct).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength == 0)
        {
            return default;
        }

        using var doc = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false), cancellationToken: ct).ConfigureAwait(false);
        return doc.RootElement.Clone();
    }

    private static async Task Ensure(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            string detail = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            throw new CliException(ExitCodes.Unexpected,
                $"{what}: the agency answered {(int)response.StatusCode}: {(detail.Length > 300 ? detail[..300] : detail)}");
        }
    }
}
