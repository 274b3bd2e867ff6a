using System.Net;

using Microsoft.Playwright;

using Telex.TestKit;

using static Microsoft.Playwright.Assertions;

namespace Telex.Console.Tests;

/// <summary>Who gets in, who sees what, and what protects the pages.</summary>
[Collection(SharedBrowser.Name)]
public sealed class AccessTests(BrowserFixture browser) : IAsyncLifetime
{
    private TestAgency _a = null!;

    public async Task InitializeAsync() => _a = await TestAgency.StartAsync("Agency Alpha");

    public async Task DisposeAsync() => await _a.DisposeAsync();

    [Fact]
    public async Task A_wrong_password_is_refused_and_repeated_failures_lock_the_officer_out()
    {
        await OfficerBrowser.AddAsync(_a, "carl", Role.Clerk, "the right password");
        await using var carl = await OfficerBrowser.OpenAsync(browser.Browser, _a, "carl");

        await carl.SubmitSignInAsync("a wrong password");
        await Expect(carl.Page.GetByTestId("error")).ToHaveTextAsync("Wrong name or password.");
        await Expect(carl.Page.GetByTestId("officer")).ToHaveCountAsync(0);
        await carl.Page.GotoAsync("/");
        Assert.EndsWith("/sign-in", carl.Page.Url, StringComparison.Ordinal);

        // The API's lockout applies: after as many failures as it allows, even the right password is refused.
        for (int i = 2; i < new Telex.Core.ApiOptions().MaxFailedSignIns; i++)
        {
            await carl.SubmitSignInAsync("another wrong password");
            await Expect(carl.Page.GetByTestId("error")).ToHaveTextAsync("Wrong name or password.");
        }

        // The failure that locks says so, and when to try again.
        await carl.SubmitSignInAsync("another wrong password");
        var until = (await _a.Store.Officers.FindOfficerAsync("carl"))!.LockedUntil!.Value;
        await Expect(carl.Page.GetByTestId("error")).ToContainTextAsync($"Too many failed sign-ins: try again after {until.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC");
        await carl.SubmitSignInAsync("the right password");
        await Expect(carl.Page.GetByTestId("error")).ToContainTextAsync("Too many failed sign-ins");
    }

