using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

using Telex.Core;
using Telex.Server.Tests.Security;
using Telex.TestKit;

namespace Telex.Server.Tests.Api;

public sealed class SessionTests
{
    [Fact]
    public async Task An_officer_signs_in_and_the_token_opens_the_api()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await ApiClient.AddOfficerAsync(a.Store, "kovalev", Role.ReleasingOfficer);
        using var client = ApiClient.Anonymous(a.Url);

        using var signIn = await client.PostAsJsonAsync("/api/session", new { name = "kovalev", password = ApiClient.Password });
        var session = await signIn.JsonAsync(HttpStatusCode.OK);
        string token = session.GetProperty("token").GetString()!;
        Assert.StartsWith("tlx_", token, StringComparison.Ordinal);
        Assert.True(session.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(11));
        Assert.Equal("kovalev", session.GetProperty("officer").GetProperty("name").GetString());
        Assert.Equal("releasingofficer", session.GetProperty("officer").GetProperty("role").GetString());
        Assert.False(session.GetProperty("officer").GetProperty("mustChangePassword").GetBoolean());

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var agency = await (await client.GetAsync("/api/agency")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Alpha", agency.GetProperty("name").GetString());
        Assert.Equal(a.Did, agency.GetProperty("did").GetString());
        Assert.Equal(a.Identity.Endpoint, agency.GetProperty("endpoint").GetString());
    }

    [Fact]
    public async Task An_unknown_name_and_a_wrong_password_get_the_same_answer()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await ApiClient.AddOfficerAsync(a.Store, "kovalev", Role.Clerk);
        using var client = ApiClient.Anonymous(a.Url);

        var wrongPassword = await (await client.PostAsJsonAsync("/api/session", new { name = "kovalev", password = "not the password" }))
            .ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        var unknownName = await (await client.PostAsJsonAsync("/api/session", new { name = "nobody", password = "not the password" }))
            .ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");

