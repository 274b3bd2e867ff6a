using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

using Microsoft.Data.Sqlite;

using Telex.Core.Storage;
using Telex.TestKit;

namespace Telex.Server.Tests.Api;

public sealed class ClearanceTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static object Telegram(string to, string subject) => new { to, subject, body = "We would take all our steps only after coordinating them.", precedence = "priority" };

    /// <summary>Telegram items in the agency's outbox, read from its SQLite file directly.</summary>
    private static async Task<long> TelegramsInOutboxAsync(TestAgency agency)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(agency.Directory, "telex.db"),
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM outbox WHERE telegram_id IS NOT NULL";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task AssertNothingSentAsync(TestAgency from, TestAgency to)
    {
        Assert.Equal(0, await from.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Outbound }));
        Assert.Equal(0, await TelegramsInOutboxAsync(from));
        Assert.Equal(0, await to.Store.Register.CountAsync(new RegisterQuery()));
    }

    private static string[] Actions(JsonElement draft) =>
        draft.GetProperty("log").EnumerateArray().Select(l => $"{l.GetProperty("action").GetString()} {l.GetProperty("actor").GetString()}").ToArray();

    [Fact]
    public async Task A_telegram_needing_two_clearances_is_sent_only_after_both_are_given_and_every_step_is_recorded()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var admin = await ApiClient.SignInAsync(a, Role.Admin, "admin");
        using var drafter = await ApiClient.SignInAsync(a, Role.Clerk, "drafter");
        using var chief = await ApiClient.SignInAsync(a, Role.Clerk, "chief");
        using var releaser = await ApiClient.SignInAsync(a, Role.ReleasingOfficer, "releaser");
        await (await admin.PostAsJsonAsync("/api/clearance/rules", new { officers = new[] { "chief" }, anyReleasingOfficer = true }))
            .JsonAsync(HttpStatusCode.Created);

        // Sending straight away is refused: the policy requires clearance.
        await (await releaser.PostAsJsonAsync("/api/telegrams", Telegram(b.Did, "Direct"))).ProblemAsync(HttpStatusCode.Conflict, "conflict");

        var draft = await (await drafter.PostAsJsonAsync("/api/drafts", Telegram(b.Did, "Coordinated steps"))).JsonAsync(HttpStatusCode.Created);
        string id = draft.GetProperty("id").GetString()!;
        Assert.Equal("awaitingclearance", draft.GetProperty("status").GetString());
        Assert.Equal(["officer chief", "anyreleasingofficer "],
            draft.GetProperty("clearances").EnumerateArray().Select(c => $"{c.GetProperty("kind").GetString()} {c.GetProperty("party").GetString()}"));

        // Not releasable, and the drafter cannot clear it in anyone's place.
        await (await releaser.PostAsync($"/api/drafts/{id}/release", null)).ProblemAsync(HttpStatusCode.Conflict, "conflict");
        await (await drafter.PostAsJsonAsync($"/api/drafts/{id}/clear", new { })).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        var once = await (await chief.PostAsJsonAsync($"/api/drafts/{id}/clear", new { reason = "fine by me" })).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("awaitingclearance", once.GetProperty("status").GetString());
        await (await chief.PostAsJsonAsync($"/api/drafts/{id}/clear", new { })).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await releaser.PostAsync($"/api/drafts/{id}/release", null)).ProblemAsync(HttpStatusCode.Conflict, "conflict");
        await AssertNothingSentAsync(a, b);

        var cleared = await (await releaser.PostAsJsonAsync($"/api/drafts/{id}/clear", new { })).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("cleared", cleared.GetProperty("status").GetString());
        await AssertNothingSentAsync(a, b);

        var released = await (await releaser.PostAsync($"/api/drafts/{id}/release", null)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("drafter", released.GetProperty("drafter").GetString());
        Assert.Equal("releaser", released.GetProperty("releasingOfficer").GetString());
        var telegramId = Guid.Parse(released.GetProperty("id").GetString()!);
        await Eventually.UntilAsync(() => b.Store.Telegrams.GetTelegramAsync(telegramId, Direction.Inbound), t => t is not null, Deadline, "Bravo registers it");

        // Released once only; every step visible with who and when.
        await (await releaser.PostAsync($"/api/drafts/{id}/release", null)).ProblemAsync(HttpStatusCode.Conflict, "conflict");
        var final = await (await drafter.GetAsync($"/api/drafts/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("released", final.GetProperty("status").GetString());
        Assert.Equal(telegramId.ToString(), final.GetProperty("telegramId").GetString());
        Assert.Equal(["submitted drafter", "cleared chief", "cleared releaser", "released releaser"], Actions(final));
        Assert.All(final.GetProperty("log").EnumerateArray(), l => Assert.NotEqual(default, l.GetProperty("at").GetDateTimeOffset()));
        Assert.Equal(["chief", "releaser"], final.GetProperty("clearances").EnumerateArray().Select(c => c.GetProperty("by").GetString()));
        Assert.Equal("fine by me", final.GetProperty("clearances")[0].GetProperty("reason").GetString());
        Assert.Equal(1, await a.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Outbound }));

        // Every step is an entry of the register's chain, the release right after its telegram; the register verifies.
        var register = await a.Store.Register.ReadRegisterAsync();
        Assert.Equal(["clearance", "clearance", "clearance", "telegram.out", "clearance"],
            register.Entries.Where(e => e.Kind != "delivery").Select(e => e.Kind));
        Assert.Equal(["submitted", "cleared", "cleared", "released"], register.ClearanceLog.Select(l => l.Step.Action));
        var report = await a.Agency.Register.VerifyRegisterAsync();
        Assert.True(report.Ok, string.Join("; ", report.Problems));
        Assert.Equal(4, report.ClearanceSteps);
    }

    [Fact]
    public async Task A_refusal_returns_the_draft_with_the_reason_and_nothing_is_sent()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var admin = await ApiClient.SignInAsync(a, Role.Admin, "admin");
        using var drafter = await ApiClient.SignInAsync(a, Role.Clerk, "drafter");
        using var chief = await ApiClient.SignInAsync(a, Role.ReleasingOfficer, "chief");
        using var auditor = await ApiClient.SignInAsync(a, Role.Auditor, "auditor");
        await (await drafter.PostAsJsonAsync("/api/clearance/rules", new { officers = new[] { "chief" } })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await admin.PostAsJsonAsync("/api/clearance/rules", new { counterpart = b.Did })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        await (await admin.PostAsJsonAsync("/api/clearance/rules", new { officers = new[] { "nobody" } })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        await (await admin.PostAsJsonAsync("/api/clearance/rules", new { officers = new[] { "auditor" } })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        var badPrecedence = await (await admin.PostAsJsonAsync("/api/clearance/rules", new { minPrecedence = "urgent", officers = new[] { "chief" } }))
            .ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        Assert.Equal("minPrecedence", badPrecedence.GetProperty("field").GetString());
        Assert.Equal(0, (await (await admin.GetAsync("/api/clearance/rules")).JsonAsync(HttpStatusCode.OK)).GetArrayLength());
        await (await admin.PostAsJsonAsync("/api/clearance/rules", new { counterpart = b.Did, minPrecedence = "priority", officers = new[] { "chief" } }))
            .JsonAsync(HttpStatusCode.Created);

        // Below the rule's precedence no clearance is needed.
        var routine = await (await drafter.PostAsJsonAsync("/api/drafts", new { to = b.Did, subject = "Routine", body = "x", precedence = "routine" }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal("cleared", routine.GetProperty("status").GetString());

        string id = (await (await drafter.PostAsJsonAsync("/api/drafts", Telegram(b.Did, "Premature"))).JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString()!;
        await (await chief.PostAsJsonAsync($"/api/drafts/{id}/refuse", new { })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        await (await auditor.PostAsJsonAsync($"/api/drafts/{id}/clear", new { })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await auditor.PostAsJsonAsync("/api/drafts", Telegram(b.Did, "By an auditor"))).ProblemAsync(HttpStatusCode.Forbidden);
        await (await drafter.PostAsJsonAsync($"/api/drafts/{Guid.NewGuid()}/clear", new { })).ProblemAsync(HttpStatusCode.NotFound, "not-found");

        var returned = await (await chief.PostAsJsonAsync($"/api/drafts/{id}/refuse", new { reason = "Premature: ties with only five of twelve" }))
            .JsonAsync(HttpStatusCode.OK);
        Assert.Equal("returned", returned.GetProperty("status").GetString());
        Assert.Equal("Premature: ties with only five of twelve", returned.GetProperty("returnReason").GetString());
        await (await chief.PostAsJsonAsync($"/api/drafts/{id}/clear", new { })).ProblemAsync(HttpStatusCode.Conflict, "conflict");
        await (await chief.PostAsync($"/api/drafts/{id}/release", null)).ProblemAsync(HttpStatusCode.Conflict, "conflict");
        await AssertNothingSentAsync(a, b);
        var final = await (await auditor.GetAsync($"/api/drafts/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(["submitted drafter", "refused chief"], Actions(final));
        var returnedList = await (await auditor.GetAsync("/api/drafts?status=returned")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(id, returnedList.EnumerateArray().Single().GetProperty("id").GetString());

        // Only its drafter revises and resubmits it; it needs its clearance again before release.
        await (await chief.PostAsJsonAsync($"/api/drafts/{id}/resubmit", new { body = "Revised." })).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var resubmitted = await (await drafter.PostAsJsonAsync($"/api/drafts/{id}/resubmit", new { body = "Revised after coordination." }))
            .JsonAsync(HttpStatusCode.OK);
        Assert.Equal("awaitingclearance", resubmitted.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, resubmitted.GetProperty("returnReason").ValueKind);
        Assert.Equal("pending", resubmitted.GetProperty("clearances")[0].GetProperty("state").GetString());
        await (await drafter.PostAsJsonAsync($"/api/drafts/{id}/resubmit", new { })).ProblemAsync(HttpStatusCode.Conflict, "conflict");
        await (await chief.PostAsync($"/api/drafts/{id}/release", null)).ProblemAsync(HttpStatusCode.Conflict, "conflict");
        await AssertNothingSentAsync(a, b);
        await (await chief.PostAsJsonAsync($"/api/drafts/{id}/clear", new { })).JsonAsync(HttpStatusCode.OK);
        var released = await (await chief.PostAsync($"/api/drafts/{id}/release", null)).JsonAsync(HttpStatusCode.Created);
        var arrived = await Eventually.UntilAsync(() => b.Store.Telegrams.GetTelegramAsync(Guid.Parse(released.GetProperty("id").GetString()!), Direction.Inbound),
            t => t is not null, Deadline, "Bravo registers the revised telegram");
        Assert.Equal("Revised after coordination.", arrived!.Body);
        Assert.Equal(["submitted drafter", "refused chief", "resubmitted drafter", "cleared chief", "released chief"],
            Actions(await (await auditor.GetAsync($"/api/drafts/{id}")).JsonAsync(HttpStatusCode.OK)));
    }

    [Fact]
    public async Task A_partner_agencys_refusal_stops_the_telegram_and_its_approval_releases_it()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await using var p = await TestAgency.StartAsync("Partner");
        await TestAgency.TieAsync(a, b);
        await TestAgency.TieAsync(a, p);
        using var admin = await ApiClient.SignInAsync(a, Role.Admin, "admin");
        using var drafter = await ApiClient.SignInAsync(a, Role.Clerk, "drafter");
        using var partner = await ApiClient.SignInAsync(p, Role.ReleasingOfficer, "stalin");
        using var partnerClerk = await ApiClient.SignInAsync(p, Role.Clerk, "clerk");
        await (await admin.PostAsJsonAsync("/api/clearance/rules", new { counterpart = b.Did, partner = b.Did + "x" })).ProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.PostAsJsonAsync("/api/clearance/rules", new { counterpart = b.Did, partner = p.Did })).JsonAsync(HttpStatusCode.Created);

        async Task<(string Draft, JsonElement Request)> SubmitAsync(string subject)
        {
            var draft = await (await drafter.PostAsJsonAsync("/api/drafts", Telegram(b.Did, subject))).JsonAsync(HttpStatusCode.Created);
            var requests = await Eventually.UntilAsync(async () => await (await partner.GetAsync("/api/coordination?state=pending")).JsonAsync(HttpStatusCode.OK),
                list => list.GetArrayLength() == 1, Deadline, "the partner receives the coordination request");
            var request = requests[0];
            Assert.Equal(subject, request.GetProperty("subject").GetString());
            Assert.Equal("Alpha", request.GetProperty("fromName").GetString());
            Assert.Equal(b.Did, request.GetProperty("recipient").GetString());
            return (draft.GetProperty("id").GetString()!, request);
        }

        // A refusal by the partner returns the draft; nothing reaches Bravo.
        var (first, firstRequest) = await SubmitAsync("First attempt");
        string firstRequestId = firstRequest.GetProperty("id").GetString()!;
        await (await partnerClerk.PostAsJsonAsync($"/api/coordination/{firstRequestId}/approve", new { })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await partner.PostAsJsonAsync($"/api/coordination/{firstRequestId}/refuse", new { })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        await (await partner.PostAsJsonAsync($"/api/coordination/{firstRequestId}/refuse", new { reason = "Not before we coordinate" })).JsonAsync(HttpStatusCode.OK);
        await (await partner.PostAsJsonAsync($"/api/coordination/{firstRequestId}/approve", new { })).ProblemAsync(HttpStatusCode.Conflict, "conflict");
        var returned = await Eventually.UntilAsync(async () => await (await drafter.GetAsync($"/api/drafts/{first}")).JsonAsync(HttpStatusCode.OK),
            d => d.GetProperty("status").GetString() == "returned", Deadline, "the partner's refusal returns the draft");
        Assert.Contains("Not before we coordinate", returned.GetProperty("returnReason").GetString(), StringComparison.Ordinal);
        Assert.Equal(["submitted drafter", "refused-by-partner stalin (Partner)"], Actions(returned));
        await (await admin.PostAsync($"/api/drafts/{first}/release", null)).ProblemAsync(HttpStatusCode.Conflict, "conflict");
        await AssertNothingSentAsync(a, b);

        // An approval by the partner clears it; released, it reaches Bravo.
        var (second, secondRequest) = await SubmitAsync("Second attempt");
        await (await admin.PostAsync($"/api/drafts/{second}/release", null)).ProblemAsync(HttpStatusCode.Conflict, "conflict");
        await AssertNothingSentAsync(a, b);
        await (await partner.PostAsJsonAsync($"/api/coordination/{secondRequest.GetProperty("id").GetString()}/approve", new { reason = "Coordinated" }))
            .JsonAsync(HttpStatusCode.OK);
        await Eventually.UntilAsync(async () => await (await drafter.GetAsync($"/api/drafts/{second}")).JsonAsync(HttpStatusCode.OK),
            d => d.GetProperty("status").GetString() == "cleared", Deadline, "the partner's approval clears the draft");
        var released = await (await admin.PostAsync($"/api/drafts/{second}/release", null)).JsonAsync(HttpStatusCode.Created);
        var telegramId = Guid.Parse(released.GetProperty("id").GetString()!);
        var arrived = await Eventually.UntilAsync(() => b.Store.Telegrams.GetTelegramAsync(telegramId, Direction.Inbound), t => t is not null, Deadline, "Bravo registers it");
        Assert.Equal("Second attempt", arrived!.Subject);
        Assert.Equal(0, await p.Store.Register.CountAsync(new RegisterQuery()));

        var final = await (await drafter.GetAsync($"/api/drafts/{second}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(["submitted drafter", "approved stalin (Partner)", "released admin"], Actions(final));
        var answered = await (await partner.GetAsync("/api/coordination")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(["given", "refused"], answered.EnumerateArray().Select(r => r.GetProperty("state").GetString()));

        // The partner's answers are steps of the drafts, each an entry of the register's chain.
        var register = await a.Store.Register.ReadRegisterAsync();
        Assert.Equal(["submitted", "refused-by-partner", "submitted", "approved", "released"], register.ClearanceLog.Select(l => l.Step.Action));
        Assert.Equal(5, register.Entries.Count(e => e.Kind == "clearance"));
        Assert.True((await a.Agency.Register.VerifyRegisterAsync()).Ok);
    }
}
