using System.Net;
using System.Net.Sockets;

using Microsoft.AspNetCore.Builder;

using Telex.Core;
using Telex.Core.Identity;
using Telex.Core.Security;
using Telex.Core.Storage;
using Telex.Server;
using Telex.Storage.Sqlite;

namespace Telex.TestKit;

/// <summary>
/// A real agency in this process: its own SQLite file in a temporary folder and its own Kestrel server on a
/// loopback port bound before the DID is made (so the DID's endpoint is right and no port is raced for).
/// </summary>
public sealed class TestAgency : IAsyncDisposable
{
    private readonly AgencyOptions _delivery;
    private readonly ITransport? _transport;
    private readonly TimeProvider? _clock;
    private WebApplication? _app;
    private Socket? _socket;
    private readonly SqliteStore _store;
    private AgencyIdentity _identity;

    private TestAgency(string directory, AgencyIdentity identity, int port, AgencyOptions delivery, ITransport? transport, TimeProvider? clock)
    {
        _clock = clock;
        Directory = directory;
        _identity = identity;
        identity.Save(KeyFile);
        Port = port;
        _delivery = delivery;
        _transport = transport;
        _store = new SqliteStore(Path.Combine(directory, "telex.db"), clock, fullSync: false);
    }

    /// <summary>The loopback port (kept across restarts).</summary>
    public int Port { get; }

    /// <summary>True while serving.</summary>
    public bool IsRunning => _app is not null;

    /// <summary>The running server's services.</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("the agency is not running");

    /// <summary>The data folder (deleted on dispose).</summary>
    public string Directory { get; }

    /// <summary>The identity: the running agency's current one (it changes when the keys are rotated).</summary>
    public AgencyIdentity Identity => Agency?.Identity ?? _identity;

    /// <summary>The key file (0600) the identity is kept in; a key rotation rewrites it and a restart loads it.</summary>
    public string KeyFile => Path.Combine(Directory, "keys.json");

    /// <summary>The store (usable while stopped too).</summary>
    public ITelexStore Store => _store;

    /// <summary>The running agency.</summary>
    public Agency Agency { get; private set; } = null!;

    /// <summary>The DID.</summary>
    public string Did => Identity.Did;

    /// <summary>The base URL (http://127.0.0.1:port).</summary>
    public string Url => Identity.Endpoint[..^"/didcomm".Length];

    /// <summary>Options for agencies in tests: quick retries and receipt checks so faults heal within a test's deadline.</summary>
    public static AgencyOptions FastDelivery { get; } = new()
    {
        InitialRetryDelay = TimeSpan.FromMilliseconds(50),
        ReceiptWait = TimeSpan.FromSeconds(3),
        GapGrace = TimeSpan.FromSeconds(1),
        ClaimLease = TimeSpan.FromSeconds(30),
    };

    /// <summary>
    /// The endpoint policy of an agency on loopback, as every test agency is: it reaches loopback peers, over plain http
    /// too. For transports a test builds around the real one.
    /// </summary>
    public static PeerEndpointPolicy LoopbackPolicy { get; } = new("http://127.0.0.1/didcomm");

    /// <summary>Starts an agency named <paramref name="name"/> on a fresh loopback port, on <paramref name="clock"/> (the system's when null).</summary>
    public static async Task<TestAgency> StartAsync(string name, AgencyOptions? delivery = null, ITransport? transport = null, TimeProvider? clock = null)
    {
        var socket = Listen(0);
        int port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        string directory = Path.Combine(Path.GetTempPath(), "telex-test-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        var identity = AgencyIdentity.Create(name, $"http://127.0.0.1:{port}/didcomm");
        var agency = new TestAgency(directory, identity, port, delivery ?? FastDelivery, transport, clock);
        await agency.StartServerAsync(socket).ConfigureAwait(false);
        return agency;
    }

    /// <summary>Stops serving (as if the machine went away); the data stays.</summary>
    public async Task StopAsync()
    {
        if (_app is null)
        {
            return;
        }

        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _socket!.Dispose();
        _app = null;
        _socket = null;
    }

    /// <summary>Serves again on the same port with the same identity and data.</summary>
    public Task RestartAsync() => StartServerAsync(Listen(Port));

    private static Socket Listen(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        socket.Listen(512);
        return socket;
    }

    private async Task StartServerAsync(Socket socket)
    {
        if (Agency is not null)
        {
            // A restart loads the key file, as telex serve does: a rotation made while running is there.
            var loaded = AgencyIdentity.Load(KeyFile);
            _identity.Dispose();
            _identity = loaded;
        }

        await _store.MigrateAsync().ConfigureAwait(false);
        var options = new TelexOptions
        {
            Name = _identity.Name,
            Listen = $"http://127.0.0.1:{Port}",
            Delivery = _delivery,
            Api = new ApiOptions(),
        };
        var app = AgencyServer.Build(options, _identity, _store, transport: _transport, listenSocket: socket, keyFile: KeyFile, time: _clock);
        await app.StartAsync().ConfigureAwait(false);
        _app = app;
        _socket = socket;
        Agency = app.Services.GetService(typeof(Agency)) as Agency ?? throw new InvalidOperationException("no agency");
    }

    /// <summary>Establishes a verified tie between two agencies through an invitation, as officers would.</summary>
    public static async Task TieAsync(TestAgency inviter, TestAgency invitee)
    {
        ArgumentNullException.ThrowIfNull(inviter);
        ArgumentNullException.ThrowIfNull(invitee);
        var code = await inviter.Agency.Ties.CreateInvitationAsync().ConfigureAwait(false);
        await invitee.Agency.Ties.AcceptInvitationAsync(code.Url).ConfigureAwait(false);
        await Eventually.UntilAsync(() => invitee.Store.Ties.GetTieAsync(inviter.Did), t => t?.Status == TieStatus.Established,
            TimeSpan.FromSeconds(30), $"{invitee.Identity.Name} holds an established tie with {inviter.Identity.Name}").ConfigureAwait(false);
        await inviter.Agency.Ties.VerifyTieAsync(invitee.Did).ConfigureAwait(false);
        await invitee.Agency.Ties.VerifyTieAsync(inviter.Did).ConfigureAwait(false);
    }

    /// <summary>Stops the server and deletes the data folder.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _store.DisposeAsync().ConfigureAwait(false);
        _identity.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
