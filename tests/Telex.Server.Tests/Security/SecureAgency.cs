using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

using Microsoft.AspNetCore.Builder;

using Telex.Core;
using Telex.Core.Identity;
using Telex.Storage.Sqlite;
using Telex.TestKit;

namespace Telex.Server.Tests.Security;

/// <summary>
/// An agency on a loopback socket with chosen options (small limits, short timeouts) and, when given a certificate,
/// served over HTTPS by Kestrel: for the tests that cross limits and check what TLS adds.
/// </summary>
internal sealed class SecureAgency : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Socket _socket;
    private readonly string _directory;
    private readonly AgencyIdentity _identity;

    private SecureAgency(WebApplication app, Socket socket, string directory, AgencyIdentity identity, SqliteStore store, string url, int port)
    {
        _app = app;
        _socket = socket;
        _directory = directory;
        _identity = identity;
        Store = store;
        Url = url;
        Port = port;
    }

    public SqliteStore Store { get; }

    public string Url { get; }

    public int Port { get; }

    public string Did => _identity.Did;

    public Agency Agency => (Agency)_app.Services.GetService(typeof(Agency))!;

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts it on a fresh loopback port. <paramref name="publicEndpoint"/> names the endpoint its DID and options state
    /// instead of its loopback address (an agency that counts as being on the internet); <paramref name="transport"/>
    /// replaces the one the server builds.
    /// </summary>
    public static async Task<SecureAgency> StartAsync(Func<TelexOptions, TelexOptions>? configure = null, X509Certificate2? certificate = null,
        string? publicEndpoint = null, ITransport? transport = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Listen(64);
        int port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        string url = $"{(certificate is null ? "http" : "https")}://127.0.0.1:{port}";
        string directory = Path.Combine(Path.GetTempPath(), "telex-sec-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        var identity = AgencyIdentity.Create("Guarded", publicEndpoint ?? url + "/didcomm");
        var store = new SqliteStore(Path.Combine(directory, "telex.db"), fullSync: false);
        await store.MigrateAsync();
        var options = new TelexOptions { Name = "Guarded", Listen = url, PublicEndpoint = publicEndpoint, Delivery = TestAgency.FastDelivery };
        options = configure?.Invoke(options) ?? options;
        var app = AgencyServer.Build(options, identity, store, transport: transport, listenSocket: socket, certificate: certificate);
        await app.StartAsync();
        return new SecureAgency(app, socket, directory, identity, store, url, port);
    }

    /// <summary>A self-signed certificate for 127.0.0.1, valid for a day.</summary>
    public static X509Certificate2 SelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        // Through PKCS #12 so the private key is usable by the TLS stack on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _socket.Dispose();
        await Store.DisposeAsync();
        _identity.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
