using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

using Telex.Core.Model;
using Telex.Core.Storage;
using Telex.TestKit;

namespace Telex.Server.Tests.Api;

/// <summary>
/// The <c>Idempotency-Key</c> of a release: the same key twice gives one telegram, across a restart of the agency too; the
/// same key with another request is refused with 422; a malformed key is refused; nothing of a refusal is released.
/// </summary>
public sealed class IdempotencyTests
{
    private static object Telegram(string to, string subject = "The situation in the Orient") => new
    {
        to,
        subject,
        body = "Mao Zedong asked me to inform you of the following.",
        precedence = "priority",
    };

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, object? body, params string[] keys)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        foreach (string key in keys)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        }

        return await client.SendAsync(request);
    }

    private static Task<long> OutboundAsync(ITelexStore store) => store.Register.CountAsync(new RegisterQuery { Direction = Direction.Outbound });

    [Fact]
    public async Task The_same_key_twice_gives_one_telegram_and_the_first_answer_again()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var sender = await ApiClient.SignInAsync(a, Role.ReleasingOfficer, "kovalev");

        // Bravo is away: the telegram waits in the outbox, where a second one would be seen.
        await b.StopAsync();
        using var first = await PostAsync(sender, "/api/telegrams", Telegram(b.Did), "\"8e03978e-40d5-43e8-bc93-6894a57f9324\"");
        string body = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));

        using var again = await PostAsync(sender, "/api/telegrams", Telegram(b.Did), "\"8e03978e-40d5-43e8-bc93-6894a57f9324\"");
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(body, await again.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        Assert.Equal("true", Assert.Single(again.Headers.GetValues("Idempotent-Replayed")));

        Assert.Equal(1, await OutboundAsync(a.Store));
        Assert.Equal(1, (await a.Store.Outbox.OutboxDepthAsync())[b.Did]);

        // The key is the officer's: another officer's same key is another request, and a bare token is a key as well.
        using var other = await ApiClient.SignInAsync(a, Role.ReleasingOfficer, "roshchin");
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(other, "/api/telegrams", Telegram(b.Did), "\"8e03978e-40d5-43e8-bc93-6894a57f9324\"")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(sender, "/api/telegrams", Telegram(b.Did), "plain-token-1")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(sender, "/api/telegrams", Telegram(b.Did), "plain-token-1")).StatusCode);
        Assert.Equal(3, await OutboundAsync(a.Store));

        // Without a key, every request releases, as before.
        await (await sender.PostAsJsonAsync("/api/telegrams", Telegram(b.Did))).JsonAsync(HttpStatusCode.Created);
        await (await sender.PostAsJsonAsync("/api/telegrams", Telegram(b.Did))).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(5, await OutboundAsync(a.Store));
    }

    [Fact]
    public async Task The_same_key_with_another_request_is_refused_with_422_and_a_malformed_key_with_400_and_neither_releases_anything()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var sender = await ApiClient.SignInAsync(a, Role.ReleasingOfficer, "kovalev");
        await (await PostAsync(sender, "/api/telegrams", Telegram(b.Did), "key-1")).JsonAsync(HttpStatusCode.Created);

        var reused = await (await PostAsync(sender, "/api/telegrams", Telegram(b.Did, "Another subject"), "key-1"))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        Assert.Contains("key-1", reused.GetProperty("detail").GetString(), StringComparison.Ordinal);

        foreach (string[] keys in new[]
        {
            new[] { "" }, new[] { "\"\"" }, new[] { new string('k', 256) }, new[] { "\"key\twith a tab\"" }, new[] { "two words" },
            new[] { "\"unclosed" }, new[] { "\"a\"b\"" }, new[] { "key-2", "key-3" },
        })
        {
            var problem = await (await PostAsync(sender, "/api/telegrams", Telegram(b.Did), keys)).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
            Assert.Equal("Idempotency-Key", problem.GetProperty("field").GetString());
        }

        Assert.Equal(1, await OutboundAsync(a.Store));

        // The longest key is accepted.
        await (await PostAsync(sender, "/api/telegrams", Telegram(b.Did), new string('k', 255))).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(2, await OutboundAsync(a.Store));
    }

    [Fact]
    public async Task A_refused_release_keeps_no_key_and_a_draft_released_twice_under_one_key_is_one_telegram()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        using var sender = await ApiClient.SignInAsync(a, Role.ReleasingOfficer, "kovalev");

        // No tie yet: refused, and the key stays free for the same request once the tie is there.
        await (await PostAsync(sender, "/api/telegrams", Telegram(b.Did), "key-1")).ProblemAsync(HttpStatusCode.Conflict);
        await TestAgency.TieAsync(a, b);
        await (await PostAsync(sender, "/api/telegrams", Telegram(b.Did), "key-1")).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(1, await OutboundAsync(a.Store));

        // A draft (cleared: no rule requires clearance) released twice under one key: the second gets the first answer, not 409.
        var draft = await (await sender.PostAsJsonAsync("/api/drafts", Telegram(b.Did, "A draft"))).JsonAsync(HttpStatusCode.Created);
        string release = $"/api/drafts/{draft.GetProperty("id").GetString()}/release";
        using var released = await PostAsync(sender, release, null, "release-1");
        Assert.Equal(HttpStatusCode.Created, released.StatusCode);
        using var again = await PostAsync(sender, release, null, "release-1");
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(await released.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(2, await OutboundAsync(a.Store));

        // Without the key, releasing it again is the conflict it always was; the same key on a send is another request.
        await (await sender.PostAsync(release, null)).ProblemAsync(HttpStatusCode.Conflict);
        await (await PostAsync(sender, "/api/telegrams", Telegram(b.Did), "release-1")).ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(2, await OutboundAsync(a.Store));
    }

    [Fact]
    public async Task The_same_key_after_the_agency_was_killed_and_restarted_still_gives_one_telegram()
    {
        await using var b = await TestAgency.StartAsync("Bravo");
        await using var a = await AgencyProcess.InitAsync("Alpha");
        await using (var setup = a.OpenStore())
        {
            await setup.Ties.SaveTieAsync(new Tie
            {
                PeerDid = b.Did,
                PeerName = "Bravo",
                PeerEndpoint = b.Identity.Endpoint,
                Status = TieStatus.Established,
                Verified = true,
                EstablishedAt = DateTimeOffset.UtcNow,
            });
        }

        await b.Store.Ties.SaveTieAsync(new Tie
        {
            PeerDid = a.Did,
            PeerName = "Alpha",
            PeerEndpoint = $"http://127.0.0.1:{a.Port}/didcomm",
            Status = TieStatus.Established,
            Verified = true,
            EstablishedAt = DateTimeOffset.UtcNow,
        });
        await a.StartAsync();
        await using var store = a.OpenStore();
        using var sender = await ApiClient.SignInAsync($"http://127.0.0.1:{a.Port}", store, Role.ReleasingOfficer, "kovalev");

        using var first = await PostAsync(sender, "/api/telegrams", Telegram(b.Did), "across-a-restart");
        string body = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        await a.KillAsync();
        await a.StartAsync();

        using var again = await PostAsync(sender, "/api/telegrams", Telegram(b.Did), "across-a-restart");
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(body, await again.Content.ReadAsStringAsync());
        Assert.Equal("true", Assert.Single(again.Headers.GetValues("Idempotent-Replayed")));

        Assert.Equal(1, await OutboundAsync(store));
        string id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
        await Eventually.UntilAsync(() => b.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Inbound }), n => n == 1, TimeSpan.FromSeconds(30),
            "Bravo registers the one telegram");
        Assert.NotNull(await b.Store.Telegrams.GetTelegramAsync(Guid.Parse(id), Direction.Inbound));
    }
}
