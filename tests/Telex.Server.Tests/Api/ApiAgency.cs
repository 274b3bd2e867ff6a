using System.Net;
using System.Net.Sockets;

using Microsoft.AspNetCore.Builder;

using Telex.Core;
using Telex.Core.Identity;
using Telex.Storage.Sqlite;
using Telex.TestKit;

namespace Telex.Server.Tests.Api;

/// <summary>
/// An agency like <see cref="TestAgency"/> but with chosen API options (small limits, short lockouts), for the tests
/// that cross those limits. It needs no tie, so it stands alone.
/// </summary>
internal sealed class ApiAgency : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Socket _socket;
    private readonly string _directory;
    private readonly AgencyIdentity _identity;

    private ApiAgency(WebApplication app, Socket socket, string directory, AgencyIdentity identity, SqliteStore store, string url)
    {
        _app = app;
        _socket = socket;
        _directory = directory;
        _identity = identity;
        Store = store;
        Url = url;
    }

    public SqliteStore Store { get; }

    public string Url { get; }

    public static async Task<ApiAgency> StartAsync(ApiOptions api)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Listen(64);
        string url = $"http://127.0.0.1:{((IPEndPoint)socket.LocalEndPoint!).Port}";
        string directory = Path.Combine(Path.GetTempPath(), "telex-api-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        var identity = AgencyIdentity.Create("Limited", url + "/didcomm");
        var store = new SqliteStore(Path.Combine(directory, "telex.db"), fullSync: false);
        await store.MigrateAsync();
        var options = new TelexOptions { Name = "Limited", Listen = url, Delivery = TestAgency.FastDelivery, Api = api };
        var app = AgencyServer.Build(options, identity, store, listenSocket: socket);
        await app.StartAsync();
        return new ApiAgency(app, socket, directory, identity, store, url);
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
