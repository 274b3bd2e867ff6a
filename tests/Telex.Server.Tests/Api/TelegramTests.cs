using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

using Telex.TestKit;

using Wire = Telex.Api.Contracts;

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

    /// <summary><see cref="Telegram"/> as the typed client sends it.</summary>
    private static Wire.SendTelegramRequest TypedTelegram(string to) => new(to, "The situation in the Orient",
        "Mao Zedong asked me to inform you of the following.", Precedence.Immediate, "eastern-bureau", "Mao Zedong", ["Zhu De", "Liu Shaoqi"], null,
        [new Wire.AttachmentUpload("note.txt", "text/plain", Convert.ToBase64String("premature"u8.ToArray()))]);

    [Fact]
    public async Task A_telegram_sent_through_the_api_arrives_in_the_recipients_list_and_opens_in_full()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var sender = await ApiClient.SignInTypedAsync(a, Role.ReleasingOfficer, "kovalev");
        using var reader = await ApiClient.SignInTypedAsync(b, Role.Clerk, "clerk");

        var sent = await sender.SendTelegramAsync(TypedTelegram(b.Did));
        var id = sent.Id;
        Assert.Equal(Direction.Outbound, sent.Direction);
        Assert.Equal(1, sent.Serial);
        Assert.Equal("kovalev", sent.Drafter);
        Assert.Equal("kovalev", sent.ReleasingOfficer);
        Assert.Equal("Bravo", sent.CounterpartName);

        var inbound = await Eventually.UntilAsync(() => reader.ListTelegramsAsync("direction=inbound"),
            list => list.Length == 1, TimeSpan.FromSeconds(30), "the telegram is listed at Bravo");
        var summary = inbound[0];
        Assert.Equal(id, summary.Id);
        Assert.Equal(Direction.Inbound, summary.Direction);
        Assert.Equal(a.Did, summary.Counterpart);
        Assert.Equal("Alpha", summary.CounterpartName);
        Assert.Equal(1, summary.RegistryNumber);
        Assert.Equal(TelegramStatus.Registered, summary.Status);
        Assert.Equal(Precedence.Immediate, summary.Precedence);
        Assert.Equal("eastern-bureau", summary.IssueId);
        Assert.Null(summary.ReadAt);

        // The receipt is signed and kept moments after registration, with whatever else arrived meanwhile.
        var full = await Eventually.UntilAsync(() => reader.GetTelegramAsync(id),
            t => t.Receipt is not null, TimeSpan.FromSeconds(30), "Bravo keeps the receipt it sent");
        Assert.Equal("Mao Zedong asked me to inform you of the following.", full.Body);
        Assert.Equal("Mao Zedong", full.OnBehalfOf);
        Assert.Equal(["Zhu De", "Liu Shaoqi"], full.Attendees);
        var attachment = full.Attachments[0];
        Assert.Equal("note.txt", attachment.Name);
        Assert.Equal(9, attachment.Size);
        Assert.Equal(sent.ContentHash, full.ContentHash);
        Assert.StartsWith("{", full.SignedOriginal, StringComparison.Ordinal);
        Assert.StartsWith("{", full.Receipt, StringComparison.Ordinal);
        Assert.NotNull(full.ReadAt);

        var delivered = await Eventually.UntilAsync(() => sender.GetTelegramAsync(id, Direction.Outbound),
            t => t.Status == TelegramStatus.Delivered, TimeSpan.FromSeconds(30), "delivered at Alpha");
        Assert.Equal(1, delivered.PeerRegistryNumber);
        Assert.NotNull(delivered.DeliveredAt);
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