        foreach (string member in new[] { "type", "title", "status", "detail", "code" })
        {
            Assert.Equal(wrongPassword.GetProperty(member).ToString(), unknownName.GetProperty(member).ToString());
        }
    }

    [Fact]
    public async Task Repeated_failures_lock_the_officer_out_even_with_the_right_password_until_the_lockout_passes()
    {
        await using var a = await SecureAgency.StartAsync(o => o with { Api = o.Api with { MaxFailedSignIns = 3, Lockout = TimeSpan.FromSeconds(2) } });
        await ApiClient.AddOfficerAsync(a.Store, "kovalev", Role.Clerk);
        using var admin = await ApiClient.SignInAsync(a.Url, a.Store, Role.Admin);
        using var client = ApiClient.Anonymous(a.Url);

        for (int i = 0; i < 2; i++)
        {
            await (await client.PostAsJsonAsync("/api/session", new { name = "kovalev", password = "guess " + i })).ProblemAsync(HttpStatusCode.Unauthorized);
        }

        // The third wrong password locks, and the answer says so (with when to retry) rather than "wrong password" again.
        await (await client.PostAsJsonAsync("/api/session", new { name = "kovalev", password = "guess 2" })).ProblemAsync(HttpStatusCode.Forbidden, "locked");

        await (await client.PostAsJsonAsync("/api/session", new { name = "kovalev", password = ApiClient.Password }))
            .ProblemAsync(HttpStatusCode.Forbidden, "locked");
        var officers = await (await admin.GetAsync("/api/officers")).JsonAsync(HttpStatusCode.OK);
        Assert.True(officers.EnumerateArray().Single(o => o.GetProperty("name").GetString() == "kovalev").GetProperty("locked").GetBoolean());

        await Eventually.UntilAsync(
            async () => (int)(await client.PostAsJsonAsync("/api/session", new { name = "kovalev", password = ApiClient.Password })).StatusCode,
            status => status == 200, TimeSpan.FromSeconds(15), "sign-in succeeds once the lockout has passed");
    }

    [Fact]
    public async Task A_successful_sign_in_resets_the_failure_count()
    {
        await using var a = await SecureAgency.StartAsync(o => o with { Api = o.Api with { MaxFailedSignIns = 3 } });
        await ApiClient.AddOfficerAsync(a.Store, "kovalev", Role.Clerk);
        using var client = ApiClient.Anonymous(a.Url);

        foreach (string password in new[] { "wrong 1", "wrong 2", ApiClient.Password, "wrong 3", "wrong 4", ApiClient.Password })
        {
            using var response = await client.PostAsJsonAsync("/api/session", new { name = "kovalev", password });
            Assert.Equal(password == ApiClient.Password ? HttpStatusCode.OK : HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Fact]
    public async Task Signing_out_revokes_the_token()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var client = await ApiClient.SignInAsync(a, Role.Clerk);

        using (var signOut = await client.DeleteAsync("/api/session"))
        {
            Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        }

        await (await client.GetAsync("/api/agency")).ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task A_new_officer_signs_in_with_the_one_time_password_and_must_change_it()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var admin = await ApiClient.SignInAsync(a, Role.Admin);
        var created = await (await admin.PostAsJsonAsync("/api/officers", new { name = "zhu.de", role = "clerk" })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("zhu.de", created.GetProperty("name").GetString());
        Assert.Equal("clerk", created.GetProperty("role").GetString());
        string oneTime = created.GetProperty("oneTimePassword").GetString()!;

        using var clerk = ApiClient.Anonymous(a.Url);
        using (var first = await clerk.PostAsJsonAsync("/api/session", new { name = "zhu.de", password = oneTime }))
        {
            var session = await first.JsonAsync(HttpStatusCode.OK);
            Assert.True(session.GetProperty("officer").GetProperty("mustChangePassword").GetBoolean());
            clerk.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", session.GetProperty("token").GetString());
        }

        var tooShort = await (await clerk.PostAsJsonAsync("/api/officers/me/password", new { current = oneTime, @new = "short" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        Assert.Equal("new", tooShort.GetProperty("field").GetString());
        await (await clerk.PostAsJsonAsync("/api/officers/me/password", new { current = "not it", @new = "a long new password" }))
            .ProblemAsync(HttpStatusCode.Forbidden, "wrong-password");
        using (var changed = await clerk.PostAsJsonAsync("/api/officers/me/password", new { current = oneTime, @new = "a long new password" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        }

        using var anonymous = ApiClient.Anonymous(a.Url);
        using var again = await anonymous.PostAsJsonAsync("/api/session", new { name = "zhu.de", password = "a long new password" });
        Assert.False((await again.JsonAsync(HttpStatusCode.OK)).GetProperty("officer").GetProperty("mustChangePassword").GetBoolean());
        using var old = await anonymous.PostAsJsonAsync("/api/session", new { name = "zhu.de", password = oneTime });
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
    }

    [Fact]
    public async Task Officer_names_are_checked_and_unique()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var admin = await ApiClient.SignInAsync(a, Role.Admin);

        var badName = await (await admin.PostAsJsonAsync("/api/officers", new { name = "Liu Shaoqi", role = "clerk" })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("name", badName.GetProperty("field").GetString());
        var noRole = await (await admin.PostAsJsonAsync("/api/officers", new { name = "liu" })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("role", noRole.GetProperty("field").GetString());
        var badRole = await (await admin.PostAsJsonAsync("/api/officers", new { name = "liu", role = "emperor" })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("role", badRole.GetProperty("field").GetString());
        await (await admin.PostAsJsonAsync("/api/officers", new { name = "liu", role = "auditor" })).JsonAsync(HttpStatusCode.Created);
        await (await admin.PostAsJsonAsync("/api/officers", new { name = "liu", role = "clerk" })).ProblemAsync(HttpStatusCode.Conflict, "conflict");

        var officers = await (await admin.GetAsync("/api/officers")).JsonAsync(HttpStatusCode.OK);
        var liu = officers.EnumerateArray().Single(o => o.GetProperty("name").GetString() == "liu");
        Assert.Equal("auditor", liu.GetProperty("role").GetString());
        Assert.True(liu.GetProperty("mustChangePassword").GetBoolean());
        Assert.False(liu.GetProperty("locked").GetBoolean());
        Assert.True(liu.TryGetProperty("createdAt", out _));
    }

    [Fact]
    public async Task The_first_admin_is_created_once_and_must_change_the_password()
    {
        await using var a = await TestAgency.StartAsync("Alpha");

        string oneTime = await Officers.CreateFirstAdminAsync(a.Store, "gao.gang");
        var again = await Assert.ThrowsAsync<TelexException>(() => Officers.CreateFirstAdminAsync(a.Store, "someone.else"));

        Assert.Equal(TelexErrorKind.Conflict, again.Kind);
        using var client = ApiClient.Anonymous(a.Url);
        var session = await (await client.PostAsJsonAsync("/api/session", new { name = "gao.gang", password = oneTime })).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("admin", session.GetProperty("officer").GetProperty("role").GetString());
        Assert.True(session.GetProperty("officer").GetProperty("mustChangePassword").GetBoolean());
    }
}
