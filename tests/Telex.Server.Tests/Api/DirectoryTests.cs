using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

using Telex.Core.Identity;
using Telex.Server.Tests.Relay;
using Telex.TestKit;

namespace Telex.Server.Tests.Api;

public sealed class DirectoryTests
{
    private static async Task<JsonElement[]> ListAsync(HttpClient client) =>
        (await (await client.GetAsync("/api/directory")).JsonAsync(HttpStatusCode.OK)).EnumerateArray().ToArray();

    [Fact]
    public async Task The_directory_lists_tied_and_untied_counterparts_with_their_dossiers()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var charlie = AgencyIdentity.Create("Charlie", "http://127.0.0.1:9/didcomm");
        using var admin = await ApiClient.SignInAsync(a, Role.Admin);
        using var clerk = await ApiClient.SignInAsync(a, Role.Clerk, "clerk");

        var added = await (await admin.PostAsJsonAsync("/api/directory", new { name = "Charlie", did = charlie.Did, tiedWith = new[] { "Bravo" } }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal("none", added.GetProperty("tieStatus").GetString());
        Assert.Equal("http://127.0.0.1:9/didcomm", added.GetProperty("endpoint").GetString());
        Assert.Equal([b.Did], added.GetProperty("knownTies").EnumerateArray().Select(e => e.GetString()));
        await (await admin.PostAsJsonAsync("/api/directory", new { name = "Delta Bureau" })).JsonAsync(HttpStatusCode.Created);

        // Notes and reviews on an untied counterpart and on a tied one (which gets its dossier then).
        var noted = await (await admin.PostAsJsonAsync("/api/directory/Charlie/notes", new { text = "We know little of the situation." }))
            .JsonAsync(HttpStatusCode.OK);
        var note = Assert.Single(noted.GetProperty("notes").EnumerateArray());
        Assert.Equal("We know little of the situation.", note.GetProperty("text").GetString());
        Assert.Equal("admin", note.GetProperty("officer").GetString());
        await (await admin.PostAsJsonAsync($"/api/directory/{ApiClient.Escaped(b.Did)}/notes", new { text = "Tie for now." })).JsonAsync(HttpStatusCode.OK);
        var reviewed = await (await admin.PostAsync("/api/directory/Charlie/review", null)).JsonAsync(HttpStatusCode.OK);
        Assert.NotEqual(JsonValueKind.Null, reviewed.GetProperty("reviewedAt").ValueKind);

        // Every role reads.
        var list = await ListAsync(clerk);
        Assert.Equal(["Bravo", "Charlie", "Delta Bureau"], list.Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(["established", "none", "none"], list.Select(c => c.GetProperty("tieStatus").GetString()));
        Assert.Equal("Tie for now.", Assert.Single(list[0].GetProperty("notes").EnumerateArray()).GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.Null, list[2].GetProperty("did").ValueKind);
        var shown = await (await clerk.GetAsync($"/api/directory/{ApiClient.Escaped(charlie.Did)}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Charlie", shown.GetProperty("name").GetString());

        // Only admins edit.
        await (await clerk.PostAsJsonAsync("/api/directory", new { name = "Echo" })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await clerk.PostAsJsonAsync("/api/directory/Charlie/notes", new { text = "x" })).ProblemAsync(HttpStatusCode.Forbidden);

        // Removal: an untied counterpart goes, a tied one stays.
        await (await admin.DeleteAsync($"/api/directory/{ApiClient.Escaped(b.Did)}")).ProblemAsync(HttpStatusCode.Conflict, "conflict");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/directory/Delta%20Bureau")).StatusCode);
        await (await admin.GetAsync("/api/directory/Delta%20Bureau")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.Equal(2, (await ListAsync(admin)).Length);
    }

    [Fact]
    public async Task Bad_directory_input_is_refused_with_a_problem_and_changes_nothing()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var admin = await ApiClient.SignInAsync(a, Role.Admin);
        await (await admin.PostAsJsonAsync("/api/directory", new { name = "Charlie" })).JsonAsync(HttpStatusCode.Created);

        await (await admin.PostAsJsonAsync("/api/directory", new { name = "" })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        await (await admin.PostAsJsonAsync("/api/directory", new { name = new string('x', 201) })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        await (await admin.PostAsJsonAsync("/api/directory", new { name = "Echo", did = "did:peer:2.broken" })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        await (await admin.PostAsJsonAsync("/api/directory", new { name = "Echo", did = a.Did })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        await (await admin.PostAsJsonAsync("/api/directory", new { name = "Echo", endpoint = "ftp://echo.example" })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        await (await admin.PostAsJsonAsync("/api/directory", new { name = "Echo", tiedWith = new[] { "Nobody" } })).ProblemAsync(HttpStatusCode.NotFound);
        await (await admin.PostAsJsonAsync("/api/directory", new { name = "charlie" })).ProblemAsync(HttpStatusCode.Conflict, "conflict");
        await (await admin.PostAsJsonAsync("/api/directory/Charlie/notes", new { text = " " })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        await (await admin.PostAsJsonAsync("/api/directory/Charlie/notes", new { text = new string('x', 10_001) })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        await (await admin.PostAsJsonAsync("/api/directory/Nobody/notes", new { text = "x" })).ProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await admin.PostAsync("/api/directory/Nobody/review", null)).ProblemAsync(HttpStatusCode.NotFound, "not-found");

        var only = Assert.Single(await ListAsync(admin));
        Assert.Equal("Charlie", only.GetProperty("name").GetString());
        Assert.Empty(only.GetProperty("notes").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, only.GetProperty("reviewedAt").ValueKind);
    }

    [Fact]
    public async Task The_relay_policy_is_set_through_the_api_and_a_telegram_sent_via_a_relay_shows_its_path()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var r = await TestAgency.StartAsync("Relay");
        await using var b = await TestAgency.StartAsync("Bravo");
        await RelayNetwork.ConnectAsync(a, r, b);
        using var relayAdmin = await ApiClient.SignInAsync(r, Role.Admin);
        using var relayClerk = await ApiClient.SignInAsync(r, Role.Clerk, "clerk");

        var policy = await (await relayClerk.GetAsync("/api/relay/policy")).JsonAsync(HttpStatusCode.OK);
        Assert.False(policy.GetProperty("tiedPairs").GetBoolean());
        Assert.Empty(policy.GetProperty("pairs").EnumerateArray());
        await (await relayClerk.PostAsJsonAsync("/api/relay/allow", new { a = "Alpha", b = "Bravo" })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await relayAdmin.PostAsJsonAsync("/api/relay/allow", new { a = "Alpha", b = "Alpha" })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        await (await relayAdmin.PostAsJsonAsync("/api/relay/allow", new { a = "Alpha", b = "Nobody" })).ProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await relayAdmin.PostAsJsonAsync("/api/relay/allow", new { a = "Alpha" })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        await (await relayAdmin.PostAsJsonAsync("/api/relay/deny", new { a = "Alpha", b = "Bravo" })).ProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await relayAdmin.PostAsJsonAsync("/api/relay/policy", new { })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        Assert.Empty((await (await relayClerk.GetAsync("/api/relay/policy")).JsonAsync(HttpStatusCode.OK)).GetProperty("pairs").EnumerateArray());

        policy = await (await relayAdmin.PostAsJsonAsync("/api/relay/allow", new { a = "Bravo", b = a.Did })).JsonAsync(HttpStatusCode.OK);
        var pair = Assert.Single(policy.GetProperty("pairs").EnumerateArray()).EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.Equal(new[] { a.Did, b.Did }.Order(StringComparer.Ordinal), pair);

        using var sender = await ApiClient.SignInAsync(a, Role.ReleasingOfficer, "releaser");
        var sent = await (await sender.PostAsJsonAsync("/api/telegrams", new { to = b.Did, subject = "Via the relay", body = "Text.", via = "Relay" }))
            .JsonAsync(HttpStatusCode.Created);
        string id = sent.GetProperty("id").GetString()!;
        var delivered = await Eventually.UntilAsync(
            async () => await (await sender.GetAsync($"/api/telegrams/{id}?direction=outbound")).JsonAsync(HttpStatusCode.OK),
            t => t.GetProperty("status").GetString() == "delivered", TimeSpan.FromSeconds(30), "delivered through the relay");
        Assert.Equal([r.Did], delivered.GetProperty("relayPath").EnumerateArray().Select(e => e.GetString()));

        // Withdrawn: the next one is refused by the relay.
        await (await relayAdmin.PostAsJsonAsync("/api/relay/deny", new { a = "Alpha", b = "Bravo" })).JsonAsync(HttpStatusCode.OK);
        var refused = await (await sender.PostAsJsonAsync("/api/telegrams", new { to = b.Did, subject = "Refused", body = "Text.", via = "Relay" }))
            .JsonAsync(HttpStatusCode.Created);
        await Eventually.UntilAsync(
            async () => await (await sender.GetAsync($"/api/telegrams/{refused.GetProperty("id").GetString()}?direction=outbound")).JsonAsync(HttpStatusCode.OK),
            t => t.GetProperty("status").GetString() == "failed", TimeSpan.FromSeconds(30), "refused by the relay");
    }
}
