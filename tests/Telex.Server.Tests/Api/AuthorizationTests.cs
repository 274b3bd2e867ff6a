using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

using Telex.TestKit;

namespace Telex.Server.Tests.Api;

public sealed class AuthorizationTests
{
    private const string SomeDid = "did%3Apeer%3A2.Ez6LSexample";
    private const string SomeId = "0b7e1b8e-3c1f-4a8e-9a51-000000000001";

    /// <summary>Every endpoint but sign-in, federation and health.</summary>
    public static readonly (HttpMethod Method, string Path)[] Protected =
    [
        (HttpMethod.Delete, "/api/session"),
        (HttpMethod.Post, "/api/officers/me/password"),
        (HttpMethod.Get, "/api/officers"),
        (HttpMethod.Post, "/api/officers"),
        (HttpMethod.Get, "/api/officers/history"),
        (HttpMethod.Post, "/api/officers/kovalev/reset"),
        (HttpMethod.Post, "/api/officers/kovalev/unlock"),
        (HttpMethod.Post, "/api/officers/kovalev/disable"),
        (HttpMethod.Post, "/api/officers/kovalev/enable"),
        (HttpMethod.Post, "/api/officers/kovalev/role"),
        (HttpMethod.Delete, "/api/officers/kovalev"),
        (HttpMethod.Get, "/api/agency"),
        (HttpMethod.Get, "/api/ties"),
        (HttpMethod.Post, "/api/ties/invitations"),
        (HttpMethod.Post, "/api/ties/accept"),
        (HttpMethod.Get, $"/api/ties/{SomeDid}"),
        (HttpMethod.Post, $"/api/ties/{SomeDid}/verify"),
        (HttpMethod.Post, $"/api/ties/{SomeDid}/suspend"),
        (HttpMethod.Post, $"/api/ties/{SomeDid}/resume"),
        (HttpMethod.Post, $"/api/ties/{SomeDid}/sever"),
        (HttpMethod.Post, $"/api/ties/{SomeDid}/terms"),
        (HttpMethod.Post, $"/api/ties/{SomeDid}/terms/sign"),
        (HttpMethod.Post, "/api/telegrams"),
        (HttpMethod.Get, "/api/telegrams"),
        (HttpMethod.Get, $"/api/telegrams/{SomeId}"),
        (HttpMethod.Get, $"/api/telegrams/{SomeId}/cable"),
        (HttpMethod.Get, $"/api/telegrams/{SomeId}/attachments/{new string('0', 64)}"),
        (HttpMethod.Get, "/api/register/export"),
        (HttpMethod.Get, "/api/register/export?format=cable"),
        (HttpMethod.Get, "/api/register/export?format=html"),
        (HttpMethod.Get, "/api/register/1"),
        (HttpMethod.Get, "/api/issues"),
        (HttpMethod.Post, "/api/issues"),
        (HttpMethod.Get, "/api/issues/some-issue"),
        (HttpMethod.Post, "/api/issues/some-issue/status"),
        (HttpMethod.Get, "/api/clearance/rules"),
        (HttpMethod.Post, "/api/clearance/rules"),
        (HttpMethod.Delete, $"/api/clearance/rules/{SomeId}"),
        (HttpMethod.Get, "/api/drafts"),
        (HttpMethod.Post, "/api/drafts"),
        (HttpMethod.Get, $"/api/drafts/{SomeId}"),
        (HttpMethod.Post, $"/api/drafts/{SomeId}/clear"),
        (HttpMethod.Post, $"/api/drafts/{SomeId}/refuse"),
        (HttpMethod.Post, $"/api/drafts/{SomeId}/resubmit"),
        (HttpMethod.Post, $"/api/drafts/{SomeId}/release"),
        (HttpMethod.Get, "/api/coordination"),
        (HttpMethod.Post, $"/api/coordination/{SomeId}/approve"),
        (HttpMethod.Post, $"/api/coordination/{SomeId}/refuse"),
        (HttpMethod.Get, "/api/bureaus"),
        (HttpMethod.Post, "/api/bureaus"),
        (HttpMethod.Get, $"/api/bureaus/{SomeId}"),
        (HttpMethod.Get, $"/api/bureaus/{SomeId}/readiness"),
        (HttpMethod.Post, $"/api/bureaus/{SomeId}/charter"),
        (HttpMethod.Post, $"/api/bureaus/{SomeId}/accept"),
        (HttpMethod.Post, $"/api/bureaus/{SomeId}/leave"),
        (HttpMethod.Post, $"/api/bureaus/{SomeId}/bulletins"),
        (HttpMethod.Post, $"/api/bureaus/{SomeId}/issues"),
        (HttpMethod.Get, "/api/events"),
        (HttpMethod.Get, "/openapi/v1.json"),
        (HttpMethod.Get, "/metrics"),
        (HttpMethod.Get, "/api/no-such-thing"),
    ];

