using System.Net;
using System.Net.Security;

using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Telex.Server.Hosting;

/// <summary>Kestrel's HTTPS endpoints, each handshake served the certificate <see cref="ServerCertificate"/> holds now.</summary>
internal static class ServerTls
{
    /// <summary>Listens on the address and port of an https <paramref name="url"/> (<c>*</c>, <c>+</c> or a name: every address).</summary>
    public static void Listen(KestrelServerOptions kestrel, string url, ServerCertificate certificate)
    {
        string text = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        var uri = new Uri(text, UriKind.Absolute);
        int port = uri.Port;
        if (uri.IsLoopback && uri.HostNameType == UriHostNameType.Dns)
        {
            kestrel.ListenLocalhost(port, l => UseHttps(l, certificate));
        }
        else if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && !address.Equals(IPAddress.Any))
        {
            kestrel.Listen(address, port, l => UseHttps(l, certificate));
        }
        else
        {
            // As Kestrel does with a host name in a URL: it binds every address.
            kestrel.ListenAnyIP(port, l => UseHttps(l, certificate));
        }
    }

    public static void UseHttps(ListenOptions listen, ServerCertificate certificate) =>
        listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = certificate.Context,
                ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
            }),
        });
}
