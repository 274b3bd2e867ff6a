using Microsoft.Playwright;

using Telex.TestKit;

using static Microsoft.Playwright.Assertions;

namespace Telex.Console.Tests;

/// <summary>The directory with its dossiers, and a bureau from its proposal to a bulletin, driven through the console.</summary>
[Collection(SharedBrowser.Name)]
public sealed class DirectoryBureauTests(BrowserFixture browser)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>The page itself never scrolls sideways (wide tables scroll inside their own box).</summary>
    private const string FitsTheScreen = "() => document.documentElement.scrollWidth <= window.innerWidth";

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

        var stored = await a.Agency.Directory.GetCounterpartAsync("Agency Delta");
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
        await a.Agency.Directory.AddToDirectoryAsync("Agency Charlie", c.Did, null, null);
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
        var bureau = Assert.Single(await a.Store.Bureaus.ListBureausAsync());

        // Chartering is refused while it is premature, with the reason, and nothing changes.
        await ada.Page.GetByRole(AriaRole.Button, new() { Name = "Charter the bureau" }).ClickAsync();
        await Expect(ada.Page.GetByTestId("error")).ToContainTextAsync("premature: ties with 1 of 2; missing: ");
        await Expect(ada.Page.GetByTestId("bureau-status")).ToHaveTextAsync("proposed");
        Assert.Equal(BureauStatus.Proposed, (await a.Store.Bureaus.GetBureauAsync(bureau.Id))!.Status);

        // Once Alpha is tied with Charlie too, the bureau is ready and charters.
        await TestAgency.TieAsync(a, c);
        await ada.Page.GotoAsync($"/bureaus/{bureau.Id}");
        await Expect(ada.Page.GetByTestId("readiness")).ToHaveTextAsync("ready: ties with 2 of 2");
        await ada.Page.GetByRole(AriaRole.Button, new() { Name = "Charter the bureau" }).ClickAsync();
        await Expect(ada.Page.GetByTestId("bureau-status")).ToHaveTextAsync("chartered");

        // Bravo's admin accepts the charter in Bravo's console; the secretariat (Alpha) opens an epoch with Bravo.
        await Eventually.UntilAsync(() => b.Store.Bureaus.GetBureauAsync(bureau.Id), x => x?.Status == BureauStatus.Chartered, Deadline, "Bravo holds the charter");
        await using var ben = await OfficerBrowser.SignInAsync(browser.Browser, b, "ben", Role.Admin);
        await ben.Page.GotoAsync($"/bureaus/{bureau.Id}");
        await ben.Page.GetByRole(AriaRole.Button, new() { Name = "Accept the charter" }).ClickAsync();
        await Expect(ben.Page.GetByTestId("my-state")).Not.ToHaveTextAsync("prospective");
        var founder = await Eventually.UntilAsync(async () =>
            {
                var held = await a.Store.Bureaus.GetBureauAsync(bureau.Id);
                return held is null ? null : await a.Store.Bureaus.GetBureauEpochAsync(bureau.Id, held.Epoch);
            }, e => e?.Includes(b.Did) == true, Deadline, "Alpha's current epoch includes Bravo");

        // Ada writes a bulletin to the bureau from the compose page; it reaches Bravo, marked with the bureau and epoch.
        await ada.Page.GotoAsync("/compose");
        await ada.Page.GetByLabel("To", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "bureau Northern Information Bureau" });
        await ada.Page.GetByLabel("Subject", new() { Exact = true }).FillAsync("Harvest figures, first week");
        await ada.Page.GetByLabel("Text", new() { Exact = true }).FillAsync("Figures for the first week follow by mail.");
        await ada.Page.GetByRole(AriaRole.Button, new() { Name = "Release" }).ClickAsync();
        await Expect(ada.Page.Locator("p.notice")).ToContainTextAsync("Bulletin released to 1 member(s) of Northern Information Bureau");
        var received = await Eventually.UntilAsync(() => b.Store.Register.QueryAsync(new() { Direction = Direction.Inbound }),
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
    public async Task A_relay_pair_allowed_in_the_console_carries_a_telegram_composed_via_the_relay_and_the_path_is_shown()
    {
        await using var a = await TestAgency.StartAsync("Agency Alpha");
        await using var r = await TestAgency.StartAsync("Relay Agency");
        await using var b = await TestAgency.StartAsync("Agency Bravo");
        await TestAgency.TieAsync(r, a);
        await TestAgency.TieAsync(r, b);
        await PermitRelaysAsync(a, r);
        await PermitRelaysAsync(b, r);
        await a.Agency.Directory.AddToDirectoryAsync("Agency Bravo", b.Did, null, null);

        // The relay's admin allows the pair in the directory page; the network picture draws it.
        await using var rita = await OfficerBrowser.SignInAsync(browser.Browser, r, "rita", Role.Admin);
        await rita.Page.GotoAsync("/directory");
        await Expect(rita.Page.GetByTestId("relay-none")).ToBeVisibleAsync();
        await rita.Page.GetByLabel("Between").SelectOptionAsync(new SelectOptionValue { Label = "Agency Alpha" });
        await rita.Page.GetByLabel("and", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Agency Bravo" });
        await rita.Page.GetByRole(AriaRole.Button, new() { Name = "Allow relaying" }).ClickAsync();
        await Expect(rita.Page.GetByTestId("relay-pair")).ToContainTextAsync("Agency Alpha ↔ Agency Bravo");
        Assert.True((await r.Agency.Relays.GetPolicyAsync()).Names(a.Did, b.Did));
        await rita.Page.GotoAsync("/ties");
        await Expect(rita.Page.GetByTestId("network-relay")).ToHaveCountAsync(1);

        // Alpha's releasing officer writes to Bravo, untied, naming the relay.
        await using var alice = await OfficerBrowser.SignInAsync(browser.Browser, a, "alice", Role.ReleasingOfficer);
        await alice.Page.GotoAsync("/compose");
        await alice.Page.GetByLabel("To", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Agency Bravo (through a relay)" });
        await alice.Page.GetByLabel("Via (a relay, optional)").SelectOptionAsync(new SelectOptionValue { Label = "Relay Agency" });
        await alice.Page.GetByLabel("Subject", new() { Exact = true }).FillAsync("Through the relay");
        await alice.Page.GetByLabel("Text", new() { Exact = true }).FillAsync("Relayed text.");
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Release" }).ClickAsync();
        await Expect(alice.Page.GetByTestId("relay-path")).ToHaveTextAsync("Relay Agency");

        var received = await Eventually.UntilAsync(() => b.Store.Register.QueryAsync(new() { Direction = Direction.Inbound }),
            list => list.Any(t => t.Subject == "Through the relay"), Deadline, "Bravo registers the relayed telegram");
        var relayed = Assert.Single(received);
        Assert.Equal(a.Did, relayed.Counterpart);
        Assert.Equal([r.Did], relayed.RelayPath);
    }

    /// <summary><paramref name="proposer"/> proposes terms permitting relays and <paramref name="signer"/> signs them.</summary>
    internal static async Task PermitRelaysAsync(TestAgency proposer, TestAgency signer)
    {
        var tie = await proposer.Store.Ties.GetTieAsync(signer.Did);
        await proposer.Agency.Ties.ProposeTermsAsync(signer.Did, tie!.Terms with { Version = tie.Terms.Version + 1, Relays = true });
        await Eventually.UntilAsync(() => signer.Store.Ties.GetTieAsync(proposer.Did), t => t?.ProposedTerms is not null, Deadline,
            $"{signer.Identity.Name} holds the proposed terms");
        await signer.Agency.Ties.SignProposedTermsAsync(proposer.Did);
        await Eventually.UntilAsync(() => proposer.Store.Ties.GetTieAsync(signer.Did), t => t?.Terms.Relays == true && t.ProposedTerms is null, Deadline,
            $"{proposer.Identity.Name} holds the signed terms");
    }

    [Fact]
    public async Task A_clerk_cannot_reach_the_bureau_proposal_or_the_directory_edits()
    {
        await using var a = await TestAgency.StartAsync("Agency Alpha");
        await using var b = await TestAgency.StartAsync("Agency Bravo");
        await TestAgency.TieAsync(a, b);
        await using var clerk = await OfficerBrowser.SignInAsync(browser.Browser, a, "clara", Role.Clerk, width: 360, height: 740);

        // The pages read fine but show no editing forms.
        await clerk.Page.GotoAsync("/directory");
        await Expect(clerk.Page.GetByTestId("counterpart")).ToHaveCountAsync(1);
        await Expect(clerk.Page.GetByRole(AriaRole.Button, new() { Name = "Add to the directory" })).ToHaveCountAsync(0);
        await Expect(clerk.Page.GetByRole(AriaRole.Button, new() { Name = "Allow relaying" })).ToHaveCountAsync(0);
        string token = await clerk.Page.Locator("input[name=__RequestVerificationToken]").First.InputValueAsync();
        Assert.True(await clerk.Page.EvaluateAsync<bool>(FitsTheScreen), "the directory scrolls sideways on a narrow screen");
        await clerk.Page.GotoAsync("/bureaus");
        await Expect(clerk.Page.GetByRole(AriaRole.Button, new() { Name = "Propose the bureau" })).ToHaveCountAsync(0);
        Assert.True(await clerk.Page.EvaluateAsync<bool>(FitsTheScreen), "the bureaus page scrolls sideways on a narrow screen");

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

        Assert.Single(await a.Agency.Directory.ListDirectoryAsync());
        Assert.Empty(await a.Store.Bureaus.ListBureausAsync());
        Assert.Null((await a.Agency.Directory.GetCounterpartAsync(b.Did)).Entry);
    }
}
