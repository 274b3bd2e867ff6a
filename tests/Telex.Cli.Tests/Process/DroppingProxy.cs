using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Telex.Cli.Tests.Process;

/// <summary>
/// A loopback HTTP/1.1 proxy in front of an agency that loses the connection at the worst moment: the first request matching
/// <c>drop</c> is forwarded, the agency handles it and answers, and the proxy closes the client's socket without passing the
/// answer on. Every other request goes through (one request per connection: the proxy asks for <c>Connection: close</c>).
/// </summary>
public sealed class DroppingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _upstream;
    private readonly Func<string, bool> _drop;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _requests = [];
    private readonly Task _accepting;
    private int _dropped;

    public DroppingProxy(Uri upstream, Func<string, bool> drop)
    {
        _upstream = upstream;
        _drop = drop;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The proxy's base URL.</summary>
    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>The head of every request that reached the proxy, in order.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>How many answers were dropped.</summary>
    public int Dropped => Volatile.Read(ref _dropped);

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                connections.Add(ServeAsync(client));
            }
        }
        catch (OperationCanceledException)
        {
        }

        await Task.WhenAll(connections);
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var (head, body) = await ReadRequestAsync(stream);
                if (head is null)
                {
                    return;
                }

                lock (_requests)
                {
                    _requests.Add(head);
                }

                bool drop = _drop(head) && Interlocked.CompareExchange(ref _dropped, 1, 0) == 0;
                byte[] answer = await ForwardAsync(head, body);
                if (drop)
                {
                    // The agency has handled the request and answered; the client never hears of it.
                    client.Client.LingerState = new LingerOption(true, 0);
                    return;
                }

                await stream.WriteAsync(answer, _stop.Token);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
            }
        }
    }

    private async Task<byte[]> ForwardAsync(string head, byte[] body)
    {
        using var upstream = new TcpClient();
        await upstream.ConnectAsync(_upstream.Host, _upstream.Port, _stop.Token);
        var stream = upstream.GetStream();
        var lines = head.Split("\r\n").Where(l => !l.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase)).ToList();
        lines.Insert(1, "Connection: close");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(string.Join("\r\n", lines) + "\r\n\r\n"), _stop.Token);
        await stream.WriteAsync(body, _stop.Token);
        using var answer = new MemoryStream();
        await stream.CopyToAsync(answer, _stop.Token);
        return answer.ToArray();
    }

    /// <summary>Reads one request: its head (without the blank line) and its body by Content-Length; null head at end of stream.</summary>
    private async Task<(string? Head, byte[] Body)> ReadRequestAsync(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (buffer.Count < 4 || !(buffer[^4] == '\r' && buffer[^3] == '\n' && buffer[^2] == '\r' && buffer[^1] == '\n'))
        {
            if (await stream.ReadAsync(one, _stop.Token) == 0)
            {
                return (null, []);
            }

            buffer.Add(one[0]);
        }

        string head = Encoding.ASCII.GetString([.. buffer]).TrimEnd('\r', '\n');
        int length = head.Split("\r\n")
            .Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            .Select(l => int.Parse(l["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture))
            .FirstOrDefault();
        byte[] body = new byte[length];
        await stream.ReadExactlyAsync(body, _stop.Token);
        return (head, body);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
