using System.Net;

using Telex.TestKit;

namespace Telex.Server.Tests.Api;

public sealed class KeyApiTests
{
    [Fact]
    public async Task An_admin_rotates_the_keys_and_every_officer_sees_the_current_and_prior_dids()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        string oldDid = a.Did;
        using var admin = await ApiClient.SignInAsync(a, Role.Admin);
        using var clerk = await ApiClient.SignInAsync(a, Role.Clerk);

        using (var refused = await clerk.PostAsync("/api/keys/rotate", null))
        {
            await refused.ProblemAsync(HttpStatusCode.Forbidden);
        }

        Assert.Equal(oldDid, a.Did);

        using var rotated = await admin.PostAsync("/api/keys/rotate", null);
        var result = await rotated.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(oldDid, result.GetProperty("oldDid").GetString());
        string newDid = result.GetProperty("newDid").GetString()!;
        Assert.Equal(a.Did, newDid);
        Assert.Equal(1, result.GetProperty("tiesTold").GetInt32());

        using var listed = await clerk.GetAsync("/api/keys");
        var keys = await listed.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(newDid, keys.GetProperty("did").GetString());
        var prior = Assert.Single(keys.GetProperty("priors").EnumerateArray());
        Assert.Equal(oldDid, prior.GetProperty("did").GetString());
        Assert.Equal(newDid, prior.GetProperty("nextDid").GetString());
        var rotation = Assert.Single(keys.GetProperty("rotations").EnumerateArray());
        Assert.Equal("own", rotation.GetProperty("side").GetString());

        // The agency's own description follows the new DID, and the counterpart switches to it.
        using var agency = await clerk.GetAsync("/api/agency");
        Assert.Equal(newDid, (await agency.JsonAsync(HttpStatusCode.OK)).GetProperty("did").GetString());
        await Eventually.UntilAsync(() => b.Store.Ties.GetTieAsync(oldDid), t => t?.PeerDid == newDid, TimeSpan.FromSeconds(60), "Bravo switched");
    }

    [Fact]
    public async Task The_key_endpoints_need_a_signed_in_officer()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var anonymous = ApiClient.Anonymous(a.Url);

        using (var list = await anonymous.GetAsync("/api/keys"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        }

        using (var rotate = await anonymous.PostAsync("/api/keys/rotate", null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, rotate.StatusCode);
        }

        Assert.Empty(a.Identity.Priors);
    }
}
