using System.Net;
using System.Text.RegularExpressions;

using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

using Telex.Core.Model;
using Telex.Server.Api.Auth;
using Telex.Server.Hosting;
using Telex.Server.Tests.Console;
using Telex.TestKit;

namespace Telex.Server.Tests.Api;

/// <summary>
/// Every endpoint of the agency, as routing knows it, against one table of who may call it. An endpoint added without a
/// decision here fails, and so does a decision the app does not keep: a role the table refuses gets 403 from the running
/// agency (nothing runs), and a role it allows passes the endpoint's authorization policies.
/// </summary>
public sealed partial class EndpointAccessTests
{
    private static readonly Role[] Everyone = [Role.Clerk, Role.ReleasingOfficer, Role.Admin, Role.Auditor];
    private static readonly Role[] Senders = [Role.ReleasingOfficer, Role.Admin];
    private static readonly Role[] Drafters = [Role.Clerk, Role.ReleasingOfficer, Role.Admin];
    private static readonly Role[] Admins = [Role.Admin];
    private static readonly Role[] Watchers = [Role.Auditor, Role.Admin];

    /// <summary>Null: anonymous. Otherwise the roles that may call the endpoint (an auditor reads everything and changes nothing).</summary>
    public static readonly Dictionary<string, Role[]?> Decisions = new(StringComparer.Ordinal)
    {
        // Peers authenticate by their DIDComm signature; health says nothing secret; the console's stylesheet and script.
        ["POST /didcomm"] = null,
        ["GET /health"] = null,
        ["GET /health/ready"] = null,
        ["GET /console/{file}"] = null,
        ["POST /api/session"] = null,

        ["DELETE /api/session"] = Everyone,
        ["POST /api/officers/me/password"] = Everyone,
        ["GET /api/officers"] = Admins,
        ["POST /api/officers"] = Admins,
        ["GET /api/officers/history"] = Admins,
        ["POST /api/officers/{name}/reset"] = Admins,
        ["POST /api/officers/{name}/unlock"] = Admins,
        ["POST /api/officers/{name}/disable"] = Admins,
        ["POST /api/officers/{name}/enable"] = Admins,
        ["POST /api/officers/{name}/role"] = Admins,
        ["DELETE /api/officers/{name}"] = Admins,
        ["GET /api/agency"] = Everyone,

        ["GET /api/ties"] = Everyone,
        ["GET /api/ties/{did}"] = Everyone,
        ["POST /api/ties/invitations"] = Admins,
        ["POST /api/ties/accept"] = Admins,
        ["POST /api/ties/{did}/verify"] = Admins,
        ["POST /api/ties/{did}/suspend"] = Admins,
        ["POST /api/ties/{did}/resume"] = Admins,
        ["POST /api/ties/{did}/sever"] = Admins,
        ["POST /api/ties/{did}/terms"] = Admins,
        ["POST /api/ties/{did}/terms/sign"] = Admins,

        ["GET /api/directory"] = Everyone,
        ["GET /api/directory/{counterpart}"] = Everyone,
        ["GET /api/recipients/{name}"] = Everyone,
        ["POST /api/directory"] = Admins,
        ["POST /api/directory/{counterpart}/notes"] = Admins,
        ["POST /api/directory/{counterpart}/review"] = Admins,
        ["POST /api/directory/{counterpart}/link"] = Admins,
        ["DELETE /api/directory/{counterpart}"] = Admins,

        ["GET /api/relay/policy"] = Everyone,
        ["POST /api/relay/policy"] = Admins,
        ["POST /api/relay/allow"] = Admins,
        ["POST /api/relay/deny"] = Admins,

        ["POST /api/telegrams"] = Senders,
        ["POST /api/telegrams/batch"] = Senders,
        ["GET /api/telegrams"] = Everyone,
        ["GET /api/telegrams/{id:guid}"] = Everyone,
        ["GET /api/telegrams/{id:guid}/cable"] = Everyone,
        ["GET /api/telegrams/sent/{serial:long}"] = Everyone,
        ["GET /api/telegrams/{id:guid}/attachments/{sha256}"] = Everyone,
        ["GET /api/register/{registryNumber:long}"] = Everyone,

        ["GET /api/names"] = Everyone,
        ["GET /api/issues"] = Everyone,
        ["POST /api/issues"] = Senders,
        ["GET /api/issues/{id}"] = Everyone,
        ["GET /api/issues/outcomes"] = Everyone,
        ["PUT /api/issues/outcomes"] = Admins,
        ["POST /api/issues/{id}/status"] = Senders,

        ["GET /api/bureaus"] = Everyone,
        ["GET /api/bureaus/{id:guid}"] = Everyone,
        ["GET /api/bureaus/{id:guid}/readiness"] = Everyone,
        ["POST /api/bureaus"] = Admins,
        ["POST /api/bureaus/{id:guid}/members"] = Admins,
        ["DELETE /api/bureaus/{id:guid}/members/{member}"] = Admins,
        ["POST /api/bureaus/{id:guid}/charter"] = Admins,
        ["POST /api/bureaus/{id:guid}/accept"] = Admins,
        ["POST /api/bureaus/{id:guid}/leave"] = Admins,
        ["POST /api/bureaus/{id:guid}/bulletins"] = Senders,
        ["POST /api/bureaus/{id:guid}/issues"] = Senders,
        ["GET /api/bureaus/{id:guid}/outcomes"] = Everyone,
        ["PUT /api/bureaus/{id:guid}/outcomes"] = Admins,

        ["GET /api/clearance/rules"] = Everyone,
        ["POST /api/clearance/rules"] = Admins,
        ["DELETE /api/clearance/rules/{id:guid}"] = Admins,

        ["POST /api/drafts"] = Drafters,
        ["GET /api/drafts"] = Everyone,
        ["GET /api/drafts/{id:guid}"] = Everyone,
        ["GET /api/drafts/number/{number:long}"] = Everyone,
        ["POST /api/drafts/{id:guid}/clear"] = Drafters,
        ["POST /api/drafts/{id:guid}/refuse"] = Drafters,
        ["POST /api/drafts/{id:guid}/resubmit"] = Drafters,
        ["POST /api/drafts/{id:guid}/release"] = Senders,

        ["GET /api/coordination"] = Everyone,
        ["POST /api/coordination/{id:guid}/approve"] = Senders,
        ["POST /api/coordination/{id:guid}/refuse"] = Senders,

        ["GET /api/register/verify"] = Everyone,
        ["GET /api/register/checkpoints"] = Everyone,
        ["POST /api/register/checkpoints"] = Admins,
        ["POST /api/register/cables"] = Admins,
        ["GET /api/register/export"] = Everyone,

        ["GET /api/keys"] = Everyone,
        ["POST /api/keys/rotate"] = Admins,

        ["GET /api/events"] = Everyone,
        ["GET /openapi/{documentName}.json"] = Everyone,
        ["* /metrics"] = Watchers,

        // The console's stream and downloads (its pages have their own conventions and handler checks).
        ["GET /events"] = Everyone,
        ["GET /telegrams/{id:guid}/cable"] = Everyone,
        ["GET /telegrams/{id:guid}/attachments/{sha256}"] = Everyone,
        ["GET /register/export"] = Everyone,

        // The console's pages, as their conventions say (WebConsole.AddWebConsole); each page's actions check the role too.
        ["* /sign-in"] = null,
        ["* /"] = Everyone,
        ["* /account"] = Everyone,
        ["* /sign-out"] = Everyone,
        ["* /ties"] = Everyone,
        ["* /ties/tie"] = Everyone,
        ["* /telegrams/{id:guid}"] = Everyone,
        ["* /issues/{id}"] = Everyone,
        ["* /drafts"] = Everyone,
        ["* /drafts/{id:guid}"] = Everyone,
        ["* /compose"] = Drafters,
        ["* /clearance"] = Everyone,
        ["* /directory"] = Everyone,
        ["* /directory/counterpart"] = Everyone,
        ["* /bureaus"] = Everyone,
        ["* /bureaus/{id:guid}"] = Everyone,
        ["* /register"] = Everyone,
        ["* /officers"] = Admins,
    };

