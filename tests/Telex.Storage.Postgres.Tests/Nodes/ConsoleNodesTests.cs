using System.Net;
using System.Text.RegularExpressions;

using Telex.Core.Model;
using Telex.Core.Security;
using Telex.TestKit;

namespace Telex.Storage.Postgres.Tests.Nodes;

/// <summary>
/// The console of one agency run as two <c>telex serve</c> processes on one PostgreSQL database, reached without sticky
/// sessions: a form rendered by one node is accepted by the other, and the session it opens holds on both. The nodes run
/// as different accounts would, each with a home folder of its own, so only a key ring kept in the agency's store can
/// make one node's CSRF token good on the other.
/// </summary>
public sealed partial class ConsoleNodesTests : DatabaseProcessTests
{
    [Fact]
    public async Task A_sign_in_form_rendered_by_one_node_is_accepted_by_the_other_and_the_session_holds_on_both()
    {
        string homes = Path.Combine(Path.GetTempPath(), "telex-homes-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var init = await AgencyProcess.InitNodeAsync("Alpha", "http://127.0.0.1:9/didcomm", PostgresEnvironment, "Delivery:NodeId=node-1");
            await using var first = init.WithEnvironment("HOME", Directory.CreateDirectory(Path.Combine(homes, "one")).FullName);
            await using var second = init.AnotherNode("Delivery:NodeId=node-2")
                .WithEnvironment("HOME", Directory.CreateDirectory(Path.Combine(homes, "two")).FullName);
            await first.StartAsync();
            await second.StartAsync();
            await using (var store = new PostgresStore(Database.ConnectionString))
            {
                Assert.True(await store.Officers.AddOfficerAsync(new Officer(Name: "ada", Role: Role.Admin,
                    PasswordHash: PasswordHasher.Hash("correct horse ada"), CreatedAt: DateTimeOffset.UtcNow)));
            }

            using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false });
            string form = await browser.GetStringAsync(new Uri($"http://127.0.0.1:{first.Port}/sign-in"));
            string token = CsrfToken().Match(form).Groups[1].Value;
            Assert.NotEmpty(token);

            using var signIn = await browser.PostAsync(new Uri($"http://127.0.0.1:{second.Port}/sign-in"), new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token,
                ["returnUrl"] = "",
                ["name"] = "ada",
                ["password"] = "correct horse ada",
            }));

            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
            Assert.Contains(signIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("telex_session_", StringComparison.Ordinal));
            foreach (var node in new[] { first, second })
            {
                using var desk = await browser.GetAsync(new Uri($"http://127.0.0.1:{node.Port}/"));
                Assert.Equal(HttpStatusCode.OK, desk.StatusCode);
            }

            // The ring is the agency's, in its database: neither node wrote one in its home folder.
            Assert.Empty(Directory.EnumerateFiles(homes, "*", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(homes, recursive: true);
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfToken();
}
