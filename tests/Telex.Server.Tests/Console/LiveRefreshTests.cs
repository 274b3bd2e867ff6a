using Telex.Server.Tests.Api;
using Telex.TestKit;

namespace Telex.Server.Tests.Console;

/// <summary>
/// A notice the console carries over a redirect lives in the TempData cookie. The live-update script fetches the page
/// again when the agency reports an event — often while the officer's action is still answering — so such a refresh must
/// never write that cookie: its answer could land between the action and the redirect and delete the notice.
/// </summary>
public sealed class LiveRefreshTests
{
    private const string NoticeCookie = ".AspNetCore.Mvc.CookieTempDataProvider";

    [Fact]
    public async Task A_live_refresh_leaves_the_notice_cookie_alone_where_a_page_load_spends_it()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await ApiClient.AddOfficerAsync(a.Store, "ada", Role.Admin);
        var console = await ConsoleSession.SignInAsync(a.Url, "ada", ApiClient.Password);
        int port = new Uri(a.Url).Port;
        string cookies = $"Cookie: {console.CookieHeader}; {NoticeCookie}=left-by-an-earlier-answer\r\n";

        var (liveStatus, live) = await ConsoleSession.RawAsync(port, "GET", "/officers", cookies + "X-Telex-Live: 1\r\n");
        var (loadStatus, load) = await ConsoleSession.RawAsync(port, "GET", "/officers", cookies);

        Assert.Equal(200, liveStatus);
        Assert.Equal(200, loadStatus);
        Assert.DoesNotContain(SetCookies(live), c => c.Contains(NoticeCookie, StringComparison.Ordinal));
        Assert.Contains(SetCookies(load), c => c.Contains(NoticeCookie, StringComparison.Ordinal));
    }

    private static string[] SetCookies(string answer) =>
        answer[..answer.IndexOf("\r\n\r\n", StringComparison.Ordinal)].Split("\r\n")
            .Where(l => l.StartsWith("Set-Cookie:", StringComparison.OrdinalIgnoreCase)).ToArray();
}
