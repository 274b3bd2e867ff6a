using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

using Microsoft.Extensions.DependencyInjection;

using Telex.Core;
using Telex.Core.Protocol;
using Telex.Core.Security;
using Telex.DidComm.Messages;
using Telex.Server.Hosting;
using Telex.Server.Tests.Api;
using Telex.Storage.Sqlite;
using Telex.TestKit;

namespace Telex.Server.Tests.Security;

/// <summary>
/// An agency posts only where its endpoint policy allows, whoever names the endpoint (an invitation, a tie request, a
/// key rotation, a DNS answer), and shows the caller nothing of a peer's answer but its status and problem code.
/// Everything runs on 127.0.0.1: refused loopback endpoints point at a listener here that counts connections; private
/// and metadata addresses are only ever named, and their refusal is shown by its reason and by nothing being stored.
/// </summary>
public sealed class OutboundEndpointTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    // Named by peers below; every one is refused by an agency whose own endpoint is on the internet.
    private static IEnumerable<(string Endpoint, string Why)> RefusedEndpoints(int loopbackPort) =>
    [
        ($"http://127.0.0.1:{loopbackPort}/internal/admin/reset?confirm=yes", "loopback"),
        ($"https://127.0.0.1:{loopbackPort}/didcomm", "loopback"),
        ($"https://localhost:{loopbackPort}/didcomm", "loopback"),
        ("https://10.1.2.3/didcomm", "its address 10.1.2.3 is private"),
        ("https://[::ffff:192.168.0.1]/didcomm", "is private"),
        ("https://169.254.169.254/latest/meta-data/iam/security-credentials/", "is a cloud metadata address"),
        ("https://[fd00:ec2::254]/latest/meta-data/", "is a cloud metadata address"),
    ];

    [Fact]
    public async Task An_invitation_naming_a_loopback_or_private_endpoint_is_refused_before_anything_is_stored_or_sent()
    {
        using var listener = new CountingListener();
        await using var agency = await PublicAgency.StartAsync();
        using var admin = await ApiClient.SignInAsync(agency.Url, agency.Store, Role.Admin);

        foreach (var (endpoint, why) in RefusedEndpoints(listener.Port))
        {
            using var inviter = HostilePeer.Create("Meridian", endpoint);
            string code = new InvitationCode(Guid.NewGuid().ToString(), inviter.Did, "Meridian", "s3cret", DateTimeOffset.UtcNow.AddHours(1)).Code;

            var problem = await (await admin.PostAsJsonAsync("/api/ties/accept", new { code })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");

            Assert.Contains("the inviter's endpoint is refused", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Contains(why, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Empty(await agency.Store.Ties.ListTiesAsync());
        Assert.Equal(0, listener.Connections);
    }

    [Fact]
    public async Task An_invitation_naming_credentials_in_its_endpoint_is_no_invitation()
    {
        await using var agency = await PublicAgency.StartAsync();
        using var admin = await ApiClient.SignInAsync(agency.Url, agency.Store, Role.Admin);
        using var inviter = HostilePeer.Create("Meridian", "https://admin:hunter2@meridian.example/didcomm");
        string code = new InvitationCode(Guid.NewGuid().ToString(), inviter.Did, "Meridian", "s3cret", DateTimeOffset.UtcNow.AddHours(1)).Code;

        var problem = await (await admin.PostAsJsonAsync("/api/ties/accept", new { code })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");

        Assert.Equal("code", problem.GetProperty("field").GetString());
        Assert.Contains("user name or password", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await agency.Store.Ties.ListTiesAsync());
        Assert.Empty(agency.Lookups);
    }

    [Fact]
    public async Task A_tie_request_naming_a_loopback_or_private_endpoint_is_refused_and_leaves_the_invitation_usable()
    {
        using var listener = new CountingListener();
        await using var agency = await PublicAgency.StartAsync();
        var invitation = await agency.Agency.Ties.CreateInvitationAsync();

        foreach (var (endpoint, why) in RefusedEndpoints(listener.Port))
        {
            using var requester = HostilePeer.Create("Meridian", endpoint);
            var (status, code) = await HostilePeer.PostAsync(agency.Url + "/didcomm", requester.TieRequest(invitation));

            Assert.True((status, code) == (403, PeerEndpointPolicy.RefusedCode), $"{endpoint} ({why}): {status} {code}");
            Assert.Null(await agency.Store.Ties.GetTieAsync(requester.Did));
        }

        Assert.Empty(await agency.Store.Ties.ListTiesAsync());
        Assert.Equal(0, listener.Connections);

        // The refusals consumed nothing: an agency with an endpoint the policy allows uses the same invitation.
        using var proper = HostilePeer.Create("Meridian", "https://meridian.example/didcomm");
        Assert.Equal(202, (await HostilePeer.PostAsync(agency.Url + "/didcomm", proper.TieRequest(invitation))).Status);
        Assert.Equal(TieStatus.Established, (await agency.Store.Ties.GetTieAsync(proper.Did))!.Status);
    }

    [Fact]
    public async Task A_rotation_to_a_did_naming_a_loopback_or_private_endpoint_is_refused_and_the_tie_keeps_its_endpoint()
    {
        using var listener = new CountingListener();
        await using var agency = await PublicAgency.StartAsync();
        using var before = HostilePeer.Create("Meridian", "https://meridian.example/didcomm");
        var invitation = await agency.Agency.Ties.CreateInvitationAsync();
        Assert.Equal(202, (await HostilePeer.PostAsync(agency.Url + "/didcomm", before.TieRequest(invitation))).Status);

        foreach (var (endpoint, why) in RefusedEndpoints(listener.Port))
        {
            using var after = HostilePeer.Create("Meridian", endpoint);
            string fromPrior = FromPrior.Issue(before.Did, after.Did, before.Identity.Signing, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            var rotation = after.Message(MessageTypes.KeysRotate, agency.Did, new JsonObject { ["name"] = "Meridian" }) with { FromPrior = fromPrior };
            var (status, code) = await HostilePeer.PostAsync(agency.Url + "/didcomm", after.SignAndEncrypt(rotation, agency.Did));

            Assert.True((status, code) == (403, PeerEndpointPolicy.RefusedCode), $"{endpoint} ({why}): {status} {code}");
            Assert.Null(await agency.Store.Ties.GetTieAsync(after.Did));
        }

        var tie = (await agency.Store.Ties.GetTieAsync(before.Did))!;
        Assert.Equal((before.Did, "https://meridian.example/didcomm", TieStatus.Established), (tie.PeerDid, tie.PeerEndpoint, tie.Status));
        Assert.Empty(await agency.Store.Keys.ListKeyRotationsAsync());
        Assert.Equal(0, listener.Connections);
    }

    [Fact]
    public async Task A_name_that_resolves_to_a_refused_address_is_refused_when_connecting_whatever_it_looked_like_before()
    {
        using var listener = new CountingListener();
        var policy = new PeerEndpointPolicy("https://guarded.example/didcomm");

        // A DNS server under a peer's control answers a harmless-looking name with this machine's loopback, then with a
        // private address: the endpoint passed when it was learned, and every connection is still checked.
        IPAddress[] answer = [IPAddress.Loopback];
        using var transport = new HttpTransport(policy, null, (_, _) => Task.FromResult(answer));
        string endpoint = $"https://rebound.example:{listener.Port}/didcomm";
        Assert.Null(policy.Refusal(endpoint));

        var refused = await transport.SendAsync(endpoint, "{}"u8.ToArray(), CancellationToken.None);
        Assert.Equal((false, 0, "the endpoint is refused: its address 127.0.0.1 is loopback"), (refused.Accepted, refused.Status, refused.Detail));

        answer = [IPAddress.Parse("10.9.8.7"), IPAddress.Parse("::ffff:127.0.0.1")];
        refused = await transport.SendAsync(endpoint, "{}"u8.ToArray(), CancellationToken.None);
        Assert.Equal("the endpoint is refused: its address 10.9.8.7 is private", refused.Detail);
        Assert.Equal(0, listener.Connections);

        // The same transport connects where the policy allows: a loopback agency's to the same listener.
        using var loopback = new HttpTransport(TestAgency.LoopbackPolicy, null, (_, _) => Task.FromResult(answer));
        answer = [IPAddress.Loopback];
        await loopback.SendAsync(endpoint, "{}"u8.ToArray(), CancellationToken.None);
        await Eventually.UntilAsync(() => Task.FromResult(listener.Connections), n => n == 1, Deadline, "the allowed connection");
    }

    [Fact]
    public async Task An_agency_accepting_an_invitation_whose_name_resolves_to_loopback_connects_nowhere()
    {
        using var listener = new CountingListener();
        await using var agency = await PublicAgency.StartAsync();
        using var admin = await ApiClient.SignInAsync(agency.Url, agency.Store, Role.Admin);
        using var inviter = HostilePeer.Create("Meridian", $"https://meridian.example:{listener.Port}/didcomm");
        string code = new InvitationCode(Guid.NewGuid().ToString(), inviter.Did, "Meridian", "s3cret", DateTimeOffset.UtcNow.AddHours(1)).Code;

        var problem = await (await admin.PostAsJsonAsync("/api/ties/accept", new { code })).ProblemAsync(HttpStatusCode.BadGateway, "peer");

        Assert.Equal("the inviter could not be reached: the endpoint is refused: its address 127.0.0.1 is loopback", problem.GetProperty("detail").GetString());
        Assert.Contains("meridian.example", agency.Lookups);
        Assert.Equal(0, listener.Connections);
    }

    [Fact]
    public async Task The_transport_of_an_agency_on_the_internet_refuses_loopback_whoever_asks()
    {
        using var listener = new CountingListener();
        await using var agency = await PublicAgency.StartAsync(ownTransport: false);
        var transport = agency.Services.GetRequiredService<ITransport>();

        var result = await transport.SendAsync($"http://127.0.0.1:{listener.Port}/internal/admin/reset?confirm=yes", "{}"u8.ToArray(), CancellationToken.None);

        Assert.Equal((false, "the endpoint is refused: its address 127.0.0.1 is loopback"), (result.Accepted, result.Detail));
        Assert.Equal(0, listener.Connections);
    }

    [Fact]
    public async Task A_peer_answering_a_huge_refusal_gets_a_few_kilobytes_read_and_none_of_it_shown()
    {
        const long Declared = 64L * 1024 * 1024;
        const string Secret = "ADMIN-TOKEN-7f3a9c";
        await using var peer = new RawHttpPeer(async (stream, ct) =>
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"HTTP/1.1 403 Forbidden\r\nContent-Type: application/problem+json\r\nContent-Length: {Declared}\r\nConnection: close\r\n\r\n"), ct);
            byte[] chunk = new byte[64 * 1024];
            chunk.AsSpan().Fill((byte)' ');
            Encoding.ASCII.GetBytes($"{{\"code\":\"e.p.tie.none\",\"detail\":\"{Secret}\",\"pad\":\"").CopyTo(chunk, 0);
            long written = 0;
            try
            {
                while (written < Declared)
                {
                    int n = (int)Math.Min(chunk.Length, Declared - written);
                    await stream.WriteAsync(chunk.AsMemory(0, n), ct);
                    written += n;
                }
            }
            catch (IOException)
            {
                // The agency hung up.
            }

            return written;
        });
        await using var agency = await TestAgency.StartAsync("Alpha");
        using var admin = await ApiClient.SignInAsync(agency, Role.Admin);
        using var inviter = HostilePeer.Create("Meridian", peer.Endpoint);
        string code = new InvitationCode(Guid.NewGuid().ToString(), inviter.Did, "Meridian", "s3cret", DateTimeOffset.UtcNow.AddHours(1)).Code;

        using var response = await admin.PostAsJsonAsync("/api/ties/accept", new { code });
        string text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("the inviter refused (403): no problem code", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);

        // The agency stopped reading and closed: the peer could hand over only what the sockets buffer.
        long sent = await peer.Answered.WaitAsync(Deadline);
        Assert.True(sent < 24 * 1024 * 1024, $"the peer wrote {sent} of {Declared} bytes before the agency hung up");
    }

    [Fact]
    public async Task A_refusal_shows_its_status_and_problem_code_and_nothing_else_of_the_answer()
    {
        using var elsewhere = new CountingListener();
        string[] answers =
        [
            Answer("403 Forbidden", "application/problem+json", """{"code":"e.p.tie.invitation","detail":"ADMIN-TOKEN-1 is the reset key"}"""),
            Answer("500 Internal Server Error", "application/problem+json", """{"code":"ADMIN-TOKEN-2 <script>","detail":"x"}"""),
            Answer("404 Not Found", "text/plain", "ADMIN-TOKEN-3: the internal admin page"),
            Answer("307 Temporary Redirect", "text/plain", "ADMIN-TOKEN-4", $"Location: http://127.0.0.1:{elsewhere.Port}/internal\r\n"),
        ];
        int next = 0;
        await using var peer = new RawHttpPeer(async (stream, ct) =>
        {
            byte[] answer = Encoding.UTF8.GetBytes(answers[Interlocked.Increment(ref next) - 1]);
            await stream.WriteAsync(answer, ct);
            return answer.Length;
        });
        await using var agency = await TestAgency.StartAsync("Alpha");
        using var admin = await ApiClient.SignInAsync(agency, Role.Admin);
        using var inviter = HostilePeer.Create("Meridian", peer.Endpoint);

        string[] expected =
        [
            "the inviter refused (403): e.p.tie.invitation",
            "the inviter refused (500): no problem code",
            "the inviter refused (404): no problem code",
            "the inviter refused (307): a redirect, which is not followed",
        ];
        foreach (string reason in expected)
        {
            string code = new InvitationCode(Guid.NewGuid().ToString(), inviter.Did, "Meridian", "s3cret", DateTimeOffset.UtcNow.AddHours(1)).Code;
            var problem = await (await admin.PostAsJsonAsync("/api/ties/accept", new { code })).ProblemAsync(HttpStatusCode.BadGateway, "peer");
            Assert.Equal(reason, problem.GetProperty("detail").GetString());
        }

        Assert.Equal(0, elsewhere.Connections);
    }

    private static string Answer(string status, string type, string body, string headers = "") =>
        $"HTTP/1.1 {status}\r\nContent-Type: {type}\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n{headers}Connection: close\r\n\r\n{body}";

    /// <summary>
    /// An agency that counts as being on the internet (its DID names <c>https://guarded.example/didcomm</c>) while it
    /// listens on 127.0.0.1. Its transport resolves every name to 127.0.0.1, as a hostile DNS server could, so nothing
    /// it sends can leave this machine and its policy refuses every address it is given.
    /// </summary>
    private sealed class PublicAgency : IAsyncDisposable
    {
        public const string Endpoint = "https://guarded.example/didcomm";

        private readonly SecureAgency _agency;

        private PublicAgency(SecureAgency agency, ConcurrentQueue<string> lookups)
        {
            _agency = agency;
            Lookups = lookups;
        }

        public SqliteStore Store => _agency.Store;

        /// <summary>Where it listens: http://127.0.0.1:port.</summary>
        public string Url => _agency.Url;

        public string Did => _agency.Did;

        public Agency Agency => _agency.Agency;

        public IServiceProvider Services => _agency.Services;

        /// <summary>The names its transport resolved.</summary>
        public ConcurrentQueue<string> Lookups { get; }

        /// <summary>Starts it; <paramref name="ownTransport"/> false keeps the transport the server builds (then no name may be sent to).</summary>
        public static async Task<PublicAgency> StartAsync(bool ownTransport = true)
        {
            var lookups = new ConcurrentQueue<string>();
            var transport = ownTransport
                ? new HttpTransport(new PeerEndpointPolicy(Endpoint), null, (name, _) =>
                {
                    lookups.Enqueue(name);
                    return Task.FromResult(new[] { IPAddress.Loopback });
                })
                : null;
            return new PublicAgency(await SecureAgency.StartAsync(publicEndpoint: Endpoint, transport: transport), lookups);
        }

        public ValueTask DisposeAsync() => _agency.DisposeAsync();
    }

    /// <summary>A listener on 127.0.0.1 that counts the connections made to it and closes each.</summary>
    private sealed class CountingListener : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private int _connections;

        public CountingListener()
        {
            _listener.Start();
            _ = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Connections => Volatile.Read(ref _connections);

        public void Dispose() => _listener.Dispose();

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    using var client = await _listener.AcceptTcpClientAsync();
                    Interlocked.Increment(ref _connections);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>
    /// An HTTP server on 127.0.0.1 written by hand: for every connection it reads one request and answers with
    /// <c>answer</c>, which returns how many bytes it wrote before it was done or the client hung up.
    /// </summary>
    private sealed class RawHttpPeer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Func<Stream, CancellationToken, Task<long>> _answer;
        private readonly CancellationTokenSource _stop = new();
        private readonly TaskCompletionSource<long> _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Task _serving;

        public RawHttpPeer(Func<Stream, CancellationToken, Task<long>> answer)
        {
            _answer = answer;
            _listener.Start();
            _serving = ServeAsync();
        }

        public string Endpoint => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/didcomm";

        /// <summary>The bytes written in answer to the first request, once the answer is over.</summary>
        public Task<long> Answered => _answered.Task;

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Dispose();
            await _serving;
            _stop.Dispose();
        }

        private async Task ServeAsync()
        {
            try
            {
                while (true)
                {
                    using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    var stream = client.GetStream();
                    await ReadRequestAsync(stream, _stop.Token);
                    _answered.TrySetResult(await _answer(stream, _stop.Token));
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
            {
            }
        }

        private static async Task ReadRequestAsync(NetworkStream stream, CancellationToken ct)
        {
            var head = new List<byte>();
            byte[] one = new byte[1];
            while (!(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
            {
                if (await stream.ReadAsync(one, ct) == 0)
                {
                    return;
                }

                head.Add(one[0]);
            }

            string headers = Encoding.ASCII.GetString(head.ToArray());
            int at = headers.IndexOf("Content-Length:", StringComparison.OrdinalIgnoreCase);
            int length = at < 0 ? 0 : int.Parse(headers[(at + 15)..headers.IndexOf('\r', at)].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            byte[] body = new byte[length];
            await stream.ReadExactlyAsync(body, ct);
        }
    }
}
