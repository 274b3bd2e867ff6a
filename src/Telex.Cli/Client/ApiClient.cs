using System.Net.Http.Headers;

namespace Telex.Cli.Client;

/// <summary>
/// The CLI's connection to an agency: <see cref="TelexApiClient"/> (the one typed client of the API) with the CLI's
/// connection settings, and its failures as a <see cref="CliException"/>: a refusal carries the problem document's
/// sentence and the exit code for its status; an agency that cannot be reached is exit code 6.
/// </summary>
internal sealed class ApiClient : IDisposable
{
    /// <summary>Largest response read: a page of the register with bodies, far below this.</summary>
    private const long MaxResponseBytes = 64L * 1024 * 1024;

    private readonly TelexApiClient _api;
    private readonly string _display;

    public ApiClient(Uri baseUri, string? token, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        BaseUri = baseUri;
        _display = baseUri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10), AllowAutoRedirect = false };
        var http = new HttpClient(handler)
        {
            BaseAddress = new Uri(baseUri.AbsoluteUri.TrimEnd('/') + "/"),
            Timeout = timeout ?? TimeSpan.FromSeconds(100),
            MaxResponseContentBufferSize = MaxResponseBytes,
        };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        _api = new TelexApiClient(http, token);
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

    /// <summary>Runs <paramref name="call"/> on the typed client, turning its failures into the CLI's.</summary>
    public async Task<T> CallAsync<T>(Func<TelexApiClient, CancellationToken, Task<T>> call, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await call(_api, ct).ConfigureAwait(false);
        }
        catch (TelexApiException e) when (e.Status == 0)
        {
            throw new CliException(ExitCodes.Unexpected, $"{_display}: {e.Message}");
        }
        catch (TelexApiException e)
        {
            throw new CliException(ExitCodes.ForStatus(e.Status), ProblemSentence(e));
        }
        catch (HttpRequestException e) when (e.StatusCode is null)
        {
            string why = e.InnerException?.Message ?? e.Message;
            throw new CliException(ExitCodes.Unreachable, $"cannot reach the agency at {_display}: {why}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.Unreachable, $"the agency at {_display} did not answer within {_api.Timeout.TotalSeconds:0} s");
        }
    }

    /// <summary>The names of the agencies and bureaus the agency knows, by DID, for output that names agencies.</summary>
    public Task<IReadOnlyDictionary<string, string>> NamesAsync(CancellationToken ct) => CallAsync((api, c) => api.GetNamesAsync(c), ct);

    /// <summary>The answer as the API wrote it, for <c>--json</c>: the record serialized with the API's own options.</summary>
    public static JsonElement AsJson<T>(T answer) => TelexApiClient.ToJson(answer);

    public void Dispose() => _api.Dispose();

    /// <summary>
    /// The refusal as a sentence for a person: the RFC 9457 problem document's detail (else its title, else its first
    /// validation error), with a Telex peer's problem code explained; a sentence for the status when the body says
    /// nothing readable. Never the raw body: a problem document is JSON, and a proxy's answer may be a page.
    /// </summary>
    internal static string ProblemSentence(int status, string? reason, string text) => ProblemSentence(TelexApiException.FromProblem(status, reason, text));

    /// <inheritdoc cref="ProblemSentence(int, string?, string)"/>
    internal static string ProblemSentence(TelexApiException problem)
    {
        string? sentence = problem.Detail is { Length: > 0 } detail ? detail
            : problem.Title is { Length: > 0 } title ? title + (problem.FirstError is { } error ? ": " + error : "")
            : problem.FirstError is { } first ? first
            : problem.PlainLine is { } line ? $"the agency answered {problem.Status} {problem.Reason}: {line}"
            : null;
        if (sentence is { Length: > 0 })
        {
            return PeerProblems.Explain(sentence);
        }

        return problem.Status switch
        {
            401 => "not signed in, or the session has expired: run telex login",
            403 => "your role does not allow this",
            404 => "not found",
            _ => $"the agency answered {problem.Status} {problem.Reason}",
        };
    }
}
