using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

using Telex.TestKit;

namespace Telex.Server.Tests.Api;

public sealed class EventStreamTests
{
    [Fact]
    public async Task The_event_stream_announces_a_telegram_registered_when_one_arrives()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var sender = await ApiClient.SignInAsync(a, Role.ReleasingOfficer);
        using var listener = await ApiClient.SignInAsync(b, Role.Clerk);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        using var stream = await listener.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(deadline.Token));

        var sent = await (await sender.PostAsJsonAsync("/api/telegrams", new { to = b.Did, subject = "Live", body = "Now.", precedence = "flash" }))
            .JsonAsync(HttpStatusCode.Created);

        string? kind = null;
        while (await reader.ReadLineAsync(deadline.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                kind = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && kind == "telegram.registered")
            {
                var data = JsonDocument.Parse(line["data: ".Length..]).RootElement;
                Assert.Equal("telegram.registered", data.GetProperty("kind").GetString());
                Assert.Equal(a.Did, data.GetProperty("counterpart").GetString());
                Assert.Equal(sent.GetProperty("id").GetString(), data.GetProperty("telegramId").GetString());
                Assert.True(data.TryGetProperty("at", out _));
                return;
            }
        }

        Assert.Fail("the stream ended without a telegram.registered event");
    }
}
