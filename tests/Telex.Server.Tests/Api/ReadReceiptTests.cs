using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

using Telex.Core.Model;
using Telex.TestKit;

namespace Telex.Server.Tests.Api;

public sealed class ReadReceiptTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static async Task AgreeOnReadReceiptsAsync(TestAgency a, TestAgency b)
    {
        await a.Agency.Ties.ProposeTermsAsync(b.Did, TieTerms.Default with { ReadReceipts = true });
        await Eventually.UntilAsync(() => b.Store.Ties.GetTieAsync(a.Did), t => t?.ProposedTerms is not null, Deadline, "proposal arrives");
        await b.Agency.Ties.SignProposedTermsAsync(a.Did);
        await Eventually.UntilAsync(() => a.Store.Ties.GetTieAsync(b.Did), t => t?.Terms.ReadReceipts == true, Deadline, "terms signed");
    }

    [Fact]
    public async Task Opening_a_telegram_through_the_api_sends_a_read_receipt_and_the_sender_sees_when_it_was_read()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        await AgreeOnReadReceiptsAsync(a, b);
        using var sender = await ApiClient.SignInAsync(a, Role.ReleasingOfficer);
        using var auditor = await ApiClient.SignInAsync(b, Role.Auditor);
        using var clerk = await ApiClient.SignInAsync(b, Role.Clerk);
        string id = (await (await sender.PostAsJsonAsync("/api/telegrams", new { to = b.Did, subject = "Read me", body = "Please." }))
            .JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString()!;
        await Eventually.UntilAsync(async () => await (await sender.GetAsync($"/api/telegrams/{id}")).JsonAsync(HttpStatusCode.OK),
            t => t.GetProperty("status").GetString() == "delivered", Deadline, "delivered");

        // An auditor's look is not a reading.
        await (await auditor.GetAsync($"/api/telegrams/{id}")).JsonAsync(HttpStatusCode.OK);
        await Eventually.UntilAsync(() => b.Store.Telegrams.GetTelegramAsync(Guid.Parse(id), Direction.Inbound), t => t is not null, Deadline, "registered");
        Assert.Null((await a.Store.Telegrams.GetTelegramAsync(Guid.Parse(id), Direction.Outbound))!.ReadAt);

        var opened = await (await clerk.GetAsync($"/api/telegrams/{id}")).JsonAsync(HttpStatusCode.OK);
        var readAt = opened.GetProperty("readAt").GetDateTimeOffset();

        var atSender = await Eventually.UntilAsync(async () => await (await sender.GetAsync($"/api/telegrams/{id}?direction=outbound")).JsonAsync(HttpStatusCode.OK),
            t => t.GetProperty("readAt").ValueKind != JsonValueKind.Null, Deadline, "the sender sees the read receipt");
        Assert.Equal(readAt.ToUnixTimeMilliseconds(), atSender.GetProperty("readAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Without_read_receipts_in_the_terms_the_sender_learns_nothing_of_the_reading()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var sender = await ApiClient.SignInAsync(a, Role.ReleasingOfficer);
        using var clerk = await ApiClient.SignInAsync(b, Role.Clerk);
        var first = await a.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = b.Did, Subject = "Quiet", Body = "No receipt." }, "officer");
        await Eventually.UntilAsync(() => b.Store.Telegrams.GetTelegramAsync(first.Id, Direction.Inbound), t => t is not null, Deadline, "registered");
        await (await clerk.GetAsync($"/api/telegrams/{first.Id}")).JsonAsync(HttpStatusCode.OK);
        Assert.NotNull((await b.Store.Telegrams.GetTelegramAsync(first.Id, Direction.Inbound))!.ReadAt);

        // Turn them on and open a second telegram: its receipt arrives, the first one's never did.
        await AgreeOnReadReceiptsAsync(a, b);
        var second = await a.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = b.Did, Subject = "Loud", Body = "Receipt." }, "officer");
        await Eventually.UntilAsync(() => b.Store.Telegrams.GetTelegramAsync(second.Id, Direction.Inbound), t => t is not null, Deadline, "registered");
        await (await clerk.GetAsync($"/api/telegrams/{second.Id}")).JsonAsync(HttpStatusCode.OK);
        await Eventually.UntilAsync(() => a.Store.Telegrams.GetTelegramAsync(second.Id, Direction.Outbound), t => t?.ReadAt is not null, Deadline, "second read");
        Assert.Null((await a.Store.Telegrams.GetTelegramAsync(first.Id, Direction.Outbound))!.ReadAt);
    }
}
