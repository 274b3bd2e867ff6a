using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

using Telex.Core.Bureaus;
using Telex.Core.Model;
using Telex.Core.Storage;
using Telex.Server.Tests.Api;
using Telex.TestKit;

namespace Telex.Server.Tests.Security;

/// <summary>
/// Every input is bounded in size, depth, count and time; each test here crosses one bound, on the federation endpoint
/// or the client API, and checks the refusal and that nothing was stored.
/// </summary>
public sealed class InputLimitTests
{
    private static string Deep(int depth) => new string('[', depth) + new string(']', depth);

    [Fact]
    public async Task A_federation_message_over_16_MiB_is_refused_whether_its_length_is_declared_or_chunked()
    {
        await using var b = await TestAgency.StartAsync("Bravo");
        byte[] huge = new byte[Telex.DidComm.DidCommLimits.Default.MaxMessageBytes + 1];
        huge.AsSpan().Fill((byte)' ');

        Assert.Equal((413, "e.p.msg.toolarge"), await HostilePeer.PostAsync(b.Identity.Endpoint, huge));

        using var http = new HttpClient();
        using var chunked = new StreamContent(new MemoryStream(huge));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/didcomm-encrypted+json");
        using var request = new HttpRequestMessage(HttpMethod.Post, b.Identity.Endpoint) { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("e.p.msg.toolarge", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_federation_message_of_another_media_type_or_none_is_refused_with_415_and_nothing_is_stored()
    {
        await using var b = await TestAgency.StartAsync("Bravo");
        using var peer = await HostilePeer.TiedWithAsync(b);
        byte[] telegram = peer.SignAndEncrypt(peer.Telegram(b.Did, 1), b.Did);

        using var http = new HttpClient();
        foreach (string? type in new[] { "text/plain", "application/x-www-form-urlencoded", null })
        {
            using var content = new ByteArrayContent(telegram);
            content.Headers.ContentType = type is null ? null : new MediaTypeHeaderValue(type);
            using var response = await http.PostAsync(b.Identity.Endpoint, content);
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
            Assert.Contains("e.p.msg.media-type", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(0, await b.Store.Register.CountAsync(new RegisterQuery()));

        // The same bytes as a DIDComm encrypted message are registered.
        Assert.Equal(202, (await HostilePeer.PostAsync(b.Identity.Endpoint, telegram)).Status);
        Assert.Equal(1, await b.Store.Register.CountAsync(new RegisterQuery()));
    }

    [Fact]
    public async Task Deep_json_is_refused_on_the_federation_endpoint_and_on_the_api_before_it_is_used()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        Assert.Equal((400, "e.p.msg.toodeep"), await HostilePeer.PostAsync(a.Identity.Endpoint, Encoding.UTF8.GetBytes("{\"ciphertext\":" + Deep(200) + "}")));

        // Past the API's depth even in a member the request does not use: refused, and the counterpart is not added.
        using var admin = await ApiClient.SignInAsync(a, Role.Admin);
        using var body = new StringContent("{\"name\":\"Deep\",\"extra\":" + Deep(Telex.Server.Api.ApiJson.MaxDepth + 4) + "}", Encoding.UTF8, "application/json");
        await (await admin.PostAsync("/api/directory", body)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Empty(await a.Store.Directory.ListDirectoryAsync());
    }

    [Fact]
    public async Task An_envelope_with_too_many_recipients_or_a_message_to_too_many_agencies_is_refused()
    {
        await using var b = await TestAgency.StartAsync("Bravo");
        using var peer = await HostilePeer.TiedWithAsync(b);
        int limit = Telex.DidComm.DidCommLimits.Default.MaxRecipients;

        // One recipient entry copied past the limit: refused before any key agreement.
        var envelope = JsonNode.Parse(peer.SignAndEncrypt(peer.Telegram(b.Did, 1), b.Did))!.AsObject();
        var recipients = envelope["recipients"]!.AsArray();
        var one = recipients[0]!.ToJsonString();
        for (int i = recipients.Count; i <= limit; i++)
        {
            recipients.Add(JsonNode.Parse(one));
        }

        Assert.Equal((413, "e.p.msg.toolarge"), await HostilePeer.PostAsync(b.Identity.Endpoint, Encoding.UTF8.GetBytes(envelope.ToJsonString())));

        // A message addressed to more agencies than the limit, properly signed and encrypted.
        var others = Enumerable.Range(0, limit).Select(i => "did:example:" + i);
        var crowd = peer.Telegram(b.Did, 1) with { To = [b.Did, .. others] };
        var (status, _) = await HostilePeer.PostAsync(b.Identity.Endpoint, peer.SignAndEncrypt(crowd, b.Did));
        Assert.InRange(status, 400, 413);
        Assert.Equal(0, await b.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Inbound }));
    }

    [Fact]
    public async Task A_receipt_or_a_resend_request_listing_more_than_10000_entries_is_refused()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var peer = await HostilePeer.TiedWithAsync(a);
        var sent = await a.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = peer.Did, Subject = "Listed", Body = "Among many." }, "officer");

        var entries = new JsonArray();
        for (int i = 0; i <= 10_000; i++)
        {
            entries.Add(new JsonObject
            {
                ["telegram"] = (i == 0 ? sent.Id : Guid.NewGuid()).ToString(),
                ["content_hash"] = sent.ContentHash,
                ["registry_number"] = i + 1,
                ["received_time"] = 0,
            });
        }

        var receipt = peer.Message(Telex.Core.Protocol.MessageTypes.Receipt, a.Did, new JsonObject { ["receipts"] = entries });
        Assert.Equal((400, "e.p.msg.bad-request"), await HostilePeer.PostAsync(a.Identity.Endpoint, peer.SignAndEncrypt(receipt, a.Did)));
        var missing = new JsonArray([.. Enumerable.Range(1, 10_001).Select(n => (JsonNode)n)]);
        var resend = peer.Message(Telex.Core.Protocol.MessageTypes.Resend, a.Did, new JsonObject { ["missing"] = missing });
        Assert.Equal((400, "e.p.msg.bad-request"), await HostilePeer.PostAsync(a.Identity.Endpoint, peer.SignAndEncrypt(resend, a.Did)));

        Assert.NotEqual(TelegramStatus.Delivered, (await a.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound))!.Status);
    }

    [Fact]
    public async Task Api_lists_past_their_limits_are_refused_naming_the_field()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var admin = await ApiClient.SignInAsync(a, Role.Admin);
        int over = Telex.Core.Protocol.TelegramWire.MaxListItems + 1;
        string to = "did:peer:2.nobody";

        var attendees = Enumerable.Range(0, over).Select(i => "Attendee " + i).ToArray();
        var references = Enumerable.Range(0, over).Select(_ => Guid.NewGuid()).ToArray();
        var attachments = Enumerable.Range(0, over).Select(i => new { name = $"a{i}.txt", mediaType = "text/plain", contentBase64 = "eA==" }).ToArray();
        var members = Enumerable.Range(0, BureauService.MaxBureauMembers + 1).Select(i => "did:example:" + i).ToArray();

        foreach (var (field, path, request) in new (string, string, object)[]
        {
            ("attendees", "/api/telegrams", new { to, subject = "s", body = "b", attendees }),
            ("references", "/api/telegrams", new { to, subject = "s", body = "b", references }),
            ("attachments", "/api/telegrams", new { to, subject = "s", body = "b", attachments }),
            ("members", "/api/bureaus", new { name = "Crowd", purpose = "Too many", members }),
        })
        {
            var problem = await (await admin.PostAsJsonAsync(path, request)).ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains(field, problem.ToString(), StringComparison.Ordinal);
        }

        Assert.Equal(0, await a.Store.Register.CountAsync(new RegisterQuery()));
    }

    [Fact]
    public async Task Request_headers_over_the_limit_are_refused_with_431()
    {
        await using var a = await SecureAgency.StartAsync(o => o with { Http = o.Http with { MaxRequestHeadersBytes = 8 * 1024 } });
        using var client = ApiClient.Anonymous(a.Url);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.TryAddWithoutValidation("X-Padding", new string('p', 16 * 1024));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task By_default_request_headers_of_32_KiB_are_read_and_one_byte_more_is_refused_with_431()
    {
        // docs/CONFIGURATION.md and docs/SECURITY.md state the default: 32 KiB (Http:MaxRequestHeadersBytes), counting
        // every header line with its line break.
        int limit = new Telex.Core.HttpOptions().MaxRequestHeadersBytes;
        Assert.Equal(32 * 1024, limit);
        await using var a = await SecureAgency.StartAsync();

        Assert.StartsWith("HTTP/1.1 200 ", await StatusLineAsync(a.Port, HeadersOf(limit)), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 431 ", await StatusLineAsync(a.Port, HeadersOf(limit + 1)), StringComparison.Ordinal);
    }

    /// <summary>Header lines for <c>GET /health</c> taking exactly <paramref name="bytes"/> bytes, line breaks included.</summary>
    private static string HeadersOf(int bytes)
    {
        const string fixedLines = "Host: 127.0.0.1\r\nConnection: close\r\n";
        const string padding = "X-Padding: \r\n";
        string headers = fixedLines + "X-Padding: " + new string('p', bytes - fixedLines.Length - padding.Length) + "\r\n";
        Assert.Equal(bytes, Encoding.ASCII.GetByteCount(headers));
        return headers;
    }

    /// <summary>Sends <c>GET /health</c> with <paramref name="headers"/> on a raw connection; returns the answer's status line.</summary>
    private static async Task<string> StatusLineAsync(int port, string headers)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /health HTTP/1.1\r\n" + headers + "\r\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await reader.ReadLineAsync(timeout.Token) ?? "";
    }

    [Fact]
    public async Task A_client_sending_its_headers_byte_by_byte_is_cut_off_after_the_headers_timeout()
    {
        var timeout = TimeSpan.FromSeconds(2);
        await using var a = await SecureAgency.StartAsync(o => o with { Http = o.Http with { RequestHeadersTimeout = timeout } });

        var (closedAfter, _) = await DribbleAsync(a.Port, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", TimeSpan.FromSeconds(15));

        // Kestrel checks once a second, so the cut comes after the timeout, and (on a busy machine too) well before Kestrel's
        // own 30 s would end.
        Assert.InRange(closedAfter, timeout - TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(12));
    }

    [Fact]
    public async Task A_client_sending_a_body_too_slowly_is_cut_off_after_the_grace_period()
    {
        await using var a = await SecureAgency.StartAsync(o => o with
        {
            Http = o.Http with { MinRequestBodyBytesPerSecond = 5000, MinRequestBodyGracePeriod = TimeSpan.FromSeconds(2) },
        });
        string head = "POST /didcomm HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/didcomm-encrypted+json\r\nContent-Length: 100000\r\n\r\n";

        // About 1,000 bytes a second: above Kestrel's own minimum (240), below the one configured here.
        var (closedAfter, answer) = await DribbleAsync(a.Port, head, TimeSpan.FromSeconds(15), bytesPerStep: 200);

        Assert.True(closedAfter >= TimeSpan.FromSeconds(1.5), $"cut off after the grace period, not before: {closedAfter}");
        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), answer);
    }

    /// <summary>
    /// Opens a raw connection, sends <paramref name="head"/>, then <paramref name="bytesPerStep"/> more bytes every 200 ms, the way a slow attacker
    /// holds a connection, until the server closes it; returns how long after the first byte it closed and what it sent.
    /// Fails if the server has not closed it by <paramref name="deadline"/>.
    /// </summary>
    private static async Task<(TimeSpan ClosedAfter, string Answer)> DribbleAsync(int port, string head, TimeSpan deadline, int bytesPerStep = 1)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var stream = tcp.GetStream();
        var clock = Stopwatch.StartNew();
        var answer = new StringBuilder();
        var closed = Task.Run(async () =>
        {
            byte[] buffer = new byte[4096];
            try
            {
                int n;
                while ((n = await stream.ReadAsync(buffer)) > 0)
                {
                    answer.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }
            }
            catch (IOException)
            {
                // Reset by the server: closed as well.
            }

            return clock.Elapsed;
        });

        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            while (!closed.IsCompleted && clock.Elapsed < deadline)
            {
                await Task.WhenAny(closed, Task.Delay(200));
                if (!closed.IsCompleted)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(new string('x', bytesPerStep)));
                }
            }
        }
        catch (IOException)
        {
            // Writing to a connection the server has closed.
        }

        var finished = await Task.WhenAny(closed, Task.Delay(deadline));
        Assert.True(finished == closed, $"the server still held the connection after {deadline.TotalSeconds} s");
        return (await closed, answer.ToString());
    }
}
