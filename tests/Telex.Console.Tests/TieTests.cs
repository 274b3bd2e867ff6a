using Microsoft.Playwright;

using Telex.TestKit;

using static Microsoft.Playwright.Assertions;

namespace Telex.Console.Tests;

/// <summary>Two admins tie their agencies through their consoles alone.</summary>
[Collection(SharedBrowser.Name)]
public sealed class TieTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_tie_is_created_through_both_consoles_and_its_fingerprint_confirmed()
    {
        await using var a = await TestAgency.StartAsync("Agency Alpha");
        await using var b = await TestAgency.StartAsync("Agency Bravo");
        await using var ada = await OfficerBrowser.SignInAsync(browser.Browser, a, "ada", Role.Admin);
        await using var ben = await OfficerBrowser.SignInAsync(browser.Browser, b, "ben", Role.Admin);

        // Ada invites: the code and its QR code are shown.
        await ada.Page.GotoAsync("/ties");
        await Expect(ada.Page.GetByTestId("network-peer")).ToHaveCountAsync(0);
        await ada.Page.GetByLabel("Note (who it is for, optional)").FillAsync("for Bravo");
        await ada.Page.GetByRole(AriaRole.Button, new() { Name = "Create an invitation" }).ClickAsync();
        string code = await ada.Page.GetByTestId("invitation-code").InputValueAsync();
        Assert.StartsWith(a.Url + "/didcomm?_oob=", code, StringComparison.Ordinal);
        var qr = ada.Page.GetByTestId("invitation-qr");
        await Expect(qr).ToBeVisibleAsync();
        Assert.True(await qr.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 100"));

        // Ben accepts it; the tie becomes established once Alpha answers, and his page follows live.
        await ben.Page.GotoAsync("/ties");
        await ben.Page.GetByLabel("Invitation code or link").FillAsync(code);
        await ben.Page.GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        await Expect(ben.Page.GetByRole(AriaRole.Heading, new() { Name = "Agency Alpha" })).ToBeVisibleAsync();
        await Expect(ben.Page.GetByTestId("tie-status")).ToHaveTextAsync("established");
        await Expect(ben.Page.GetByTestId("fingerprint-state")).ToHaveTextAsync("not confirmed");

        // Ada's network picture shows Bravo, tied but not yet confirmed, without a reload.
        var peer = ada.Page.GetByTestId("network-peer");
        await Expect(peer).ToHaveAttributeAsync("data-status", "established");
        await Expect(peer).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("unverified"));

        // Both read the same fingerprint and confirm it.
        await ada.Page.GetByRole(AriaRole.Link, new() { Name = "Agency Bravo" }).ClickAsync();
        string adaFingerprint = await ada.Page.GetByTestId("fingerprint").InnerTextAsync();
        string benFingerprint = await ben.Page.GetByTestId("fingerprint").InnerTextAsync();
        Assert.Equal(adaFingerprint, benFingerprint);
        Assert.Equal(a.Agency.Ties.FingerprintWith(b.Did), adaFingerprint);
        foreach (var officer in new[] { ada, ben })
        {
            await officer.Page.GetByRole(AriaRole.Button, new() { Name = "The fingerprints match: confirm" }).ClickAsync();
            await Expect(officer.Page.GetByTestId("fingerprint-state")).ToHaveTextAsync("confirmed");
        }

        Assert.True((await a.Store.Ties.GetTieAsync(b.Did))!.Verified);
        Assert.True((await b.Store.Ties.GetTieAsync(a.Did))!.Verified);
        await ada.Page.GotoAsync("/ties");
        await Expect(ada.Page.GetByTestId("network-peer")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("unverified"));
        await ada.ScreenshotAsync("network");

        // Suspending shows at both ends.
        await ada.Page.GetByRole(AriaRole.Link, new() { Name = "Agency Bravo" }).ClickAsync();
        await ada.Page.GetByRole(AriaRole.Button, new() { Name = "Suspend" }).ClickAsync();
        await Expect(ada.Page.GetByTestId("tie-status")).ToHaveTextAsync("suspended");
        await Expect(ben.Page.GetByTestId("tie-status")).ToHaveTextAsync("suspended");
    }
}
