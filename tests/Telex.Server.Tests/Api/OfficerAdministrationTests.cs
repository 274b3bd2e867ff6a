using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

using Telex.Core;
using Telex.Core.Model;
using Telex.Server.Tests.Security;
using Telex.TestKit;

namespace Telex.Server.Tests.Api;

/// <summary>
/// Officer administration over the client API on a real agency: reset, unlock, disable and enable, role change and removal,
/// the last enabled admin kept, lockouts that say when to retry and are filed for the admins, and the register's chain
/// recording every act.
/// </summary>
public sealed class OfficerAdministrationTests
{
    private static async Task<JsonElement> SignInAsync(HttpClient anonymous, string name, string password, HttpStatusCode expected)
    {
        using var response = await anonymous.PostAsJsonAsync("/api/session", new { name, password });
        return expected == HttpStatusCode.OK ? await response.JsonAsync(expected) : await response.ProblemAsync(expected);
    }

    private static async Task<JsonElement> OfficerAsync(HttpClient admin, string name) =>
        (await (await admin.GetAsync("/api/officers")).JsonAsync(HttpStatusCode.OK)).EnumerateArray().Single(o => o.GetProperty("name").GetString() == name);

    [Fact]
    public async Task A_reset_gives_a_one_time_password_that_must_be_changed_and_ends_the_officers_sessions()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var admin = await ApiClient.SignInAsync(a, Role.Admin, "ada");
        using var clerk = await ApiClient.SignInAsync(a, Role.Clerk, "kovalev");
        using var anonymous = ApiClient.Anonymous(a.Url);

        var reset = await (await admin.PostAsync("/api/officers/kovalev/reset", null)).JsonAsync(HttpStatusCode.OK);

