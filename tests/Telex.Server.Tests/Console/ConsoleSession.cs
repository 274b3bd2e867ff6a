using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Telex.Server.Tests.Console;

/// <summary>
/// An officer signed in to the console through its sign-in form, as a browser would (CSRF token included), and a way
/// to send requests with exactly the path given: <see cref="HttpClient"/> would tidy <c>/api/../api</c> or
/// <c>/%61pi</c> before sending, so odd paths go over a raw socket.
/// </summary>
internal sealed partial class ConsoleSession
{
    private ConsoleSession(string url, string cookieHeader, IReadOnlyList<string> setCookies)
    {
        Url = url;
        CookieHeader = cookieHeader;
        SetCookies = setCookies;
    }

    public string Url { get; }

    /// <summary>The <c>Cookie</c> header a browser would send afterwards: the session and the CSRF cookie.</summary>
    public string CookieHeader { get; }

    /// <summary>The <c>Set-Cookie</c> headers of the sign-in answer.</summary>
    public IReadOnlyList<string> SetCookies { get; }

    /// <summary>
    /// Signs in at <c>/sign-in</c>; extra headers (e.g. X-Forwarded-Proto) go with both requests. Cookies are carried by
    /// hand, as a browser behind a TLS proxy would send them: a cookie container keeps Secure cookies off plain http.
    /// </summary>
    public static async Task<ConsoleSession> SignInAsync(string url, string name, string password, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(url) };
        foreach (var (header, value) in headers ?? new Dictionary<string, string>())
        {
            client.DefaultRequestHeaders.Add(header, value);
        }

        var cookies = new Dictionary<string, string>(StringComparer.Ordinal);
        using var form = await client.GetAsync("/sign-in");
        Keep(form, cookies);
        var token = CsrfToken().Match(await form.Content.ReadAsStringAsync());
        Assert.True(token.Success, "the sign-in form carries its CSRF token");
        using var post = new HttpRequestMessage(HttpMethod.Post, "/sign-in")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["name"] = name,
                ["password"] = password,
                ["__RequestVerificationToken"] = token.Groups[1].Value,
            }),
        };
        post.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}")));
        using var signedIn = await client.SendAsync(post);
        Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"console sign-in answered {(int)signedIn.StatusCode}");
        var setCookies = Keep(signedIn, cookies);
        return new ConsoleSession(url, string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}")), setCookies);
    }

    private static List<string> Keep(HttpResponseMessage response, Dictionary<string, string> cookies)
    {
        var set = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
        foreach (string cookie in set)
        {
            string pair = cookie.Split(';', 2)[0];
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            cookies[pair[..equals]] = pair[(equals + 1)..];
        }

        return set;
    }

    /// <summary>Sends <paramref name="target"/> byte for byte with the session's cookies; returns the status and the whole answer.</summary>
    public Task<(int Status, string Answer)> SendAsync(string method, string target, string? json = null) =>
        RawAsync(new Uri(Url).Port, method, target, $"Cookie: {CookieHeader}\r\nOrigin: https://elsewhere.example\r\n", json);

    /// <summary>One request over a fresh loopback connection, with the request target exactly as given.</summary>
    public static async Task<(int Status, string Answer)> RawAsync(int port, string method, string target, string headers, string? json = null)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, deadline.Token);
        var stream = client.GetStream();
        string body = json ?? "";
        string request = $"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{headers}Connection: close\r\n"
            + (json is null ? "Content-Length: 0\r\n" : $"Content-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n")
            + "\r\n" + body;
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request), deadline.Token);
        string answer = await new StreamReader(stream, Encoding.UTF8).ReadToEndAsync(deadline.Token);
        var status = StatusLine().Match(answer);
        Assert.True(status.Success, $"an HTTP answer to {method} {target}: {answer}");
        return (int.Parse(status.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), answer);
    }

    [GeneratedRegex("__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex CsrfToken();

    [GeneratedRegex(@"^HTTP/1\.1 (\d{3}) ")]
    private static partial Regex StatusLine();
}
