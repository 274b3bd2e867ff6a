using System.Net;
using System.Net.Http.Json;

using Telex.Core.Storage;
using Telex.TestKit;

namespace Telex.Server.Tests.Api;

public sealed class BureauApiTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Admins_manage_bureaus_releasing_officers_send_bulletins_every_role_reads_and_bad_input_changes_nothing()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await using var c = await TestAgency.StartAsync("Charlie");
        await TestAgency.TieAsync(a, b);
        using var admin = await ApiClient.SignInAsync(a, Role.Admin);
        using var clerk = await ApiClient.SignInAsync(a, Role.Clerk);
        using var releasing = await ApiClient.SignInAsync(a, Role.ReleasingOfficer);

        // Bad input: a clear problem naming the field, and no bureau filed.
        await (await admin.PostAsJsonAsync("/api/bureaus", new { purpose = "p", members = new[] { b.Did } })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        await (await admin.PostAsJsonAsync("/api/bureaus", new { name = "n", purpose = "p", members = Array.Empty<string>() }))
            .ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        var rule = await (await admin.PostAsJsonAsync("/api/bureaus", new { name = "n", purpose = "p", members = new[] { b.Did }, rule = "most" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        Assert.Equal("rule", rule.GetProperty("field").GetString());
        await (await admin.PostAsJsonAsync("/api/bureaus", new { name = "n", purpose = "p", members = new[] { "did:web:example.org" } }))
            .ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        await (await clerk.PostAsJsonAsync("/api/bureaus", new { name = "n", purpose = "p", members = new[] { b.Did } }))
            .ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(0, (await (await clerk.GetAsync("/api/bureaus")).JsonAsync(HttpStatusCode.OK)).GetArrayLength());

        var proposed = await (await admin.PostAsJsonAsync("/api/bureaus", new { name = "Liaison Bureau", purpose = "Liaison", members = new[] { b.Did, c.Did } }))
            .JsonAsync(HttpStatusCode.Created);
        string id = proposed.GetProperty("id").GetString()!;
        Assert.Equal("proposed", proposed.GetProperty("status").GetString());

        // Premature: ties with 1 of 2, Charlie missing; the charter is refused with that, and the bureau stays proposed.
        var readiness = await (await clerk.GetAsync($"/api/bureaus/{id}/readiness")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("premature: ties with 1 of 2", readiness.GetProperty("summary").GetString());
        Assert.Equal(c.Did, readiness.GetProperty("missing")[0].GetProperty("did").GetString());
        var refused = await (await admin.PostAsync($"/api/bureaus/{id}/charter", null)).ProblemAsync(HttpStatusCode.Conflict, "conflict");
        Assert.Equal("premature: ties with 1 of 2; missing: " + c.Did, refused.GetProperty("detail").GetString());
        await (await clerk.PostAsync($"/api/bureaus/{id}/charter", null)).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("proposed", (await (await clerk.GetAsync($"/api/bureaus/{id}")).JsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        await (await clerk.GetAsync($"/api/bureaus/{Guid.NewGuid()}")).ProblemAsync(HttpStatusCode.NotFound, "not-found");

        await TestAgency.TieAsync(a, c);
        var chartered = await (await admin.PostAsync($"/api/bureaus/{id}/charter", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(("chartered", 1), (chartered.GetProperty("status").GetString(), chartered.GetProperty("epoch").GetInt32()));

        // The members accept over their own APIs.
        foreach (var member in new[] { b, c })
        {
            await Eventually.UntilAsync(() => member.Store.Bureaus.GetBureauAsync(Guid.Parse(id)), x => x is not null, Deadline, "the charter arrived");
            using var memberAdmin = await ApiClient.SignInAsync(member, Role.Admin);
            await (await memberAdmin.PostAsync($"/api/bureaus/{id}/accept", null)).JsonAsync(HttpStatusCode.OK);
            await (await memberAdmin.PostAsync($"/api/bureaus/{id}/accept", null)).ProblemAsync(HttpStatusCode.Conflict, "conflict");
        }

        await Eventually.UntilAsync(() => a.Store.Bureaus.GetBureauAsync(Guid.Parse(id)), x => x!.Epoch == 3, Deadline, "epoch 3 opened");
        await Eventually.UntilAsync(() => c.Store.Bureaus.GetBureauEpochAsync(Guid.Parse(id), 3), x => x is not null, Deadline, "Charlie holds epoch 3");

        // A clerk may not send a bulletin; a releasing officer may; a bulletin without a subject is refused.
        await (await clerk.PostAsJsonAsync($"/api/bureaus/{id}/bulletins", new { subject = "s", body = "b" })).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await releasing.PostAsJsonAsync($"/api/bureaus/{id}/bulletins", new { body = "b" })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        var issue = await (await releasing.PostAsJsonAsync($"/api/bureaus/{id}/issues", new { title = "Liaison officers" })).JsonAsync(HttpStatusCode.Created);
        string issueId = issue.GetProperty("id").GetString()!;
        Assert.Equal("bureau Liaison Bureau", issue.GetProperty("counterpartName").GetString());
        var sent = await (await releasing.PostAsJsonAsync($"/api/bureaus/{id}/bulletins",
            new { subject = "Names of the liaison officers", body = "As agreed.", precedence = "priority", issueId })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(2, sent.GetArrayLength());
        Assert.All(sent.EnumerateArray(), t => Assert.Equal((id, 3), (t.GetProperty("bureauId").GetString()!, t.GetProperty("bureauEpoch").GetInt32())));

        // Under an Idempotency-Key a retried bulletin is the first one again: two telegrams, not four, and the same answer.
        long before = await a.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Outbound });
        var answers = new List<string>();
        for (int i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/bureaus/{id}/bulletins")
            {
                Content = JsonContent.Create(new { subject = "Liaison officers named", body = "Once." }),
            };
            request.Headers.Add("Idempotency-Key", "bulletin-1");
            using var response = await releasing.SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            answers.Add(await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(answers[0], answers[1]);
        Assert.Equal(before + 2, await a.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Outbound }));

        var shown = await (await clerk.GetAsync($"/api/bureaus/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(3, shown.GetProperty("epochs").GetArrayLength());
        Assert.Equal(3, shown.GetProperty("epochs")[2].GetProperty("members").GetArrayLength());
        Assert.Equal(issueId, shown.GetProperty("issues")[0].GetProperty("id").GetString());
        Assert.All(shown.GetProperty("members").EnumerateArray(), m => Assert.True(m.GetProperty("inCurrentEpoch").GetBoolean()));

        // At a member, the bulletin is filed under the bureau's issue, and the issue is listed under the bureau.
        using var bClerk = await ApiClient.SignInAsync(b, Role.Clerk);
        await Eventually.UntilAsync(async () => (await (await bClerk.GetAsync($"/api/issues/{issueId}")).Content.ReadAsStringAsync()),
            text => text.Contains("Names of the liaison officers", StringComparison.Ordinal), Deadline, "Bravo files the bulletin under the issue");
        var listed = await (await bClerk.GetAsync($"/api/issues?counterpart=bureau:{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("bureau Liaison Bureau", listed[0].GetProperty("counterpartName").GetString());
    }
}
