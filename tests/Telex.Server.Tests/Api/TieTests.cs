using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

using Telex.TestKit;

namespace Telex.Server.Tests.Api;

public sealed class TieTests
{
    [Fact]
    public async Task An_invitation_accepted_through_the_two_apis_establishes_a_tie_with_equal_fingerprints()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        using var adminA = await ApiClient.SignInAsync(a, Role.Admin);
        using var adminB = await ApiClient.SignInAsync(b, Role.Admin);

        var invitation = await (await adminA.PostAsJsonAsync("/api/ties/invitations", new { validityMinutes = 60, note = "for Bravo" }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Contains("_oob=" + invitation.GetProperty("code").GetString(), invitation.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.True(invitation.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(59));
        var accepted = await (await adminB.PostAsJsonAsync("/api/ties/accept", new { code = invitation.GetProperty("url").GetString() }))
            .JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal(a.Did, accepted.GetProperty("peerDid").GetString());
        Assert.Equal("Alpha", accepted.GetProperty("peerName").GetString());

        var atB = await Eventually.UntilAsync(
            async () => await (await adminB.GetAsync($"/api/ties/{ApiClient.Escaped(a.Did)}")).JsonAsync(HttpStatusCode.OK),
            t => t.GetProperty("status").GetString() == "established", TimeSpan.FromSeconds(30), "Bravo holds an established tie");
        var atA = (await (await adminA.GetAsync("/api/ties")).JsonAsync(HttpStatusCode.OK)).EnumerateArray().Single();
        Assert.Equal(b.Did, atA.GetProperty("peerDid").GetString());
        Assert.Equal("Bravo", atA.GetProperty("peerName").GetString());
        Assert.Equal(b.Identity.Endpoint, atA.GetProperty("endpoint").GetString());
        Assert.Equal("established", atA.GetProperty("status").GetString());
        Assert.False(atA.GetProperty("verified").GetBoolean());
        Assert.Equal(atA.GetProperty("fingerprint").GetString(), atB.GetProperty("fingerprint").GetString());
        Assert.Equal(1, atA.GetProperty("terms").GetProperty("version").GetInt32());
        Assert.Equal(JsonValueKind.Null, atA.GetProperty("proposedTerms").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, atA.GetProperty("establishedAt").ValueKind);

        var verified = await (await adminA.PostAsync($"/api/ties/{ApiClient.Escaped(b.Did)}/verify", null)).JsonAsync(HttpStatusCode.OK);
        Assert.True(verified.GetProperty("verified").GetBoolean());
    }

    [Fact]
    public async Task Terms_proposed_by_one_side_take_effect_on_both_when_the_other_signs()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var adminA = await ApiClient.SignInAsync(a, Role.Admin);
        using var adminB = await ApiClient.SignInAsync(b, Role.Admin);
        string toB = $"/api/ties/{ApiClient.Escaped(b.Did)}", toA = $"/api/ties/{ApiClient.Escaped(a.Did)}";

        await (await adminA.PostAsJsonAsync(toB + "/terms", new { })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        var tooSmall = await (await adminA.PostAsJsonAsync(toB + "/terms", new { maxTelegramBytes = 10 })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        Assert.Equal("maxTelegramBytes", tooSmall.GetProperty("field").GetString());
        var proposal = await (await adminA.PostAsJsonAsync(toB + "/terms", new { readReceipts = true, expirySeconds = 3600 })).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, proposal.GetProperty("proposedTerms").GetProperty("version").GetInt32());
        Assert.True(proposal.GetProperty("proposedByUs").GetBoolean());
        await (await adminA.PostAsync(toB + "/terms/sign", null)).ProblemAsync(HttpStatusCode.Conflict);

        await Eventually.UntilAsync(async () => await (await adminB.GetAsync(toA)).JsonAsync(HttpStatusCode.OK),
            t => t.GetProperty("proposedTerms").ValueKind == JsonValueKind.Object, TimeSpan.FromSeconds(30), "Bravo sees the proposal");
        var signed = await (await adminB.PostAsync(toA + "/terms/sign", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, signed.GetProperty("terms").GetProperty("version").GetInt32());

        var atA = await Eventually.UntilAsync(async () => await (await adminA.GetAsync(toB)).JsonAsync(HttpStatusCode.OK),
            t => t.GetProperty("terms").GetProperty("version").GetInt32() == 2, TimeSpan.FromSeconds(30), "the terms take effect at Alpha");
        Assert.True(atA.GetProperty("terms").GetProperty("readReceipts").GetBoolean());
        Assert.Equal(3600, atA.GetProperty("terms").GetProperty("expirySeconds").GetInt64());
    }

    [Fact]
    public async Task A_tie_is_suspended_resumed_and_severed_through_the_api()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var admin = await ApiClient.SignInAsync(a, Role.Admin);
        string tie = $"/api/ties/{ApiClient.Escaped(b.Did)}";

        Assert.Equal("suspended", (await (await admin.PostAsync(tie + "/suspend", null)).JsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        Assert.Equal("established", (await (await admin.PostAsync(tie + "/resume", null)).JsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        Assert.Equal("severed", (await (await admin.PostAsync(tie + "/sever", null)).JsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        await (await admin.PostAsync(tie + "/resume", null)).ProblemAsync(HttpStatusCode.Conflict, "conflict");
        await (await admin.GetAsync("/api/ties/" + ApiClient.Escaped("did:peer:2.unknown"))).ProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task A_malformed_invitation_code_is_refused_naming_the_field()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var admin = await ApiClient.SignInAsync(a, Role.Admin);

        var problem = await (await admin.PostAsJsonAsync("/api/ties/accept", new { code = "not an invitation" })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        Assert.Equal("code", problem.GetProperty("field").GetString());
        var validity = await (await admin.PostAsJsonAsync("/api/ties/invitations", new { validityMinutes = 0 })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        Assert.Equal("validityMinutes", validity.GetProperty("field").GetString());
    }
}