    [Fact]
    public async Task A_clerk_cannot_reach_admin_pages_or_actions()
    {
        await using var clerk = await OfficerBrowser.SignInAsync(browser.Browser, _a, "clara", Role.Clerk);
        await Expect(clerk.Page.GetByRole(AriaRole.Link, new() { Name = "Officers" })).ToHaveCountAsync(0);

        var response = await clerk.Page.GotoAsync("/officers");
        Assert.Equal(403, response!.Status);
        await Expect(clerk.Page.GetByRole(AriaRole.Heading, new() { Name = "Not allowed" })).ToBeVisibleAsync();
        await Expect(clerk.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Your role (clerk) does not allow");

        // A page for something that does not exist says so, in the console.
        var missing = await clerk.Page.GotoAsync("/issues/no-such-issue");
        Assert.Equal(404, missing!.Status);
        await Expect(clerk.Page.GetByRole(AriaRole.Heading, new() { Name = "Not found" })).ToBeVisibleAsync();

        // The ties page shows no invitation form to a clerk, and posting one anyway (with a valid CSRF token) is refused.
        await clerk.Page.GotoAsync("/ties");
        await Expect(clerk.Page.GetByRole(AriaRole.Button, new() { Name = "Create an invitation" })).ToHaveCountAsync(0);
        string token = await clerk.Page.Locator("input[name=__RequestVerificationToken]").First.InputValueAsync();
        var post = await clerk.Page.APIRequest.PostAsync("/ties?handler=Invite", new() { Form = FormWith(clerk.Page.APIRequest, token) });
        Assert.Equal(403, post.Status);

        // Signing out ends the session: the desk asks for a sign-in again.
        await clerk.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(clerk.Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to Agency Alpha" })).ToBeVisibleAsync();
        await clerk.Page.GotoAsync("/");
        Assert.Contains("/sign-in", clerk.Page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_carry_security_headers_and_forms_need_their_CSRF_token()
    {
        await using var admin = await OfficerBrowser.SignInAsync(browser.Browser, _a, "ada", Role.Admin);
        var page = await admin.Page.GotoAsync("/");
        var headers = await page!.AllHeadersAsync();
        Assert.Contains("script-src 'self'", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Equal("DENY", headers["x-frame-options"]);
        Assert.Equal("no-store", headers["cache-control"]);
        Assert.Equal("nosniff", headers["x-content-type-options"]);

        var cookies = await admin.Context.CookiesAsync();
        var session = Assert.Single(cookies, c => c.Name.StartsWith("telex_session_", StringComparison.Ordinal));
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, session.SameSite);

        // A form posted without its token is refused and changes nothing.
        var forged = await admin.Page.APIRequest.PostAsync("/officers", new() { Form = FormWith(admin.Page.APIRequest, null).Set("name", "mallory").Set("role", "Admin") });
        Assert.Equal(400, forged.Status);
        Assert.Contains("Not accepted", await forged.TextAsync(), StringComparison.Ordinal);
        Assert.Null(await _a.Store.Officers.FindOfficerAsync("mallory"));

        // The API does not accept the console's cookie.
        var api = await admin.Page.APIRequest.GetAsync("/api/ties");
        Assert.Equal((int)HttpStatusCode.Unauthorized, api.Status);
    }

    [Fact]
    public async Task A_page_of_another_origin_frames_the_health_check_but_not_the_console()
    {
        await using var admin = await OfficerBrowser.SignInAsync(browser.Browser, _a, "ada", Role.Admin);

        // A page elsewhere frames the signed-in console and, for comparison, the agency's health check (not a
        // console page, so framing it is not forbidden). Both frames finish loading before anything is looked at.
        var framer = await admin.Context.NewPageAsync();
        await framer.SetContentAsync($"""
            <iframe id="console" src="{_a.Url}/"></iframe>
            <iframe id="health" src="{_a.Url}/health"></iframe>
            """, new() { WaitUntil = WaitUntilState.Load });

        var health = await (await framer.QuerySelectorAsync("#health"))!.ContentFrameAsync();
        await Expect(health!.Locator("body")).ToContainTextAsync(_a.Identity.Name);
        // The console frame is the browser's own error page (blocked by the response), showing nothing of the
        // console. Layers hold it: frame-ancestors 'none' and X-Frame-Options DENY (asserted above, header by header),
        // and on pages with forms the antiforgery's own X-Frame-Options SAMEORIGIN.
        var console = await (await framer.QuerySelectorAsync("#console"))!.ContentFrameAsync();
        Assert.NotNull(console);
        Assert.DoesNotContain(_a.Url, console!.Url, StringComparison.Ordinal);
        Assert.Empty(await console.QuerySelectorAllAsync("[data-testid=officer]"));
        Assert.Empty(await console.QuerySelectorAllAsync("input[name=password]"));
    }

    // Browsers keep cookies per host, not per port: with one cookie name for every agency, signing in to a second
    // agency on the same host signed the officer out of the first, and a form rendered by one was refused by the other.
    [Fact]
    public async Task Two_agencies_on_one_host_keep_their_own_sessions_and_form_tokens_in_one_browser()
    {
        await using var bravo = await TestAgency.StartAsync("Agency Bravo");
        Assert.Equal(new Uri(_a.Url).Host, new Uri(bravo.Url).Host);
        await using var ada = await OfficerBrowser.SignInAsync(browser.Browser, _a, "ada", Role.Admin);
        var atAlpha = ada.Page;
        await atAlpha.GotoAsync("/officers");

        // The same browser signs in to Bravo in another tab and renders a form there.
        await OfficerBrowser.AddAsync(bravo, "bea", Role.Admin, "correct horse bea");
        var atBravo = await ada.Context.NewPageAsync();
        await atBravo.GotoAsync(bravo.Url + "/sign-in");
        await atBravo.GetByLabel("Officer name").FillAsync("bea");
        await atBravo.GetByLabel("Password").FillAsync("correct horse bea");
        await atBravo.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(atBravo.GetByTestId("officer")).ToHaveTextAsync("bea");
        await atBravo.GotoAsync(bravo.Url + "/officers");

        // Alpha's form, rendered before, is still accepted, and Alpha's session is still ada's.
        await atAlpha.GetByLabel("Name (a-z, 0-9, . _ -)").FillAsync("ben");
        await atAlpha.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        await Expect(atAlpha.GetByTestId("one-time-password")).ToBeVisibleAsync();
        Assert.NotNull(await _a.Store.Officers.FindOfficerAsync("ben"));
        Assert.Null(await bravo.Store.Officers.FindOfficerAsync("ben"));
        await atAlpha.GotoAsync("/");
        await Expect(atAlpha.GetByTestId("officer")).ToHaveTextAsync("ada");

        // And Bravo's, the other way round.
        await atBravo.GetByLabel("Name (a-z, 0-9, . _ -)").FillAsync("bob");
        await atBravo.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        await Expect(atBravo.GetByTestId("one-time-password")).ToBeVisibleAsync();
        Assert.NotNull(await bravo.Store.Officers.FindOfficerAsync("bob"));
        await atBravo.GotoAsync(bravo.Url + "/");
        await Expect(atBravo.GetByTestId("officer")).ToHaveTextAsync("bea");

        var names = (await ada.Context.CookiesAsync()).Select(c => c.Name).ToList();
        Assert.Equal(2, names.Count(n => n.StartsWith("telex_session_", StringComparison.Ordinal)));
        Assert.Equal(2, names.Count(n => n.StartsWith("telex_csrf_", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_desk_is_keyboard_reachable_and_fits_a_narrow_screen()
    {
        await using var clerk = await OfficerBrowser.SignInAsync(browser.Browser, _a, "clara", Role.Clerk, width: 360, height: 740);
        await clerk.Page.GotoAsync("/");
        await clerk.Page.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to content", await clerk.Page.EvaluateAsync<string>("() => document.activeElement.textContent"));
        Assert.Equal("", await clerk.Page.EvaluateAsync<string>(Overflowing));

        // Every form control on the compose page has a label.
        await clerk.Page.GotoAsync("/compose");
        Assert.Equal(0, await clerk.Page.EvaluateAsync<int>(
            "() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')].filter(e => e.labels.length === 0).length"));
    }

    /// <summary>The elements wider than the window, if any (empty when the page fits).</summary>
    private const string Overflowing = """
        () => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ':' + Math.round(e.getBoundingClientRect().right))
            .join(' ')
        """;

    private static IFormData FormWith(IAPIRequestContext request, string? token)
    {
        var form = request.CreateFormData();
        if (token is not null)
        {
            form.Set("__RequestVerificationToken", token);
        }

        return form;
    }
}
