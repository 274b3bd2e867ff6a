using Microsoft.Playwright;

using Telex.TestKit;

using static Microsoft.Playwright.Assertions;

namespace Telex.Console.Tests;

/// <summary>The officers page: each officer's actions, the refusal that keeps an enabled admin, and the administration history.</summary>
[Collection(SharedBrowser.Name)]
public sealed class OfficerAdministrationTests(BrowserFixture browser) : IAsyncLifetime
{
    private TestAgency _a = null!;

    public async Task InitializeAsync() => _a = await TestAgency.StartAsync("Agency Alpha");

    public async Task DisposeAsync() => await _a.DisposeAsync();

    private static ILocator Row(IPage page, string officer) => page.Locator($"tr[data-officer='{officer}']");

    [Fact]
    public async Task An_admin_resets_disables_promotes_and_removes_officers_from_their_rows_and_reads_the_history()
    {
        await using var ada = await OfficerBrowser.SignInAsync(browser.Browser, _a, "ada", Role.Admin);
        await using var kovalev = await OfficerBrowser.SignInAsync(browser.Browser, _a, "kovalev", Role.Clerk);
        var page = ada.Page;
        await page.GotoAsync("/officers");

        // A reset shows the one-time password once, and kovalev's open session ends.
        await Row(page, "kovalev").GetByRole(AriaRole.Button, new() { Name = "Reset password" }).ClickAsync();
        await Expect(page.GetByTestId("one-time-password")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"\S{8,}"));
        await Expect(Row(page, "kovalev").GetByTestId("officer-state")).ToHaveTextAsync("must change password");
        await kovalev.Page.GotoAsync("/");
        Assert.Contains("/sign-in", kovalev.Page.Url, StringComparison.Ordinal);

        await Row(page, "kovalev").GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await Expect(page.Locator("p.notice")).ToHaveTextAsync("kovalev is disabled; their sessions have ended.");
        await Expect(Row(page, "kovalev").GetByTestId("officer-state")).ToHaveTextAsync("disabled");

        await Row(page, "kovalev").GetByLabel("Role of kovalev").SelectOptionAsync("Admin");
        await Row(page, "kovalev").GetByRole(AriaRole.Button, new() { Name = "Change role" }).ClickAsync();
        await Expect(page.Locator("p.notice")).ToHaveTextAsync("kovalev is now admin.");
        Assert.Equal(Role.Admin, (await _a.Store.Officers.FindOfficerAsync("kovalev"))!.Role);

        // kovalev is an admin but disabled: ada is still the last enabled admin, and the page says why she stays.
        await Row(page, "ada").GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await Expect(page.GetByTestId("error")).ToContainTextAsync("ada is the agency's last enabled admin");
        Assert.NotNull(await _a.Store.Officers.FindOfficerAsync("ada"));

        await Row(page, "kovalev").GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await Expect(page.Locator("p.notice")).ToHaveTextAsync("kovalev is removed.");
        await Expect(Row(page, "kovalev")).ToHaveCountAsync(0);

        var history = page.GetByTestId("officer-event");
        await Expect(history).ToHaveCountAsync(4);
        await Expect(history.Nth(0)).ToContainTextAsync("kovalev removed");
        await Expect(history.Nth(1)).ToContainTextAsync("kovalev: role changed from clerk to admin");
        await Expect(history.Nth(2)).ToContainTextAsync("kovalev disabled");
        await Expect(history.Nth(3)).ToContainTextAsync("kovalev: password reset");
        await Expect(history.Nth(3)).ToContainTextAsync("ada");
    }

    [Fact]
    public async Task A_lockout_shows_at_once_on_an_admins_open_officers_page_and_the_admin_unlocks_it()
    {
        await using var ada = await OfficerBrowser.SignInAsync(browser.Browser, _a, "ada", Role.Admin);
        await OfficerBrowser.AddAsync(_a, "carl", Role.Clerk, "the right password");
        await using var carl = await OfficerBrowser.OpenAsync(browser.Browser, _a, "carl");
        await ada.Page.GotoAsync("/officers");
        await Expect(Row(ada.Page, "carl").GetByTestId("officer-state")).ToHaveTextAsync("active");
        for (int i = 0; i < new Telex.Core.ApiOptions().MaxFailedSignIns; i++)
        {
            await carl.SubmitSignInAsync("a wrong password");
        }

        await Expect(carl.Page.GetByTestId("error")).ToContainTextAsync("try again after");

        // The admin's open page learns of it live, from the event stream, without a reload.
        await Expect(Row(ada.Page, "carl").GetByTestId("officer-state")).ToContainTextAsync("locked out until");
        await Expect(ada.Page.GetByTestId("officer-event").First).ToContainTextAsync("carl locked out after failed sign-ins until");

        await ada.Page.ReloadAsync();
        await Row(ada.Page, "carl").GetByRole(AriaRole.Button, new() { Name = "Unlock" }).ClickAsync();
        await Expect(Row(ada.Page, "carl").GetByTestId("officer-state")).ToHaveTextAsync("active");
        await carl.SubmitSignInAsync("the right password");
        await Expect(carl.Page.GetByTestId("officer")).ToHaveTextAsync("carl");
    }

    [Fact]
    public async Task A_clerk_posting_an_officer_action_with_a_valid_form_token_is_refused_and_nothing_changes()
    {
        await using var ada = await OfficerBrowser.SignInAsync(browser.Browser, _a, "ada", Role.Admin);
        await using var clerk = await OfficerBrowser.SignInAsync(browser.Browser, _a, "clara", Role.Clerk);
        await clerk.Page.GotoAsync("/");
        string token = await clerk.Page.Locator("input[name=__RequestVerificationToken]").First.InputValueAsync();
        long head = (await _a.Store.Register.GetRegisterHeadAsync()).Count;

        foreach (string handler in new[] { "Reset", "Disable", "Remove", "Role" })
        {
            var form = clerk.Page.APIRequest.CreateFormData().Set("__RequestVerificationToken", token).Set("name", "ada").Set("role", "Clerk");
            var post = await clerk.Page.APIRequest.PostAsync($"/officers?handler={handler}", new() { Form = form });
            Assert.Equal(403, post.Status);
        }

        var adaNow = (await _a.Store.Officers.FindOfficerAsync("ada"))!;
        Assert.Equal((Role.Admin, false), (adaNow.Role, adaNow.Disabled));
        Assert.Equal(head, (await _a.Store.Register.GetRegisterHeadAsync()).Count);
    }
}
