using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

using Telex.Core.Storage;
using Telex.TestKit;

namespace Telex.Server.Tests.Api;

/// <summary>
/// <c>POST /api/telegrams/batch</c>: many telegrams in one request, each released as one is (its own serial, its own
/// idempotency key); a retry under the same keys releases nothing twice; one bad telegram refuses the whole batch.
/// </summary>
public sealed class BatchReleaseTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static object Item(string? key, string to, string subject) => new
    {
        idempotencyKey = key,
        telegram = new { to, subject, body = $"On the matter of {subject}.", precedence = "routine" },
    };

    private static Task<HttpResponseMessage> BatchAsync(HttpClient client, params object?[] items) =>
        client.PostAsJsonAsync("/api/telegrams/batch", new { telegrams = items });

    private static Task<long> OutboundAsync(ITelexStore store) => store.Register.CountAsync(new RegisterQuery { Direction = Direction.Outbound });

    private static List<JsonElement> Results(JsonElement answer) => [.. answer.GetProperty("telegrams").EnumerateArray()];

    [Fact]
    public async Task A_batch_releases_each_telegram_with_its_own_serial_and_a_retry_under_the_same_keys_releases_nothing_again()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var sender = await ApiClient.SignInAsync(a, Role.ReleasingOfficer, "kovalev");
        object[] batch = [.. Enumerable.Range(1, 5).Select(i => Item($"key-{i}", i % 2 == 0 ? "Bravo" : b.Did, $"Shipment {i}"))];

        var first = Results(await (await BatchAsync(sender, batch)).JsonAsync(HttpStatusCode.OK));
        Assert.Equal(5, first.Count);
        Assert.All(first, r => Assert.Equal((201, false), (r.GetProperty("status").GetInt32(), r.GetProperty("replayed").GetBoolean())));
        Assert.Equal(Enumerable.Range(1, 5).Select(i => $"Shipment {i}"), first.Select(r => r.GetProperty("telegram").GetProperty("subject").GetString()));
        Assert.Equal([1L, 2, 3, 4, 5], first.Select(r => r.GetProperty("telegram").GetProperty("serial").GetInt64()).Order());
        Assert.Equal(5, await OutboundAsync(a.Store));

        // The same batch again: every telegram answered as first released, none released twice.
        var again = Results(await (await BatchAsync(sender, batch)).JsonAsync(HttpStatusCode.OK));
        Assert.All(again, r => Assert.True(r.GetProperty("replayed").GetBoolean()));
        Assert.Equal(first.Select(r => r.GetProperty("telegram").GetProperty("id").GetString()), again.Select(r => r.GetProperty("telegram").GetProperty("id").GetString()));
        Assert.Equal(5, await OutboundAsync(a.Store));

        // One more telegram joins the retry: only it is released. A key is the same alone or in a batch.
        var grown = Results(await (await BatchAsync(sender, [.. batch, Item("key-6", b.Did, "Shipment 6")])).JsonAsync(HttpStatusCode.OK));
        Assert.Equal([true, true, true, true, true, false], grown.Select(r => r.GetProperty("replayed").GetBoolean()));
        using var alone = new HttpRequestMessage(HttpMethod.Post, "/api/telegrams")
        {
            Content = JsonContent.Create(new { to = b.Did, subject = "Shipment 1", body = "On the matter of Shipment 1.", precedence = "routine" }),
        };
        alone.Headers.Add("Idempotency-Key", "key-1");
        using var replayed = await sender.SendAsync(alone);
        Assert.Equal("true", Assert.Single(replayed.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(first[0].GetProperty("telegram").GetProperty("id").GetString(), (await replayed.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString());
        Assert.Equal(6, await OutboundAsync(a.Store));

        // Without keys every telegram is released; each reaches Bravo once.
        Assert.Equal(2, Results(await (await BatchAsync(sender, Item(null, b.Did, "Grain 1"), Item(null, b.Did, "Grain 2"))).JsonAsync(HttpStatusCode.OK)).Count);
        await Eventually.UntilAsync(() => b.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Inbound }), n => n == 8, Deadline,
            "Bravo registers the eight telegrams");
        Assert.True((await b.Agency.Register.VerifyRegisterAsync()).Ok);

        // The tie suspended since: a retry is still answered with what its keys released, and a new telegram refuses the batch.
        await a.Agency.Ties.ChangeTieStatusAsync(b.Did, TieStatus.Suspended);
        Assert.All(Results(await (await BatchAsync(sender, batch)).JsonAsync(HttpStatusCode.OK)), r => Assert.True(r.GetProperty("replayed").GetBoolean()));
        await (await BatchAsync(sender, [.. batch, Item("key-7", b.Did, "Shipment 7")])).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(8, await OutboundAsync(a.Store));
    }

    [Fact]
    public async Task A_batch_with_one_bad_telegram_or_a_key_used_for_another_telegram_is_refused_whole_and_releases_nothing()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var sender = await ApiClient.SignInAsync(a, Role.ReleasingOfficer, "kovalev");
        await (await BatchAsync(sender, Item("key-1", b.Did, "Shipment 1"))).JsonAsync(HttpStatusCode.OK);
        var good = Item("key-2", b.Did, "Shipment 2");

        (object?[] Items, string Field)[] refused =
        [
            ([good, new { idempotencyKey = "key-3", telegram = new { to = b.Did, body = "No subject" } }], "telegrams[1].telegram.subject"),
            ([good, Item("key-3", "Nobody", "Shipment 3")], "telegrams[1].telegram.to"),
            ([good, Item("key-2", b.Did, "Shipment 3")], "telegrams[1].idempotencyKey"),
            ([good, Item("two words", b.Did, "Shipment 3")], "telegrams[1].idempotencyKey"),
            ([good, null], "telegrams[1].telegram"),
            ([], "telegrams"),
            ([.. Enumerable.Range(0, 101).Select(i => Item(null, b.Did, $"Shipment {i}"))], "telegrams"),
        ];
        foreach (var (items, field) in refused)
        {
            var problem = await (await BatchAsync(sender, items)).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
            Assert.Equal(field, problem.GetProperty("field").GetString());
        }

        // A key that released another telegram: 422, and the good telegram beside it is not released either.
        await (await BatchAsync(sender, good, Item("key-1", b.Did, "Not shipment 1"))).ProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        Assert.Equal(1, await OutboundAsync(a.Store));

        // A clerk may not release, in a batch or alone.
        using var clerk = await ApiClient.SignInAsync(a, Role.Clerk, "zhou");
        Assert.Equal(HttpStatusCode.Forbidden, (await BatchAsync(clerk, good)).StatusCode);
        Assert.Equal(1, await OutboundAsync(a.Store));
    }

    [Fact]
    public async Task A_key_quoted_and_the_same_key_bare_are_one_key_and_a_batch_holding_both_is_refused_whole()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var sender = await ApiClient.SignInAsync(a, Role.ReleasingOfficer, "kovalev");

        var problem = await (await BatchAsync(sender, Item("\"key-1\"", b.Did, "Shipment 1"), Item("key-1", b.Did, "Shipment 2")))
            .ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        Assert.Equal("telegrams[1].idempotencyKey", problem.GetProperty("field").GetString());
        Assert.Equal(0, await OutboundAsync(a.Store));
    }

    [Fact]
    public async Task A_key_sent_at_once_in_a_batch_and_alone_releases_one_telegram_and_every_request_is_answered_with_it()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var sender = await ApiClient.SignInAsync(a, Role.ReleasingOfficer, "kovalev");

        async Task<(int Status, string? Id)> AloneAsync(string key, string subject)
        {
            using var alone = new HttpRequestMessage(HttpMethod.Post, "/api/telegrams")
            {
                Content = JsonContent.Create(new { to = b.Did, subject, body = $"On the matter of {subject}.", precedence = "routine" }),
            };
            alone.Headers.Add("Idempotency-Key", key);
            using var answer = await sender.SendAsync(alone);
            return answer.StatusCode == HttpStatusCode.Created
                ? (201, (await answer.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString())
                : ((int)answer.StatusCode, null);
        }

        async Task<(int Status, string? Id)> InBatchAsync(string key, string subject)
        {
            var result = Assert.Single(Results(await (await BatchAsync(sender, Item(key, b.Did, subject))).JsonAsync(HttpStatusCode.OK)));
            return (result.GetProperty("status").GetInt32(),
                result.GetProperty("telegram").ValueKind == JsonValueKind.Object ? result.GetProperty("telegram").GetProperty("id").GetString() : null);
        }

        for (int round = 1; round <= 8; round++)
        {
            string key = $"key-{round}", subject = $"Shipment {round}";
            // Other releases keep the writer busy, so the requests under the key meet in one of its transactions.
            var busy = BatchAsync(sender, [.. Enumerable.Range(0, 20).Select(i => Item(null, b.Did, $"Grain {round}.{i}"))]);
            var answers = await Task.WhenAll(InBatchAsync(key, subject), AloneAsync(key, subject), InBatchAsync(key, subject), AloneAsync(key, subject));
            (await busy).EnsureSuccessStatusCode();
            Assert.All(answers, r => Assert.Equal(201, r.Status));
            Assert.Single(answers.Select(r => r.Id).Distinct());
            Assert.Equal(round * 21, await OutboundAsync(a.Store));
        }
    }

    [Fact]
    public async Task A_batch_with_one_telegram_the_clearance_policy_holds_back_is_refused_whole_and_releases_nothing()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var admin = await ApiClient.SignInAsync(a, Role.Admin, "admin");
        using var sender = await ApiClient.SignInAsync(a, Role.ReleasingOfficer, "kovalev");
        await (await admin.PostAsJsonAsync("/api/clearance/rules", new { minPrecedence = "flash", anyReleasingOfficer = true })).JsonAsync(HttpStatusCode.Created);
        var flash = new { idempotencyKey = "key-2", telegram = new { to = b.Did, subject = "Urgent", body = "Needs clearance.", precedence = "flash" } };

        var problem = await (await BatchAsync(sender, Item("key-1", b.Did, "Shipment 1"), flash)).ProblemAsync(HttpStatusCode.Conflict, "conflict");
        Assert.StartsWith("telegrams[1]: ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await OutboundAsync(a.Store));
    }
}
