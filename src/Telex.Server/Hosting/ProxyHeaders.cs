using System.Net;

using Microsoft.AspNetCore.HttpOverrides;

namespace Telex.Server.Hosting;

/// <summary>
/// Behind a reverse proxy, the client's address and scheme come from the proxy's <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c>, believed only from the proxies the options name (<see cref="HttpOptions.KnownProxies"/>,
/// <see cref="HttpOptions.KnownNetworks"/>); none by default, and then the headers are ignored. Runs first, so that
/// everything after it (the per-address sign-in limit, HSTS, Secure cookies) sees the client as the proxy saw it.
/// </summary>
internal static class ProxyHeaders
{
    public static WebApplication UseProxyHeaders(this WebApplication app)
    {
        var options = For(app.Services.GetRequiredService<TelexOptions>().Http);
        if (options is not null)
        {
            app.UseForwardedHeaders(options);
        }

        return app;
    }

    /// <summary>The middleware's options for the configured proxies; null when none is configured.</summary>
    public static ForwardedHeadersOptions? For(HttpOptions http)
    {
        var proxies = Split(http.KnownProxies).Select(p => IPAddress.TryParse(p, out var address)
            ? address
            : throw new ArgumentException($"Http:KnownProxies: '{p}' is not an IP address"))
            .ToList();
        var networks = Split(http.KnownNetworks).Select(n => System.Net.IPNetwork.TryParse(n, out var network)
            ? network
            : throw new ArgumentException($"Http:KnownNetworks: '{n}' is not a network in CIDR notation (10.0.0.0/24)"))
            .ToList();
        if (proxies.Count == 0 && networks.Count == 0)
        {
            return null;
        }

        var options = new ForwardedHeadersOptions
        {
            // The host is not taken from a proxy: nothing here needs it, and it would decide nothing safely.
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,

            // Walk back through the chain as long as each hop is a known proxy; the first unknown one is the client.
            ForwardLimit = null,
        };

        // The middleware trusts loopback by default: only what the options name is trusted.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in proxies)
        {
            options.KnownProxies.Add(proxy);
        }

        foreach (var network in networks)
        {
            options.KnownIPNetworks.Add(network);
        }

        return options;
    }

    private static string[] Split(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
