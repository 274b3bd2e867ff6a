namespace Telex.Cli.Bench;

/// <summary>
/// The benchmark's view of one agency: the API's one client (<see cref="TelexApiClient"/>) for signing in, tying, releasing
/// telegrams, following the event stream and searching, and the metrics page read beside it. Keeps its connections open
/// (keep-alive), as a busy client would.
/// </summary>
internal sealed class BenchClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly TelexApiClient _api;

    public BenchClient(Uri baseUri, int connections)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(2, connections + 1),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        _http = new HttpClient(handler) { BaseAddress = baseUri, Timeout = TimeSpan.FromMinutes(5) };
        _api = new TelexApiClient(_http, ownsHttp: false);
    }

    public Task SignInAsync(string name, string password, CancellationToken ct) => Checked("sign-in", () => _api.SignInAsync(name, password, ct));

    public async Task<string> InviteAsync(CancellationToken ct) =>
        (await Checked("invite", () => _api.InviteAsync(new InvitationRequest(null, "benchmark"), ct)).ConfigureAwait(false)).Code;

    public Task AcceptAsync(string code, CancellationToken ct) => Checked("accept", () => _api.AcceptAsync(code, ct));

    /// <summary>The tie's status (<c>established</c>…), or null while the agency has no such tie.</summary>
    public async Task<string?> TieStatusAsync(string peerDid, CancellationToken ct)
    {
        try
        {
            return (await _api.GetTieAsync(peerDid, ct).ConfigureAwait(false)).Status.ToString().ToLowerInvariant();
        }
        catch (TelexApiException)
        {
            return null;
        }
    }

    public Task VerifyAsync(string peerDid, CancellationToken ct) => Checked("verify", () => _api.VerifyTieAsync(peerDid, ct));

    /// <summary>Releases a telegram; returns its id.</summary>
    public async Task<Guid> ReleaseAsync(string to, string subject, string body, CancellationToken ct) =>
        (await Checked("release", () => _api.SendTelegramAsync(new SendTelegramRequest(to, subject, body, null, null, null, null, null, null), ct: ct))
            .ConfigureAwait(false)).Id;

    /// <summary>Releases telegrams in one request (<c>POST /api/telegrams/batch</c>); returns their ids in order.</summary>
    public async Task<Guid[]> ReleaseBatchAsync(string to, IReadOnlyList<(string Subject, string Body)> telegrams, CancellationToken ct)
    {
        var request = new SendTelegramBatchRequest([.. telegrams.Select(t =>
            new BatchedTelegram(null, new SendTelegramRequest(to, t.Subject, t.Body, null, null, null, null, null, null)))]);
        var answer = await Checked("release", () => _api.SendTelegramBatchAsync(request, ct)).ConfigureAwait(false);
        return answer.Telegrams.Select(r => r.Telegram?.Id
            ?? throw new CliException(ExitCodes.Unexpected, $"release: the agency answered {r.Status} for a telegram of a batch: {r.Problem}")).ToArray();
    }

    /// <summary>A full-text search of the register (first page); returns how many entries it listed.</summary>
    public async Task<int> SearchAsync(string q, CancellationToken ct) =>
        (await Checked("search", () => _api.ListTelegramsAsync("limit=20&q=" + Uri.EscapeDataString(q), ct)).ConfigureAwait(false)).Length;

    /// <summary>The sum of every series of a Prometheus counter in <c>/metrics</c> (0 when absent).</summary>
    public async Task<double> CounterAsync(string name, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        using var response = await _api.SendRawAsync(request, ct: ct).ConfigureAwait(false);
        string text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
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
        await foreach (var item in _api.EventsAsync(() => connected.TrySetResult(), ct).ConfigureAwait(false))
        {
            if (item.Data.TelegramId is { } id)
            {
                onEvent(item.EventType, id);
            }
        }
    }

    public void Dispose()
    {
        _api.Dispose();
        _http.Dispose();
    }

    /// <summary>A refusal stops the benchmark with what the agency said.</summary>
    private static async Task<T> Checked<T>(string what, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (TelexApiException e)
        {
            throw new CliException(ExitCodes.Unexpected, $"{what}: the agency answered {e.Status}: {e.Message}");
        }
    }
}
