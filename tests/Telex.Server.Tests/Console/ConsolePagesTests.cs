using System.Net;

using Microsoft.Extensions.DependencyInjection;

using Telex.Server.Console;
using Telex.TestKit;

namespace Telex.Server.Tests.Console;

/// <summary>
/// The console's pages are built at the first request for a console path, not at start: an agency driven only through
/// its API and its peers never pays their memory. Access rules stay what they were on either side of that moment.
/// </summary>
public sealed class ConsolePagesTests
{
    [Fact]
    public async Task The_pages_are_built_by_the_first_console_request_and_the_access_rules_hold_before_and_after()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        var pages = a.Services.GetRequiredService<ConsolePages>();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(a.Url) };

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/agency")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/no-such-thing")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/console/console.css")).StatusCode);
        Assert.False(pages.IsBuilt, "a request that is not for a page built the pages");

        // A page that needs an officer sends an anonymous visitor to sign in; so does a path no page has.
        using var desk = await client.GetAsync("/");
        Assert.True(pages.IsBuilt);
        Assert.Equal(HttpStatusCode.Redirect, desk.StatusCode);
        Assert.StartsWith("/sign-in", desk.Headers.Location!.OriginalString, StringComparison.Ordinal);
        using var nowhere = await client.GetAsync("/no-such-page");
        Assert.Equal(HttpStatusCode.Redirect, nowhere.StatusCode);
        Assert.StartsWith("/sign-in", nowhere.Headers.Location!.OriginalString, StringComparison.Ordinal);

        // The sign-in page is open to anyone, with the console's headers and its CSRF token.
        using var signIn = await client.GetAsync("/sign-in");
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.True(signIn.Headers.Contains("Content-Security-Policy"));
        Assert.Contains("__RequestVerificationToken", await signIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/agency")).StatusCode);
    }
}