        Assert.Equal(("password-reset", true), (reset.GetProperty("action").GetString(), reset.GetProperty("changed").GetBoolean()));
        string password = reset.GetProperty("oneTimePassword").GetString()!;
        Assert.True(reset.GetProperty("officer").GetProperty("mustChangePassword").GetBoolean());
        await (await clerk.GetAsync("/api/telegrams")).ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await SignInAsync(anonymous, "kovalev", ApiClient.Password, HttpStatusCode.Unauthorized);
        var session = await SignInAsync(anonymous, "kovalev", password, HttpStatusCode.OK);
        Assert.True(session.GetProperty("officer").GetProperty("mustChangePassword").GetBoolean());
    }

    [Fact]
    public async Task A_disabled_officer_cannot_sign_in_and_their_token_is_refused_until_enabled_again()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var admin = await ApiClient.SignInAsync(a, Role.Admin, "ada");
        using var clerk = await ApiClient.SignInAsync(a, Role.Clerk, "kovalev");
        using var anonymous = ApiClient.Anonymous(a.Url);

        var disabled = await (await admin.PostAsync("/api/officers/kovalev/disable", null)).JsonAsync(HttpStatusCode.OK);
        Assert.True(disabled.GetProperty("officer").GetProperty("disabled").GetBoolean());

        await (await clerk.GetAsync("/api/telegrams")).ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        var refused = await SignInAsync(anonymous, "kovalev", ApiClient.Password, HttpStatusCode.Forbidden);
        Assert.Equal("disabled", refused.GetProperty("code").GetString());

        // Only whoever knows the password learns that the officer is disabled.
        await SignInAsync(anonymous, "kovalev", "not the password", HttpStatusCode.Unauthorized);
        Assert.True((await OfficerAsync(admin, "kovalev")).GetProperty("disabled").GetBoolean());

        // A token issued before the disabling and somehow left in the store is refused too.
        await a.Store.Sessions.AddTokenAsync(new ApiToken(Telex.Core.Security.PasswordHasher.HashToken("tlx_" + new string('k', 43)), "kovalev",
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1)));
        using var planted = ApiClient.Anonymous(a.Url);
        planted.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "tlx_" + new string('k', 43));
        await (await planted.GetAsync("/api/agency")).ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");

        await (await admin.PostAsync("/api/officers/kovalev/enable", null)).JsonAsync(HttpStatusCode.OK);
        await SignInAsync(anonymous, "kovalev", ApiClient.Password, HttpStatusCode.OK);
        await (await planted.GetAsync("/api/agency")).JsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_role_change_takes_effect_on_the_officers_next_request()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var admin = await ApiClient.SignInAsync(a, Role.Admin, "ada");
        using var officer = await ApiClient.SignInAsync(a, Role.Clerk, "kovalev");
        await (await officer.GetAsync("/api/officers")).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        var promoted = await (await admin.PostAsJsonAsync("/api/officers/kovalev/role", new { role = "admin" })).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("admin", promoted.GetProperty("officer").GetProperty("role").GetString());
        await (await officer.GetAsync("/api/officers")).JsonAsync(HttpStatusCode.OK);

        await (await admin.PostAsJsonAsync("/api/officers/kovalev/role", new { role = "auditor" })).JsonAsync(HttpStatusCode.OK);
        await (await officer.GetAsync("/api/officers")).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await officer.PostAsJsonAsync("/api/drafts", new { to = a.Did, subject = "s", body = "b" })).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        await (await admin.PostAsJsonAsync("/api/officers/kovalev/role", new { role = "chief" })).ProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.PostAsJsonAsync("/api/officers/kovalev/role", new { })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        Assert.Equal(Role.Auditor, (await a.Store.Officers.FindOfficerAsync("kovalev"))!.Role);
    }

    [Fact]
    public async Task A_removed_officer_is_gone_with_their_sessions_and_an_unknown_one_is_not_found()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var admin = await ApiClient.SignInAsync(a, Role.Admin, "ada");
        using var clerk = await ApiClient.SignInAsync(a, Role.Clerk, "kovalev");
        using var anonymous = ApiClient.Anonymous(a.Url);

        var removed = await (await admin.DeleteAsync("/api/officers/kovalev")).JsonAsync(HttpStatusCode.OK);

        Assert.Equal(JsonValueKind.Null, removed.GetProperty("officer").ValueKind);
        await (await clerk.GetAsync("/api/telegrams")).ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await SignInAsync(anonymous, "kovalev", ApiClient.Password, HttpStatusCode.Unauthorized);
        Assert.Null(await a.Store.Officers.FindOfficerAsync("kovalev"));
        long head = (await a.Store.Register.GetRegisterHeadAsync()).Count;
        foreach (var (method, path) in new[] { (HttpMethod.Delete, "/api/officers/kovalev"), (HttpMethod.Post, "/api/officers/nobody/reset"),
            (HttpMethod.Post, "/api/officers/nobody/disable") })
        {
            await (await admin.SendAsync(new HttpRequestMessage(method, path))).ProblemAsync(HttpStatusCode.NotFound, "not-found");
        }

        Assert.Equal(head, (await a.Store.Register.GetRegisterHeadAsync()).Count);
    }

    [Fact]
    public async Task An_officer_a_clearance_rule_names_is_not_removed_or_made_an_auditor_until_the_rule_is_replaced()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var admin = await ApiClient.SignInAsync(a, Role.Admin, "ada");
        using var chief = await ApiClient.SignInAsync(a, Role.ReleasingOfficer, "chief");
        var rule = await (await admin.PostAsJsonAsync("/api/clearance/rules", new { officers = new[] { "chief" } })).JsonAsync(HttpStatusCode.Created);
        long head = (await a.Store.Register.GetRegisterHeadAsync()).Count;

        var removal = await (await admin.DeleteAsync("/api/officers/chief")).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("chief must clear under 1 clearance rule(s)", removal.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await (await admin.PostAsJsonAsync("/api/officers/chief/role", new { role = "auditor" })).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(Role.ReleasingOfficer, (await a.Store.Officers.FindOfficerAsync("chief"))!.Role);
        Assert.Equal(head, (await a.Store.Register.GetRegisterHeadAsync()).Count);

        // Another role that still clears is fine; once the rule is gone, so is the removal.
        await (await admin.PostAsJsonAsync("/api/officers/chief/role", new { role = "admin" })).JsonAsync(HttpStatusCode.OK);
        using (var removed = await admin.DeleteAsync($"/api/clearance/rules/{rule.GetProperty("id").GetString()}"))
        {
            Assert.True(removed.IsSuccessStatusCode, removed.StatusCode.ToString());
        }

        await (await admin.DeleteAsync("/api/officers/chief")).JsonAsync(HttpStatusCode.OK);
        Assert.Null(await a.Store.Officers.FindOfficerAsync("chief"));
    }

    [Fact]
    public async Task The_last_enabled_admin_cannot_be_removed_disabled_or_demoted_and_nothing_changes()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var admin = await ApiClient.SignInAsync(a, Role.Admin, "ada");
        await ApiClient.AddOfficerAsync(a.Store, "bob", Role.Admin);
        await (await admin.PostAsync("/api/officers/bob/disable", null)).JsonAsync(HttpStatusCode.OK);
        long head = (await a.Store.Register.GetRegisterHeadAsync()).Count;

        foreach (var request in new Func<Task<HttpResponseMessage>>[]
        {
            () => admin.DeleteAsync("/api/officers/ada"),
            () => admin.PostAsync("/api/officers/ada/disable", null),
            () => admin.PostAsJsonAsync("/api/officers/ada/role", new { role = "releasingofficer" }),
        })
        {
            var refused = await (await request()).ProblemAsync(HttpStatusCode.Conflict, "conflict");
            Assert.Contains("ada is the agency's last enabled admin", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(head, (await a.Store.Register.GetRegisterHeadAsync()).Count);
        var ada = await OfficerAsync(admin, "ada");
        Assert.Equal(("admin", false), (ada.GetProperty("role").GetString(), ada.GetProperty("disabled").GetBoolean()));

        // Enabling bob makes room: ada may step down, and bob is then the last.
        await (await admin.PostAsync("/api/officers/bob/enable", null)).JsonAsync(HttpStatusCode.OK);
        await (await admin.PostAsJsonAsync("/api/officers/ada/role", new { role = "auditor" })).JsonAsync(HttpStatusCode.OK);
        await (await admin.GetAsync("/api/officers")).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(Role.Admin, (await a.Store.Officers.FindOfficerAsync("bob"))!.Role);
    }

    [Theory]
    [InlineData(Role.Clerk)]
    [InlineData(Role.Auditor)]
    [InlineData(Role.ReleasingOfficer)]
    public async Task An_officer_who_is_not_admin_is_refused_every_act_of_administration_and_nothing_changes(Role role)
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var admin = await ApiClient.SignInAsync(a, Role.Admin, "ada");
        await ApiClient.AddOfficerAsync(a.Store, "kovalev", Role.Clerk);
        await (await admin.PostAsync("/api/officers/kovalev/disable", null)).JsonAsync(HttpStatusCode.OK);
        using var officer = await ApiClient.SignInAsync(a, role, "someone");
        var before = (await a.Store.Officers.ListOfficersAsync()).ToList();
        var head = await a.Store.Register.GetRegisterHeadAsync();

        (HttpMethod, string, object?)[] acts =
        [
            (HttpMethod.Post, "/api/officers/kovalev/reset", null),
            (HttpMethod.Post, "/api/officers/kovalev/unlock", null),
            (HttpMethod.Post, "/api/officers/kovalev/enable", null),
            (HttpMethod.Post, "/api/officers/ada/disable", null),
            (HttpMethod.Post, "/api/officers/someone/role", new { role = "admin" }),
            (HttpMethod.Delete, "/api/officers/ada", null),
            (HttpMethod.Get, "/api/officers/history", null),
            (HttpMethod.Post, "/api/officers", new { name = "mallory", role = "admin" }),
        ];
        foreach (var (method, path, body) in acts)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            await (await officer.SendAsync(request)).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        }

        Assert.Equal(head, await a.Store.Register.GetRegisterHeadAsync());
        var after = await a.Store.Officers.ListOfficersAsync();
        Assert.Equal(before.Count, after.Count);
        for (int i = 0; i < before.Count; i++)
        {
            Assert.Equal(before[i], after[i]);
        }
    }

    [Fact]
    public async Task A_lockout_tells_the_officer_when_to_retry_and_is_filed_for_the_admins_who_may_lift_it()
    {
        await using var a = await SecureAgency.StartAsync(o => o with { Api = o.Api with { MaxFailedSignIns = 3, Lockout = TimeSpan.FromMinutes(15) } });
        using var admin = await ApiClient.SignInAsync(a.Url, a.Store, Role.Admin, "ada");
        await ApiClient.AddOfficerAsync(a.Store, "kovalev", Role.Clerk);
        using var anonymous = ApiClient.Anonymous(a.Url);
        using var events = a.Agency.Events.Subscribe();

        await SignInAsync(anonymous, "kovalev", "guess 1", HttpStatusCode.Unauthorized);
        await SignInAsync(anonymous, "kovalev", "guess 2", HttpStatusCode.Unauthorized);
        var before = DateTimeOffset.UtcNow;
        using var third = await anonymous.PostAsJsonAsync("/api/session", new { name = "kovalev", password = "guess 3" });

        // The attempt that locks says so at once, with the time to retry in the detail, an extension and Retry-After.
        var locked = await third.ProblemAsync(HttpStatusCode.Forbidden, "locked");
        var retryAt = locked.GetProperty("retryAt").GetDateTimeOffset();
        Assert.InRange(retryAt, before.AddMinutes(15).AddSeconds(-1), DateTimeOffset.UtcNow.AddMinutes(15).AddSeconds(1));
        Assert.Contains($"try again after {retryAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC", locked.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.InRange(third.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15).Add(TimeSpan.FromSeconds(1)));
        var again = await SignInAsync(anonymous, "kovalev", ApiClient.Password, HttpStatusCode.Forbidden);
        Assert.Equal(retryAt, again.GetProperty("retryAt").GetDateTimeOffset());

        // The admins see it: in the list, in the history from the chain, and as an event on the stream.
        var listed = await OfficerAsync(admin, "kovalev");
        Assert.Equal(retryAt, listed.GetProperty("lockedUntil").GetDateTimeOffset());
        var lockout = Assert.Single((await (await admin.GetAsync("/api/officers/history?officer=kovalev")).JsonAsync(HttpStatusCode.OK)).EnumerateArray());
        Assert.Equal("locked-out", lockout.GetProperty("action").GetString());
        Assert.Equal(JsonValueKind.Null, lockout.GetProperty("by").ValueKind);
        Assert.Equal(retryAt, lockout.GetProperty("until").GetDateTimeOffset());
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            AgencyEvent e;
            do
            {
                e = await events.Reader.ReadAsync(wait.Token);
            }
            while (e.Kind != "officer.locked-out");
        }

        // An admin lifts it; kovalev signs in at once.
        var unlocked = await (await admin.PostAsync("/api/officers/kovalev/unlock", null)).JsonAsync(HttpStatusCode.OK);
        Assert.False(unlocked.GetProperty("officer").GetProperty("locked").GetBoolean());
        await SignInAsync(anonymous, "kovalev", ApiClient.Password, HttpStatusCode.OK);
        var nothing = await (await admin.PostAsync("/api/officers/kovalev/unlock", null)).JsonAsync(HttpStatusCode.OK);
        Assert.False(nothing.GetProperty("changed").GetBoolean());
    }

    [Fact]
    public async Task The_register_verifies_after_acts_of_administration_and_reports_an_officer_entry_changed_behind_the_agencys_back()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var admin = await ApiClient.SignInAsync(a, Role.Admin, "ada");
        using var auditor = await ApiClient.SignInAsync(a, Role.Auditor, "zhu");
        await (await admin.PostAsJsonAsync("/api/officers", new { name = "kovalev", role = "clerk" })).JsonAsync(HttpStatusCode.Created);
        await (await admin.PostAsJsonAsync("/api/officers/kovalev/role", new { role = "admin" })).JsonAsync(HttpStatusCode.OK);
        await (await admin.PostAsync("/api/officers/kovalev/reset", null)).JsonAsync(HttpStatusCode.OK);
        await (await admin.PostAsync("/api/officers/zhu/disable", null)).JsonAsync(HttpStatusCode.OK);

        var history = (await (await admin.GetAsync("/api/officers/history")).JsonAsync(HttpStatusCode.OK)).EnumerateArray().ToList();
        Assert.Equal(["disabled", "password-reset", "role-changed", "added"], history.Select(e => e.GetProperty("action").GetString()));
        Assert.All(history, e => Assert.Equal("ada", e.GetProperty("by").GetString()));
        Assert.Equal(("clerk", "admin"), (history[2].GetProperty("previousRole").GetString(), history[2].GetProperty("role").GetString()));

        using var verifier = await ApiClient.SignInAsync(a, Role.Auditor, "liu");
        var report = await (await verifier.GetAsync("/api/register/verify")).JsonAsync(HttpStatusCode.OK);
        Assert.True(report.GetProperty("ok").GetBoolean(), report.ToString());
        Assert.Equal(4, report.GetProperty("officerEvents").GetInt64());

        // Who promoted kovalev, rewritten in the database: the kept content no longer matches its hash.
        long position = history[2].GetProperty("entry").GetInt64();
        await using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(a.Directory, "telex.db")};Pooling=False"))
        {
            await c.OpenAsync();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE register_log SET content=CAST(replace(CAST(content AS TEXT), 'ada', 'bob') AS BLOB) WHERE position=$p";
            cmd.Parameters.AddWithValue("$p", position);
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        }

        var tampered = await (await verifier.GetAsync("/api/register/verify")).JsonAsync(HttpStatusCode.OK);
        Assert.False(tampered.GetProperty("ok").GetBoolean());
        var first = tampered.GetProperty("problems")[0];
        Assert.Equal((position, "changed"), (first.GetProperty("position").GetInt64(), first.GetProperty("problem").GetString()));
        Assert.Equal("officer/kovalev", first.GetProperty("reference").GetString());
    }
}
