using System.Net;
using System.Text;

using Telex.Core.Model;
using Telex.Core.Storage;
using Telex.Server.Tests.Api;
using Telex.TestKit;

namespace Telex.Server.Tests.Security;

/// <summary>
/// A fourth review's attacks on the client API's binding: bodies and query strings an officer's client (or anyone
/// holding a session) could send malformed. Each must be a 4xx problem document naming no stack trace, never a 500,
/// and must change nothing.
/// </summary>
public sealed class FourthReviewTests
{
    [Fact]
    public async Task Malformed_bodies_and_query_strings_are_4xx_problems_and_never_500s()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var admin = await ApiClient.SignInAsync(a, Role.Admin);
        string bureau = Guid.NewGuid().ToString();

        var bodies = new (HttpMethod Method, string Path, string Json)[]
        {
            (HttpMethod.Put, "/api/issues/outcomes", """{"outcomes":[null]}"""),
            (HttpMethod.Put, "/api/issues/outcomes", """{"outcomes":[{"term":"x","means":7}]}"""),
            (HttpMethod.Put, "/api/issues/outcomes", """{"outcomes":[{"means":"open"}]}"""),
            (HttpMethod.Put, "/api/issues/outcomes", """{"outcomes":[{"term":"x","means":"open","retired":null}]}"""),
            (HttpMethod.Put, "/api/issues/outcomes", """{"outcomes":{}}"""),
            (HttpMethod.Put, "/api/issues/outcomes", "null"),
            (HttpMethod.Put, $"/api/bureaus/{bureau}/outcomes", """{"outcomes":[null]}"""),
            (HttpMethod.Put, $"/api/bureaus/{bureau}/outcomes", """{"outcomes":[{"term":"x","means":"open","retired":true}]}"""),
            (HttpMethod.Post, "/api/directory", """{"name":"Zulu","tiedWith":[null]}"""),
            (HttpMethod.Post, "/api/directory", """{"name":"Zulu","tiedWith":[1]}"""),
            (HttpMethod.Post, "/api/bureaus", """{"name":"B","purpose":"p","members":[null]}"""),
            (HttpMethod.Post, "/api/telegrams", """{"to":"did:peer:2.x","subject":"s","body":"b","attendees":[null]}"""),
            (HttpMethod.Post, "/api/telegrams", """{"to":"did:peer:2.x","subject":"s","body":"b","references":["not-a-guid"]}"""),
            (HttpMethod.Post, "/api/telegrams", """{"to":"did:peer:2.x","subject":"s","body":"b","precedence":3}"""),
            (HttpMethod.Post, "/api/telegrams", """{"to":"did:peer:2.x","subject":"s","body":"b","attachments":[{"name":"a","mediaType":"text/plain","contentBase64":"%%%"}]}"""),
            (HttpMethod.Post, "/api/telegrams", "[]"),
            (HttpMethod.Post, "/api/telegrams", "\"text\""),
            (HttpMethod.Post, "/api/clearance/rules", """{"officers":[null]}"""),
        };
        foreach (var (method, path, json) in bodies)
        {
            using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            await AssertProblemAsync(await admin.SendAsync(request), $"{method} {path} {json}");
        }

        using (var invalidUtf8 = new HttpRequestMessage(HttpMethod.Post, "/api/telegrams")
        {
            Content = new ByteArrayContent([(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}'])
            {
                Headers = { ContentType = new("application/json") },
            },
        })
        {
            await AssertProblemAsync(await admin.SendAsync(invalidUtf8), "invalid UTF-8");
        }

        foreach (string query in new[]
        {
            "/api/telegrams?limit=1&limit=2",
            "/api/telegrams?offset=2147483647&limit=1000",
            "/api/telegrams?from=9999-12-31T23:59:59-14:00",
            "/api/telegrams?from=0001-01-01T00:00:00%2B14:00",
            "/api/telegrams?until=0001-01-01",
            "/api/telegrams?status=1",
            "/api/telegrams?direction=%00",
            "/api/telegrams?q=%FF%FE",
            "/api/telegrams?issue=%00",
            "/api/issues?limit=-1",
            "/api/issues?status=7",
            "/api/issues?q=" + new string('x', 2_000),
        })
        {
            using var response = await admin.GetAsync(query);
            Assert.True((int)response.StatusCode is 200 or (>= 400 and < 500), $"{query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            if (response.StatusCode != HttpStatusCode.OK)
            {
                await AssertProblemAsync(response, query);
            }
        }

        Assert.Equal(0, await a.Store.CountAsync(new RegisterQuery()));
        Assert.Empty(await a.Store.ListDirectoryAsync());
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, string what)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{what}: {(int)response.StatusCode} {text}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{what}: {(int)response.StatusCode} {response.Content.Headers.ContentType} {text}");
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        response.Dispose();
    }
}
