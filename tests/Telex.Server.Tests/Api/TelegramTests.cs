using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

using Telex.Core.Model;
using Telex.TestKit;

namespace Telex.Server.Tests.Api;

public sealed class TelegramTests
{
    private static object Telegram(string to, string subject = "The situation in the Orient") => new
    {
        to,
        subject,
        body = "Mao Zedong asked me to inform you of the following.",
        precedence = "immediate",
        issueId = "eastern-bureau",
        onBehalfOf = "Mao Zedong",
        attendees = new[] { "Zhu De", "Liu Shaoqi" },
        attachments = new[] { new { name = "note.txt", mediaType = "text/plain", contentBase64 = Convert.ToBase64String("premature"u8.ToArray()) } },
    };

    [Fact]
    public async Task A_telegram_sent_through_the_api_arrives_in_the_recipients_list_and_opens_in_full()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var sender = await ApiClient.SignInAsync(a, Role.ReleasingOfficer, "kovalev");
        using var reader = await ApiClient.SignInAsync(b, Role.Clerk, "clerk");

        var sent = await (await sender.PostAsJsonAsync("/api/telegrams", Telegram(b.Did))).JsonAsync(HttpStatusCode.Created);
        string id = sent.GetProperty("id").GetString()!;
        Assert.Equal("outbound", sent.GetProperty("direction").GetString());
        Assert.Equal(1, sent.GetProperty("serial").GetInt64());
        Assert.Equal("kovalev", sent.GetProperty("drafter").GetString());
        Assert.Equal("kovalev", sent.GetProperty("releasingOfficer").GetString());
        Assert.Equal("Bravo", sent.GetProperty("counterpartName").GetString());