    [Fact]
    public async Task Every_endpoint_has_an_access_decision_and_every_decision_names_an_endpoint()
    {
        await using var a = await TestAgency.StartAsync("Alpha");

        // The console's pages join routing at the first request for one (WebConsole.UseConsolePages).
        using var client = ApiClient.Anonymous(a.Url);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/sign-in")).StatusCode);
        var endpoints = Endpoints(a).Select(e => e.Key).ToList();

        var undecided = endpoints.Where(e => !Decisions.ContainsKey(e)).ToList();
        Assert.True(undecided.Count == 0, "endpoints without an access decision: " + string.Join(", ", undecided));
        var stale = Decisions.Keys.Where(k => !endpoints.Contains(k)).ToList();
        Assert.True(stale.Count == 0, "decisions for endpoints that do not exist: " + string.Join(", ", stale));
    }

    [Fact]
    public async Task Each_role_gets_exactly_the_endpoints_its_decision_allows()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        var policies = a.Services.GetRequiredService<IAuthorizationPolicyProvider>();
        var authorization = a.Services.GetRequiredService<IAuthorizationService>();
        var clients = new Dictionary<Role, (HttpClient Bearer, HttpClient Cookie)>();
        foreach (var role in Everyone)
        {
            var bearer = await ApiClient.SignInAsync(a, role);
            var console = await ConsoleSession.SignInAsync(a.Url, role.ToString().ToLowerInvariant(), ApiClient.Password);
            var cookie = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(a.Url) };
            cookie.DefaultRequestHeaders.Add("Cookie", console.CookieHeader);
            clients[role] = (bearer, cookie);
        }

        try
        {
            foreach (var (key, endpoint) in Endpoints(a))
            {
                var allowed = Decisions[key];
                bool anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
                Assert.True(anonymous == (allowed is null), $"{key}: anonymous is {anonymous}");
                if (allowed is null)
                {
                    continue;
                }

                // The policies as the authorization middleware combines them, the fallback where the endpoint names none.
                var policy = await AuthorizationPolicy.CombineAsync(policies, endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>(),
                    endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>()) ?? await policies.GetFallbackPolicyAsync();
                Assert.NotNull(policy);
                foreach (var role in Everyone)
                {
                    var officer = new Officer(Name: "someone", Role: role, PasswordHash: "-", CreatedAt: DateTimeOffset.UtcNow);
                    var user = OfficerClaims.Create(officer, new ApiToken("hash", "someone", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1)), "Bearer");
                    bool passes = (await authorization.AuthorizeAsync(user, policy)).Succeeded;
                    Assert.True(passes == allowed.Contains(role), $"{key} for {role}: the policy {(passes ? "allows" : "refuses")} it");
                }

                // What the running agency answers: 403 (before anything runs) for a role refused; for a role allowed to
                // read, neither 401, 403 nor a redirect to sign in.
                var (method, path) = Request(key);
                string contentType = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.ContentTypes is [var first, ..]
                    ? first
                    : "application/json";
                foreach (var role in Everyone)
                {
                    var client = RequestPaths.TakesBearerToken(path) ? clients[role].Bearer : clients[role].Cookie;
                    if (!allowed.Contains(role))
                    {
                        using var refused = await SendAsync(client, method, path, contentType);
                        Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{key} as {role}: {(int)refused.StatusCode}");
                    }
                    else if (method == HttpMethod.Get)
                    {
                        using var read = await SendAsync(client, method, path, contentType);
                        bool toSignIn = read.Headers.Location?.OriginalString.StartsWith("/sign-in", StringComparison.Ordinal) == true;
                        Assert.True(read.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) && !toSignIn,
                            $"{key} as {role}: {(int)read.StatusCode} {read.Headers.Location}");
                    }
                }
            }
        }
        finally
        {
            foreach (var (bearer, cookie) in clients.Values)
            {
                bearer.Dispose();
                cookie.Dispose();
            }
        }
    }

    [Theory]
    [InlineData(Role.Auditor)]
    [InlineData(Role.Clerk)]
    public async Task An_auditor_or_a_clerk_cannot_create_a_checkpoint(Role role)
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var officer = await ApiClient.SignInAsync(a, role);
        using var admin = await ApiClient.SignInAsync(a, Role.Admin);
        var before = await a.Store.Register.ListCheckpointsAsync(a.Did);

        await (await officer.PostAsync("/api/register/checkpoints", null)).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(before.Count, (await a.Store.Register.ListCheckpointsAsync(a.Did)).Count);

        await (await admin.PostAsync("/api/register/checkpoints", null)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(before.Count + 1, (await a.Store.Register.ListCheckpointsAsync(a.Did)).Count);
    }

    /// <summary>The app's endpoints as "METHOD pattern" (<c>*</c> for any method), from routing's own data source.</summary>
    private static List<(string Key, RouteEndpoint Endpoint)> Endpoints(TestAgency a) =>
        a.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => ($"{m} {Normalized(e.RoutePattern.RawText)}", e)))
            .ToList();

    /// <summary>
    /// A group's own endpoint (<c>MapGet("")</c> under <c>/api/ties</c>) has a trailing slash in its pattern's text; a
    /// console page's has no leading slash.
    /// </summary>
    private static string Normalized(string? pattern) => "/" + (pattern ?? "").Trim('/');

    /// <summary>A request for an endpoint, its route values filled with values of the right shape.</summary>
    private static (HttpMethod Method, string Path) Request(string key)
    {
        string[] parts = key.Split(' ', 2);
        string path = RouteValue().Replace(parts[1], m => m.Groups[2].Value switch
        {
            ":guid" => "0b7e1b8e-3c1f-4a8e-9a51-000000000001",
            ":long" => "1",
            _ => m.Groups[1].Value == "documentName" ? "v1" : "some-" + m.Groups[1].Value,
        });
        return (parts[0] == "*" ? HttpMethod.Get : new HttpMethod(parts[0]), path);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string contentType)
    {
        using var request = new HttpRequestMessage(method, path);
        if (method != HttpMethod.Get)
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, contentType);
        }

        // Headers only: the event streams never end by themselves.
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    [GeneratedRegex(@"\{([^}:]+)(:[^}]+)?\}")]
    private static partial Regex RouteValue();
}