    [Fact]
    public async Task Every_protected_endpoint_refuses_a_request_without_a_token_or_with_a_bad_one()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var client = ApiClient.Anonymous(a.Url);
        string[] badTokens = ["", "tlx_" + new string('A', 43), "not-a-telex-token", "tlx_" + new string('x', 500)];

        foreach (var (method, path) in Protected)
        {
            foreach (string? token in badTokens.Prepend(null))
            {
                using var request = new HttpRequestMessage(method, path);
                if (token is not null)
                {
                    request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
                }

                if (method == HttpMethod.Post)
                {
                    request.Content = JsonContent.Create(new { });
                }

                using var response = await client.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} with token '{token}': {(int)response.StatusCode}");
                await response.ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
                Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            }
        }
    }

    [Fact]
    public async Task Federation_health_and_sign_in_stay_anonymous()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var client = ApiClient.Anonymous(a.Url);

        using var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var federation = await client.PostAsync("/didcomm", new StringContent("{}", null, "application/didcomm-encrypted+json"));
        Assert.NotEqual(HttpStatusCode.Unauthorized, federation.StatusCode);
        using var signIn = await client.PostAsJsonAsync("/api/session", new { name = "nobody", password = "x" });
        Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);
    }

    [Fact]
    public async Task A_clerk_reads_but_cannot_send_or_manage_ties_or_officers()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var clerk = await ApiClient.SignInAsync(a, Role.Clerk);
        string did = ApiClient.Escaped(b.Did);

        await (await clerk.GetAsync("/api/ties")).JsonAsync(HttpStatusCode.OK);
        await (await clerk.GetAsync("/api/telegrams")).JsonAsync(HttpStatusCode.OK);
        await (await clerk.PostAsJsonAsync("/api/telegrams", new { to = b.Did, subject = "s", body = "b", precedence = "routine" }))
            .ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await clerk.PostAsJsonAsync("/api/ties/invitations", new { })).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await clerk.PostAsync($"/api/ties/{did}/suspend", null)).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await clerk.PostAsync($"/api/ties/{did}/verify", null)).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await clerk.GetAsync("/api/officers")).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await clerk.PostAsJsonAsync("/api/officers", new { name = "x", role = "admin" })).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await clerk.GetAsync("/metrics")).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        var tie = await (await clerk.GetAsync($"/api/ties/{did}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("established", tie.GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_auditor_reads_and_sees_metrics_but_cannot_send()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var auditor = await ApiClient.SignInAsync(a, Role.Auditor);

        await (await auditor.PostAsJsonAsync("/api/telegrams", new { to = b.Did, subject = "s", body = "b", precedence = "routine" }))
            .ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await auditor.PostAsJsonAsync("/api/ties/accept", new { code = "x" })).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await auditor.GetAsync("/api/telegrams")).JsonAsync(HttpStatusCode.OK);
        using var metrics = await auditor.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
    }

    [Fact]
    public async Task A_releasing_officer_sends_but_cannot_manage_ties()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var officer = await ApiClient.SignInAsync(a, Role.ReleasingOfficer);

        await (await officer.PostAsJsonAsync("/api/telegrams", new { to = b.Did, subject = "s", body = "b", precedence = "routine" }))
            .JsonAsync(HttpStatusCode.Created);
        await (await officer.PostAsync($"/api/ties/{ApiClient.Escaped(b.Did)}/sever", null)).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await officer.GetAsync("/metrics")).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task A_token_of_another_agency_is_not_accepted()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        using var atA = await ApiClient.SignInAsync(a, Role.Admin);
        using var atB = ApiClient.Anonymous(b.Url);
        atB.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", atA.DefaultRequestHeaders.Authorization!.Parameter);

        await (await atB.GetAsync("/api/agency")).ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }
}