        var inbound = await Eventually.UntilAsync(
            async () => await (await reader.GetAsync("/api/telegrams?direction=inbound")).JsonAsync(HttpStatusCode.OK),
            list => list.GetArrayLength() == 1, TimeSpan.FromSeconds(30), "the telegram is listed at Bravo");
        var summary = inbound[0];
        Assert.Equal(id, summary.GetProperty("id").GetString());
        Assert.Equal("inbound", summary.GetProperty("direction").GetString());
        Assert.Equal(a.Did, summary.GetProperty("counterpart").GetString());
        Assert.Equal("Alpha", summary.GetProperty("counterpartName").GetString());
        Assert.Equal(1, summary.GetProperty("registryNumber").GetInt64());
        Assert.Equal("registered", summary.GetProperty("status").GetString());
        Assert.Equal("immediate", summary.GetProperty("precedence").GetString());
        Assert.Equal("eastern-bureau", summary.GetProperty("issueId").GetString());
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("readAt").ValueKind);

        // The receipt is signed and kept moments after registration, with whatever else arrived meanwhile.
        var full = await Eventually.UntilAsync(
            async () => await (await reader.GetAsync($"/api/telegrams/{id}")).JsonAsync(HttpStatusCode.OK),
            t => t.GetProperty("receipt").ValueKind == JsonValueKind.String, TimeSpan.FromSeconds(30), "Bravo keeps the receipt it sent");
        Assert.Equal("Mao Zedong asked me to inform you of the following.", full.GetProperty("body").GetString());
        Assert.Equal("Mao Zedong", full.GetProperty("onBehalfOf").GetString());
        Assert.Equal(["Zhu De", "Liu Shaoqi"], full.GetProperty("attendees").EnumerateArray().Select(e => e.GetString()));
        var attachment = full.GetProperty("attachments")[0];
        Assert.Equal("note.txt", attachment.GetProperty("name").GetString());
        Assert.Equal(9, attachment.GetProperty("size").GetInt64());
        Assert.Equal(sent.GetProperty("contentHash").GetString(), full.GetProperty("contentHash").GetString());
        Assert.StartsWith("{", full.GetProperty("signedOriginal").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("{", full.GetProperty("receipt").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(JsonValueKind.Null, full.GetProperty("readAt").ValueKind);

        var delivered = await Eventually.UntilAsync(
            async () => await (await sender.GetAsync($"/api/telegrams/{id}?direction=outbound")).JsonAsync(HttpStatusCode.OK),
            t => t.GetProperty("status").GetString() == "delivered", TimeSpan.FromSeconds(30), "delivered at Alpha");
        Assert.Equal(1, delivered.GetProperty("peerRegistryNumber").GetInt64());
        Assert.NotEqual(JsonValueKind.Null, delivered.GetProperty("deliveredAt").ValueKind);
    }

    [Fact]
    public async Task The_cable_shows_the_registry_number_and_the_signature_line()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var sender = await ApiClient.SignInAsync(a, Role.Admin, "kovalev");
        using var reader = await ApiClient.SignInAsync(b, Role.Auditor);
        var sent = await (await sender.PostAsJsonAsync("/api/telegrams", Telegram(b.Did))).JsonAsync(HttpStatusCode.Created);
        string id = sent.GetProperty("id").GetString()!;
        await Eventually.UntilAsync(async () => (await reader.GetAsync($"/api/telegrams/{id}")).StatusCode,
            status => status == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "registered at Bravo");

        using var response = await reader.GetAsync($"/api/telegrams/{id}/cable?direction=inbound");
        string cable = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.StartsWith("Nº 1\n", cable, StringComparison.Ordinal);
        Assert.Contains("In the presence of Zhu De, Liu Shaoqi.", cable, StringComparison.Ordinal);
        Assert.Contains("No. 1 - kovalev (Alpha), ", cable, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Opening_marks_an_inbound_telegram_read_but_not_when_an_auditor_opens_it()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var sender = await ApiClient.SignInAsync(a, Role.ReleasingOfficer);
        using var auditor = await ApiClient.SignInAsync(b, Role.Auditor);
        using var clerk = await ApiClient.SignInAsync(b, Role.Clerk);
        string id = (await (await sender.PostAsJsonAsync("/api/telegrams", Telegram(b.Did))).JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString()!;
        await Eventually.UntilAsync(async () => (await auditor.GetAsync("/api/register/1")).StatusCode,
            status => status == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "registered at Bravo");

        var byAuditor = await (await auditor.GetAsync("/api/register/1")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(id, byAuditor.GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, byAuditor.GetProperty("readAt").ValueKind);

        var byClerk = await (await clerk.GetAsync("/api/register/1")).JsonAsync(HttpStatusCode.OK);
        Assert.NotEqual(JsonValueKind.Null, byClerk.GetProperty("readAt").ValueKind);
    }

    [Fact]
    public async Task The_list_filters_by_direction_precedence_and_text_and_refuses_a_bad_filter()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var sender = await ApiClient.SignInAsync(a, Role.ReleasingOfficer);
        await (await sender.PostAsJsonAsync("/api/telegrams", Telegram(b.Did, "Aid to the Orient"))).JsonAsync(HttpStatusCode.Created);
        await (await sender.PostAsJsonAsync("/api/telegrams", new { to = b.Did, subject = "Routine matters", body = "Nothing new.", precedence = "routine" }))
            .JsonAsync(HttpStatusCode.Created);

        var outbound = await (await sender.GetAsync("/api/telegrams?direction=outbound")).JsonAsync(HttpStatusCode.OK);
        var immediate = await (await sender.GetAsync("/api/telegrams?precedence=immediate")).JsonAsync(HttpStatusCode.OK);
        var found = await (await sender.GetAsync("/api/telegrams?q=orient")).JsonAsync(HttpStatusCode.OK);
        var inbound = await (await sender.GetAsync("/api/telegrams?direction=inbound")).JsonAsync(HttpStatusCode.OK);
        var paged = await (await sender.GetAsync("/api/telegrams?limit=1&offset=1")).JsonAsync(HttpStatusCode.OK);

        Assert.Equal(2, outbound.GetArrayLength());
        Assert.Equal("Aid to the Orient", immediate.EnumerateArray().Single().GetProperty("subject").GetString());
        Assert.Equal("Aid to the Orient", found.EnumerateArray().Single().GetProperty("subject").GetString());
        Assert.Equal(0, inbound.GetArrayLength());
        Assert.Equal("Aid to the Orient", paged.EnumerateArray().Single().GetProperty("subject").GetString());
        foreach (var (query, field) in new[] { ("precedence=urgent", "precedence"), ("direction=sideways", "direction"), ("limit=0", "limit"), ("from=yesterday", "from") })
        {
            var problem = await (await sender.GetAsync("/api/telegrams?" + query)).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
            Assert.Equal(field, problem.GetProperty("field").GetString());
        }
    }

    [Fact]
    public async Task Sending_without_an_established_tie_is_a_conflict()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var sender = await ApiClient.SignInAsync(a, Role.ReleasingOfficer);

        await (await sender.PostAsJsonAsync("/api/telegrams", Telegram("did:peer:2.Ez6LSnobody"))).ProblemAsync(HttpStatusCode.Conflict, "conflict");
    }
}
