using System.Net;
using System.Net.Http.Json;

using Telex.Core;
using Telex.Server.Tests.Api;
using Telex.Server.Tests.Console;

namespace Telex.Server.Tests.Security;

/// <summary>
/// X-Forwarded-For and X-Forwarded-Proto are believed only from a configured proxy (Http:KnownProxies): then each client
/// behind it has its own sign-in limit and a TLS-terminated request gets HSTS and Secure cookies; otherwise any client
/// could send them, and they change nothing. (The addresses in the headers are documentation addresses; nothing is sent
/// to them.)
/// </summary>
public sealed class ProxyHeaderTests
{
    private static readonly Dictionary<string, string> OverTls = new() { ["X-Forwarded-Proto"] = "https" };

    [Fact]
    public async Task Without_a_configured_proxy_forwarded_headers_from_a_client_change_nothing()
    {
        await using var a = await SecureAgency.StartAsync(o => o with { Api = o.Api with { FailedSignInsPerMinute = 2 } });
        await ApiClient.AddOfficerAsync(a.Store, "ada", Role.Admin);

        // Claiming another address does not get a client a fresh allowance of guesses.
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInFromAsync(a.Url, "198.51.100.1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInFromAsync(a.Url, "198.51.100.1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await SignInFromAsync(a.Url, "198.51.100.2"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await SignInFromAsync(a.Url, null));

        // Claiming TLS over plain http gets neither HSTS nor a Secure cookie.
        Assert.False((await HealthAsync(a.Url, "https")).Headers.Contains("Strict-Transport-Security"));
        await using var fresh = await SecureAgency.StartAsync();
        await ApiClient.AddOfficerAsync(fresh.Store, "ada", Role.Admin);
        var console = await ConsoleSession.SignInAsync(fresh.Url, "ada", ApiClient.Password, OverTls);
        Assert.NotEmpty(console.SetCookies);
        Assert.All(console.SetCookies, c => Assert.DoesNotContain("secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Behind_a_configured_proxy_each_client_has_its_own_sign_in_limit_and_tls_gets_hsts_and_secure_cookies()
    {
        await using var a = await SecureAgency.StartAsync(o => o with
        {
            Api = o.Api with { FailedSignInsPerMinute = 2 },
            Http = o.Http with { KnownProxies = "127.0.0.1" },
        });
        await ApiClient.AddOfficerAsync(a.Store, "ada", Role.Admin);

        Assert.Equal(HttpStatusCode.Unauthorized, await SignInFromAsync(a.Url, "198.51.100.1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInFromAsync(a.Url, "198.51.100.1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await SignInFromAsync(a.Url, "198.51.100.1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInFromAsync(a.Url, "198.51.100.2"));

        // A chain of proxies: the client is the first address that is not a known proxy.
        Assert.Equal(HttpStatusCode.TooManyRequests, await SignInFromAsync(a.Url, "198.51.100.1, 127.0.0.1"));

        using var health = await HealthAsync(a.Url, "https");
        Assert.True(health.Headers.TryGetValues("Strict-Transport-Security", out var hsts), "HSTS behind a TLS-terminating proxy");
        Assert.Equal("max-age=31536000", Assert.Single(hsts));
        Assert.False((await HealthAsync(a.Url, null)).Headers.Contains("Strict-Transport-Security"), "no HSTS for plain http through the proxy");

        var console = await ConsoleSession.SignInAsync(a.Url, "ada", ApiClient.Password, OverTls);
        Assert.NotEmpty(console.SetCookies);
        Assert.All(console.SetCookies, c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void A_proxy_option_that_is_not_an_address_or_a_network_is_refused_with_its_name()
    {
        var proxy = Assert.Throws<ArgumentException>(() => Hosting.ProxyHeaders.For(new HttpOptions { KnownProxies = "10.0.0.5, proxy.local" }));
        Assert.Contains("Http:KnownProxies: 'proxy.local'", proxy.Message, StringComparison.Ordinal);
        var network = Assert.Throws<ArgumentException>(() => Hosting.ProxyHeaders.For(new HttpOptions { KnownNetworks = "10.0.0.0" }));
        Assert.Contains("Http:KnownNetworks", network.Message, StringComparison.Ordinal);
        Assert.Null(Hosting.ProxyHeaders.For(new HttpOptions()));
        var both = Hosting.ProxyHeaders.For(new HttpOptions { KnownProxies = " 10.0.0.5 ,fd00::5", KnownNetworks = "10.1.0.0/16" })!;
        Assert.Equal(2, both.KnownProxies.Count);
        Assert.Single(both.KnownIPNetworks);
    }

    private static async Task<HttpStatusCode> SignInFromAsync(string url, string? forwardedFor)
    {
        using var client = ApiClient.Anonymous(url);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/session") { Content = JsonContent.Create(new { name = "ada", password = "a wrong guess" }) };
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<HttpResponseMessage> HealthAsync(string url, string? forwardedProto)
    {
        using var client = ApiClient.Anonymous(url);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        if (forwardedProto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        }

        return await client.SendAsync(request);
    }
}
