using Microsoft.Playwright;

using Telex.Core.Model;
using Telex.TestKit;

using static Microsoft.Playwright.Assertions;

namespace Telex.Console.Tests;

/// <summary>The directory with its dossiers, and a bureau from its proposal to a bulletin, driven through the console.</summary>
[Collection(SharedBrowser.Name)]
public sealed class DirectoryBureauTests(BrowserFixture browser)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_directory_shows_an_untied_counterpart_and_a_dossier_note_added_in_the_console()
    {
        await using var a = await TestAgency.StartAsync("Agency Alpha");
        await using var b = await TestAgency.StartAsync("Agency Bravo");
        await TestAgency.TieAsync(a, b);
        await using var ada = await OfficerBrowser.SignInAsync(browser.Browser, a, "ada", Role.Admin);

        // Ada adds an agency Alpha has no tie with; the directory lists it beside the tied one.
        await ada.Page.GotoAsync("/directory");
        await ada.Page.GetByLabel("Name", new() { Exact = true }).FillAsync("Agency Delta");
        await ada.Page.GetByLabel("Endpoint (optional)").FillAsync("https://delta.example/didcomm");
        await ada.Page.GetByRole(AriaRole.Button, new() { Name = "Add to the directory" }).ClickAsync();
        var delta = ada.Page.GetByTestId("counterpart").Filter(new() { HasText = "Agency Delta" });
        await Expect(delta.GetByTestId("counterpart-tie")).ToHaveTextAsync("untied");
        await Expect(delta).ToContainTextAsync("https://delta.example/didcomm");
        await Expect(ada.Page.GetByTestId("counterpart").Filter(new() { HasText = "Agency Bravo" }).GetByTestId("counterpart-tie")).ToHaveTextAsync("established");

        // Her note is signed with her name and the time; marking the dossier reviewed records when.
        await ada.Page.GetByRole(AriaRole.Link, new() { Name = "Agency Delta" }).ClickAsync();
        await Expect(ada.Page.GetByTestId("reviewed")).ToHaveTextAsync("never");
        await ada.Page.GetByLabel("New note").FillAsync("Met their head of cables in Vienna; they prefer routine precedence.");
        await ada.Page.GetByRole(AriaRole.Button, new() { Name = "Add the note" }).ClickAsync();
        var note = ada.Page.GetByTestId("dossier-note");
        await Expect(note).ToContainTextAsync("Met their head of cables in Vienna");
        await Expect(note).ToContainTextAsync("ada");
        await ada.Page.GetByRole(AriaRole.Button, new() { Name = "Mark reviewed" }).ClickAsync();
        await Expect(ada.Page.GetByTestId("reviewed")).Not.ToHaveTextAsync("never");

        var stored = await a.Agency.GetCounterpartAsync("Agency Delta");
        var written = Assert.Single(stored.Entry!.Notes);
        Assert.Equal(("ada", "Met their head of cables in Vienna; they prefer routine precedence."), (written.Officer, written.Text));
        Assert.NotNull(stored.Entry.ReviewedAt);
        Assert.Equal(TieStatus.None, stored.TieStatus);

        // The network picture draws the untied counterpart beside the tie.
        await ada.Page.GotoAsync("/ties");
        await Expect(ada.Page.GetByTestId("network-untied")).ToHaveCountAsync(1);
        await Expect(ada.Page.GetByTestId("network-peer")).ToHaveCountAsync(1);

        await ada.Page.GotoAsync("/directory");
        await ada.ScreenshotAsync("directory");
    }

    [Fact]
    public async Task A_bureau_proposed_in_the_console_is_premature_until_tied_then_charters_and_a_bulletin_reaches_its_member()
    {
        await using var a = await TestAgency.StartAsync("Agency Alpha");
        await using var b = await TestAgency.StartAsync("Agency Bravo");
        await using var c = await TestAgency.StartAsync("Agency Charlie");
        await TestAgency.TieAsync(a, b);
        await a.Agency.AddToDirectoryAsync("Agency Charlie", c.Did, null, null);
        await using var ada = await OfficerBrowser.SignInAsync(browser.Browser, a, "ada", Role.Admin);

        // Ada proposes a bureau of Bravo (tied) and Charlie (not yet).
        await ada.Page.GotoAsync("/bureaus");
        await ada.Page.GetByLabel("Name", new() { Exact = true }).FillAsync("Northern Information Bureau");
        await ada.Page.GetByLabel("Purpose").FillAsync("Information on the harvest in each country");
        await ada.Page.GetByLabel("Agency Bravo").CheckAsync();
        await ada.Page.GetByLabel("Agency Charlie").CheckAsync();
        await ada.Page.GetByRole(AriaRole.Button, new() { Name = "Propose the bureau" }).ClickAsync();
        await Expect(ada.Page.GetByRole(AriaRole.Heading, new() { Name = "Northern Information Bureau" })).ToBeVisibleAsync();
        await Expect(ada.Page.GetByTestId("readiness")).ToHaveTextAsync("premature: ties with 1 of 2");
        await Expect(ada.Page.GetByTestId("missing")).ToHaveTextAsync("Agency Charlie");
        var bureau = Assert.Single(await a.Store.ListBureausAsync());

        // Chartering is refused while it is premature, with the reason, and nothing changes.
        await ada.Page.GetByRole(AriaRole.Button, new() { Name = "Charter the bureau" }).ClickAsync();
        await Expect(ada.Page.GetByTestId("error")).ToContainTextAsync("premature: ties with 1 of 2; missing: ");
        await Expect(ada.Page.GetByTestId("bureau-status")).ToHaveTextAsync("proposed");
        Assert.Equal(BureauStatus.Proposed, (await a.Store.GetBureauAsync(bureau.Id))!.Status);

        // Once Alpha is tied with Charlie too, the bureau is ready and charters.
        await TestAgency.TieAsync(a, c);
        await ada.Page.GotoAsync($"/bureaus/{bureau.Id}");
        await Expect(ada.Page.GetByTestId("readiness")).ToHaveTextAsync("ready: ties with 2 of 2");
        await ada.Page.GetByRole(AriaRole.Button, new() { Name = "Charter the bureau" }).ClickAsync();
        await Expect(ada.Page.GetByTestId("bureau-status")).ToHaveTextAsync("chartered");

        // Bravo's admin accepts the charter in Bravo's console; the secretariat (Alpha) opens an epoch with Bravo.
        await Eventually.UntilAsync(() => b.Store.GetBureauAsync(bureau.Id), x => x?.Status == BureauStatus.Chartered, Deadline, "Bravo holds the charter");
        await using var ben = await OfficerBrowser.SignInAsync(browser.Browser, b, "ben", Role.Admin);
        await ben.Page.GotoAsync($"/bureaus/{bureau.Id}");
        await ben.Page.GetByRole(AriaRole.Button, new() { Name = "Accept the charter" }).ClickAsync();
        await Expect(ben.Page.GetByTestId("my-state")).Not.ToHaveTextAsync("prospective");
        var founder = await Eventually.UntilAsync(async () =>
            {
                var held = await a.Store.GetBureauAsync(bureau.Id);
                return held is null ? null : await a.Store.GetBureauEpochAsync(bureau.Id, held.Epoch);
            }, e => e?.Includes(b.Did) == true, Deadline, "Alpha's current epoch includes Bravo");

        // Ada writes a bulletin to the bureau from the compose page; it reaches Bravo, marked with the bureau and epoch.
        await ada.Page.GotoAsync("/compose");
        await ada.Page.GetByLabel("To", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "bureau Northern Information Bureau" });
        await ada.Page.GetByLabel("Subject", new() { Exact = true }).FillAsync("Harvest figures, first week");
        await ada.Page.GetByLabel("Text", new() { Exact = true }).FillAsync("Figures for the first week follow by mail.");
        await ada.Page.GetByRole(AriaRole.Button, new() { Name = "Release" }).ClickAsync();
        await Expect(ada.Page.Locator("p.notice")).ToContainTextAsync("Bulletin released to 1 member(s) of Northern Information Bureau");
        var received = await Eventually.UntilAsync(() => b.Store.QueryAsync(new() { Direction = Direction.Inbound }),
            list => list.Any(t => t.Subject == "Harvest figures, first week"), Deadline, "Bravo registers the bulletin");
        var bulletin = received.Single(t => t.Subject == "Harvest figures, first week");
        Assert.Equal((bureau.Id, founder!.Number), (bulletin.BureauId, bulletin.BureauEpoch));
        Assert.Equal(a.Did, bulletin.Counterpart);

        // Bravo's telegram page names the bureau and epoch.
        await ben.Page.GotoAsync($"/telegrams/{bulletin.Id}?direction=inbound");
        await Expect(ben.Page.GetByTestId("telegram-bureau")).ToHaveTextAsync($"Northern Information Bureau, epoch {founder.Number}");

        await ada.Page.GotoAsync($"/bureaus/{bureau.Id}");
        await Expect(ada.Page.GetByTestId("bureau-epoch-row")).ToHaveCountAsync((int)founder.Number);
        await ada.ScreenshotAsync("bureau");
    }

    [Fact]
    public async Task A_clerk_cannot_reach_the_bureau_proposal_or_the_directory_edits()
    {
        await using var a = await TestAgency.StartAsync("Agency Alpha");
        await using var b = await TestAgency.StartAsync("Agency Bravo");
        await TestAgency.TieAsync(a, b);
        await using var clerk = await OfficerBrowser.SignInAsync(browser.Browser, a, "clara", Role.Clerk);

        // The pages read fine but show no editing forms.
        await clerk.Page.GotoAsync("/directory");
        await Expect(clerk.Page.GetByTestId("counterpart")).ToHaveCountAsync(1);
        await Expect(clerk.Page.GetByRole(AriaRole.Button, new() { Name = "Add to the directory" })).ToHaveCountAsync(0);
        await Expect(clerk.Page.GetByRole(AriaRole.Button, new() { Name = "Allow relaying" })).ToHaveCountAsync(0);
        string token = await clerk.Page.Locator("input[name=__RequestVerificationToken]").First.InputValueAsync();
        await clerk.Page.GotoAsync("/bureaus");
        await Expect(clerk.Page.GetByRole(AriaRole.Button, new() { Name = "Propose the bureau" })).ToHaveCountAsync(0);

        // Posting the forms anyway, with a valid CSRF token, is refused and changes nothing.
        var request = clerk.Page.APIRequest;
        var add = await request.PostAsync("/directory?handler=Add", new() { Form = request.CreateFormData().Set("__RequestVerificationToken", token).Set("name", "Agency Delta") });
        Assert.Equal(403, add.Status);
        var relay = await request.PostAsync("/directory?handler=Relay",
            new() { Form = request.CreateFormData().Set("__RequestVerificationToken", token).Set("a", b.Did).Set("b", b.Did).Set("change", "allow") });
        Assert.Equal(403, relay.Status);
        var note = await request.PostAsync("/directory/counterpart?handler=Note&c=" + Uri.EscapeDataString(b.Did),
            new() { Form = request.CreateFormData().Set("__RequestVerificationToken", token).Set("text", "a clerk's note") });
        Assert.Equal(403, note.Status);
        var propose = await request.PostAsync("/bureaus?handler=Propose",
            new() { Form = request.CreateFormData().Set("__RequestVerificationToken", token).Set("name", "Clerks' bureau").Set("purpose", "none").Set("members", b.Did) });
        Assert.Equal(403, propose.Status);

        Assert.Single(await a.Agency.ListDirectoryAsync());
        Assert.Empty(await a.Store.ListBureausAsync());
        Assert.Null((await a.Agency.GetCounterpartAsync(b.Did)).Entry);
    }
}
