using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

using Telex.TestKit;

namespace Telex.Cli.Tests.Process;

/// <summary>
/// The nginx configuration of <c>docs/DEPLOY.md</c>, run by Debian's nginx on loopback in front of two <c>telex serve</c>
/// processes that listen on plain HTTP and believe that proxy (<c>Http:KnownProxies</c>).
/// </summary>
public sealed partial class NginxTests
{
    /// <summary>
    /// A client whose connections leave from <paramref name="source"/> (any 127.x address is loopback on Linux), so
    /// nginx sees a client address of its own, trusting only the test CA's certificates for the name they carry.
    /// </summary>
    private static HttpClient From(string source, TestPki pki)
    {
        var handler = new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None || certificate is not X509Certificate2 presented)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(pki.Ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(presented);
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();

    [Fact]
    public async Task Two_agencies_behind_the_documented_nginx_tie_and_exchange_with_secure_cookies_hsts_and_the_real_client_address()
    {
        using var folder = new TempFolder();
        using var pki = TestPki.Create("Telex Test CA");
        var (serve, client) = TlsTests.Clis(folder, pki);
        int alphaProxy = Cli.FreePort();
        int bravoProxy = Cli.FreePort();
        string alphaPublic = $"https://127.0.0.1:{alphaProxy}";
        string bravoPublic = $"https://127.0.0.1:{bravoProxy}";
        string[] behindProxy = ["Http:KnownProxies=127.0.0.1", "Api:FailedSignInsPerMinute=3"];
        await using var alpha = await HttpsAgency.StartAsync(serve, folder.Path, "Alpha", pki, https: false, publicEndpoint: alphaPublic + "/didcomm",
            settings: behindProxy);
        await using var bravo = await HttpsAgency.StartAsync(serve, folder.Path, "Bravo", pki, https: false, publicEndpoint: bravoPublic + "/didcomm",
            settings: behindProxy);

        var (certificate, key, _) = pki.Issue("proxy", IPAddress.Loopback);
        string tls = folder.File("nginx-tls");
        Directory.CreateDirectory(tls);
        await File.WriteAllTextAsync(Path.Combine(tls, "fullchain.pem"), certificate);
        await File.WriteAllTextAsync(Path.Combine(tls, "privkey.pem"), key);
        await using var nginx = await Nginx.StartAsync(folder.File("nginx"), Nginx.DocumentedSite(),
            [(alphaProxy, alpha.Port), (bravoProxy, bravo.Port)], Path.Combine(tls, "fullchain.pem"), Path.Combine(tls, "privkey.pem"));

        // Officers, and the agencies to each other, reach both only through nginx.
        alpha.Url = alphaPublic;
        bravo.Url = bravoPublic;
        await alpha.SignInAsync(client);
        await bravo.SignInAsync(client);
        await TlsTests.TieAsync(client, alpha, bravo);
        var there = await TlsTests.SendAsync(client, alpha, bravo, "Through the proxy to Bravo");
        var back = await TlsTests.SendAsync(client, bravo, alpha, "Through the proxy to Alpha");
        Assert.Equal("delivered", there.GetProperty("status").GetString());
        Assert.Equal("delivered", back.GetProperty("status").GetString());

        // The console over the proxy: HSTS on every answer, and the session cookie of a sign-in is Secure.
        using var browser = From("127.0.0.2", pki);
        using var page = await browser.GetAsync(alphaPublic + "/sign-in");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("max-age=31536000", Assert.Single(page.Headers.GetValues("Strict-Transport-Security")));
        string html = await page.Content.ReadAsStringAsync();
        string token = FormToken().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException("no form token:\n" + html);
        string antiforgery = string.Join("; ", page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        Assert.All(page.Headers.GetValues("Set-Cookie"), c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
        using var signIn = new HttpRequestMessage(HttpMethod.Post, alphaPublic + "/sign-in")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["name"] = "admin",
                ["password"] = alpha.Password,
                ["__RequestVerificationToken"] = token,
                ["returnUrl"] = "/",
            }),
        };
        signIn.Headers.Add("Cookie", antiforgery);
        using var signedIn = await browser.SendAsync(signIn);
        Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"{signedIn.StatusCode}: {await signedIn.Content.ReadAsStringAsync()}");
        string session = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("telex_session_", StringComparison.Ordinal));
        Assert.Contains("; secure", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.True(signedIn.Headers.Contains("Strict-Transport-Security"));

        // The failed sign-in limit (3 a minute here) counts the client nginx saw, not nginx: one client is stopped, another is
        // not, and a client cannot pass for another with a forged X-Forwarded-For (nginx replaces it).
        using var guesser = From("127.0.0.3", pki);
        for (int i = 1; i <= 3; i++)
        {
            using var wrong = await guesser.PostAsJsonAsync(alphaPublic + "/api/session", new { name = $"nobody{i}", password = "guess" });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var stopped = await guesser.PostAsJsonAsync(alphaPublic + "/api/session", new { name = "nobody4", password = "guess" });
        Assert.Equal(HttpStatusCode.TooManyRequests, stopped.StatusCode);

        using var other = From("127.0.0.4", pki);
        using var notStopped = await other.PostAsJsonAsync(alphaPublic + "/api/session", new { name = "nobody5", password = "guess" });
        Assert.Equal(HttpStatusCode.Unauthorized, notStopped.StatusCode);

        using var forger = From("127.0.0.5", pki);
        using var forged = new HttpRequestMessage(HttpMethod.Post, alphaPublic + "/api/session") { Content = JsonContent.Create(new { name = "nobody6", password = "guess" }) };
        forged.Headers.Add("X-Forwarded-For", "127.0.0.3");
        using var forgedAnswer = await forger.SendAsync(forged);
        Assert.Equal(HttpStatusCode.Unauthorized, forgedAnswer.StatusCode);
    }
}
