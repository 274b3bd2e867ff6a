using System.Net;
using System.Net.Http.Json;

using Telex.TestKit;

namespace Telex.Server.Tests.Api;

public sealed class IssueTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_issue_opened_and_changed_through_the_api_shows_its_history_at_both_ends_and_is_found_by_its_outcome()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var alpha = await ApiClient.SignInAsync(a, Role.ReleasingOfficer, "kovalev");
        using var bravo = await ApiClient.SignInAsync(b, Role.ReleasingOfficer, "zhou");

        var opened = await (await alpha.PostAsJsonAsync("/api/issues", new { counterpart = b.Did, title = "Aid to the Orient" })).JsonAsync(HttpStatusCode.Created);
        string id = opened.GetProperty("id").GetString()!;
        Assert.Equal("open", opened.GetProperty("status").GetString());
        Assert.Equal("Bravo", opened.GetProperty("counterpartName").GetString());
        await (await alpha.PostAsJsonAsync("/api/telegrams", new { to = b.Did, subject = "The request", body = "As discussed.", issueId = id }))
            .JsonAsync(HttpStatusCode.Created);

        await Eventually.UntilAsync(async () => (await bravo.GetAsync($"/api/issues/{id}")).StatusCode, s => s == HttpStatusCode.OK, Deadline, "Bravo holds the issue");
        await (await bravo.PostAsJsonAsync($"/api/issues/{id}/status", new { status = "premature", outcome = "For the details of Shenyang" }))
            .JsonAsync(HttpStatusCode.OK);

        var atAlpha = await Eventually.UntilAsync(async () => await (await alpha.GetAsync($"/api/issues/{id}")).JsonAsync(HttpStatusCode.OK),
            i => i.GetProperty("term").GetString() == "premature" && i.GetProperty("history").GetArrayLength() == 3, Deadline,
            "Alpha sees the outcome and the telegram");
        Assert.Equal("deferred", atAlpha.GetProperty("status").GetString());
        Assert.Equal("For the details of Shenyang", atAlpha.GetProperty("outcome").GetString());
        var history = atAlpha.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(["event", "telegram", "event"], history.Select(h => h.GetProperty("kind").GetString()));
        Assert.Equal("The request", history[1].GetProperty("telegram").GetProperty("subject").GetString());
        var referral = history[2].GetProperty("event");
        Assert.Equal(b.Did, referral.GetProperty("agency").GetString());
        Assert.Equal("Bravo", referral.GetProperty("agencyName").GetString());
        Assert.Equal("zhou", referral.GetProperty("officer").GetString());
        Assert.Equal(2, referral.GetProperty("clock").GetInt64());

        var atBravo = await (await bravo.GetAsync($"/api/issues/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(
            atAlpha.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetString()),
            atBravo.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetString()));

        Assert.Equal("premature", referral.GetProperty("term").GetString());

        // Search covers titles, outcomes and the agencies referred to.
        foreach (string words in new[] { "orient", "details", "Shenyang" })
        {
            var found = await (await bravo.GetAsync($"/api/issues?q={words}")).JsonAsync(HttpStatusCode.OK);
            Assert.Equal(id, found.EnumerateArray().Single().GetProperty("id").GetString());
        }

        Assert.Equal(0, (await (await bravo.GetAsync("/api/issues?q=harvest")).JsonAsync(HttpStatusCode.OK)).GetArrayLength());
        Assert.Single((await (await bravo.GetAsync("/api/issues?status=deferred")).JsonAsync(HttpStatusCode.OK)).EnumerateArray());
        Assert.Single((await (await bravo.GetAsync("/api/issues?status=premature")).JsonAsync(HttpStatusCode.OK)).EnumerateArray());
        Assert.Empty((await (await bravo.GetAsync("/api/issues?status=granted")).JsonAsync(HttpStatusCode.OK)).EnumerateArray());
        Assert.Empty((await (await bravo.GetAsync("/api/issues?status=closed")).JsonAsync(HttpStatusCode.OK)).EnumerateArray());
    }

    [Fact]
    public async Task Bad_issue_requests_get_problems_and_change_nothing()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var officer = await ApiClient.SignInAsync(a, Role.ReleasingOfficer, "kovalev");
        using var clerk = await ApiClient.SignInAsync(a, Role.Clerk, "clerk");
        var opened = await (await officer.PostAsJsonAsync("/api/issues", new { counterpart = b.Did, title = "Ties" })).JsonAsync(HttpStatusCode.Created);
        string id = opened.GetProperty("id").GetString()!;

        await (await officer.GetAsync("/api/issues/no-such-issue")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await officer.PostAsJsonAsync("/api/issues/no-such-issue/status", new { status = "closed", outcome = "done" }))
            .ProblemAsync(HttpStatusCode.NotFound, "not-found");
        var badStatus = await (await officer.PostAsJsonAsync($"/api/issues/{id}/status", new { status = "finished", outcome = "done" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        Assert.Equal("status", badStatus.GetProperty("field").GetString());
        var noOutcome = await (await officer.PostAsJsonAsync($"/api/issues/{id}/status", new { status = "closed" })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        Assert.Equal("outcome", noOutcome.GetProperty("field").GetString());
        var noAgency = await (await officer.PostAsJsonAsync($"/api/issues/{id}/status", new { status = "referred", outcome = "elsewhere" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        Assert.Equal("referredTo", noAgency.GetProperty("field").GetString());
        await (await clerk.PostAsJsonAsync($"/api/issues/{id}/status", new { status = "closed", outcome = "done" })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await clerk.PostAsJsonAsync("/api/issues", new { counterpart = b.Did, title = "Another" })).ProblemAsync(HttpStatusCode.Forbidden);
        var noTitle = await (await officer.PostAsJsonAsync("/api/issues", new { counterpart = b.Did })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        Assert.Equal("title", noTitle.GetProperty("field").GetString());
        await (await officer.PostAsJsonAsync("/api/issues", new { counterpart = "did:peer:2.Ez6LSnobody", title = "Nobody" })).ProblemAsync(HttpStatusCode.Conflict);
        await (await officer.GetAsync("/api/issues?status=Finished!")).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        var notTied = await (await officer.PostAsJsonAsync($"/api/issues/{id}/status", new { status = "referred", outcome = "elsewhere", referredTo = "Gao Gang in Shenyang" }))
            .ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("telex directory", notTied.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var toCounterpart = await (await officer.PostAsJsonAsync($"/api/issues/{id}/status", new { status = "referred", outcome = "back", referredTo = "Bravo" }))
            .ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("counterpart already", toCounterpart.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var issue = await (await officer.GetAsync($"/api/issues/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("open", issue.GetProperty("status").GetString());
        Assert.Equal(1, issue.GetProperty("events").GetArrayLength());
        Assert.Single((await (await officer.GetAsync("/api/issues")).JsonAsync(HttpStatusCode.OK)).EnumerateArray());
    }
}
