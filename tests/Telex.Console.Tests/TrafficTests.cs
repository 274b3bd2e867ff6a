using System.Text;

using Microsoft.Playwright;

using Telex.Core.Model;
using Telex.TestKit;

using static Microsoft.Playwright.Assertions;

namespace Telex.Console.Tests;

/// <summary>Officers of two real agencies on loopback exchange telegrams through their consoles.</summary>
[Collection(SharedBrowser.Name)]
public sealed class TrafficTests(BrowserFixture browser) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private TestAgency _a = null!;
    private TestAgency _b = null!;

    public async Task InitializeAsync()
    {
        _a = await TestAgency.StartAsync("Agency Alpha");
        _b = await TestAgency.StartAsync("Agency Bravo");
        await TestAgency.TieAsync(_a, _b);

        // Read receipts are off by default: Alpha proposes them and Bravo signs, as the tie's terms require.
        var tie = await _a.Store.Ties.GetTieAsync(_b.Did);
        await _a.Agency.Ties.ProposeTermsAsync(_b.Did, tie!.Terms with { ReadReceipts = true });
        await Eventually.UntilAsync(() => _b.Store.Ties.GetTieAsync(_a.Did), t => t?.ProposedTerms is not null, Deadline, "Bravo holds Alpha's proposed terms");
        await _b.Agency.Ties.SignProposedTermsAsync(_a.Did);
        await Eventually.UntilAsync(() => _a.Store.Ties.GetTieAsync(_b.Did), t => t?.Terms.ReadReceipts == true, Deadline, "Alpha holds the signed terms");
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task A_telegram_on_a_new_issue_appears_live_at_the_recipient_is_read_and_answered()
    {
        await using var alice = await OfficerBrowser.SignInAsync(browser.Browser, _a, "alice", Role.ReleasingOfficer);
        await using var bob = await OfficerBrowser.SignInAsync(browser.Browser, _b, "bob", Role.ReleasingOfficer);

        // Bob watches his desk; a marker on the page shows it is never reloaded.
        await bob.Page.GotoAsync("/");
        await bob.Page.EvaluateAsync("() => { window.unreloaded = true; }");
        await Expect(bob.Page.Locator("html[data-live=connected]")).ToHaveCountAsync(1);

        // Alice opens an issue and sends a flash telegram on it, with everything a telegram can carry.
        await alice.Page.GotoAsync("/compose");
        await alice.Page.GetByLabel("To", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Agency Bravo" });
        await alice.Page.GetByLabel("or open a new issue titled").FillAsync("Grain shipments through the northern port");
        await alice.Page.GetByLabel("Subject", new() { Exact = true }).FillAsync("Harvest estimate");
        await alice.Page.GetByLabel("Text", new() { Exact = true }).FillAsync("The harvest estimate for the northern provinces is attached. Shipments can start in May.");
        await alice.Page.GetByLabel("flash", new() { Exact = true }).CheckAsync();
        await alice.Page.GetByLabel("On behalf of (optional)").FillAsync("The Minister of Agriculture");
        await alice.Page.GetByLabel("Attendees (one a line, optional)").FillAsync("Deputy minister\nHead of logistics");
        await alice.Page.GetByLabel("Attachments (optional)").SetInputFilesAsync(new FilePayload
        {
            Name = "estimate.csv",
            MimeType = "text/csv",
            Buffer = Encoding.UTF8.GetBytes("province,tonnes\nnorth,120000\n"),
        });
        await alice.ScreenshotAsync("compose");
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Release", Exact = true }).ClickAsync();

        // Alice lands on the issue's thread; the telegram is delivered (a verified receipt came back).
        await Expect(alice.Page.GetByRole(AriaRole.Heading, new() { Name = "Grain shipments through the northern port" })).ToBeVisibleAsync();
        await Expect(alice.Page.GetByTestId("thread-telegram")).ToContainTextAsync("Harvest estimate");
        await Expect(alice.Page.GetByTestId("delivery")).ToContainTextAsync("Delivered");
        await Expect(alice.Page.GetByTestId("read-receipt")).ToHaveCountAsync(0);

        // It appears on Bob's desk without a reload: the issue with one unread telegram, flash standing out.
        var issueRow = bob.Page.GetByTestId("issue").Filter(new() { HasText = "Grain shipments through the northern port" });
        await Expect(issueRow.GetByTestId("unread")).ToContainTextAsync("1 unread");
        await Expect(issueRow.Locator(".prec-flash")).ToBeVisibleAsync();
        var latest = bob.Page.GetByTestId("telegram").Filter(new() { HasText = "Harvest estimate" });
        await Expect(latest.Locator(".unread-badge")).ToBeVisibleAsync();
        Assert.True(await bob.Page.EvaluateAsync<bool>("() => window.unreloaded === true"));
        await bob.ScreenshotAsync("desk");

        // Bob opens it: the cable layout shows its fields; Alice's thread shows the read receipt, live.
        await alice.Page.EvaluateAsync("() => { window.unreloaded = true; }");
        await latest.GetByRole(AriaRole.Link, new() { Name = "Harvest estimate" }).ClickAsync();
        var cable = bob.Page.GetByTestId("cable");
        await Expect(cable).ToContainTextAsync("PRECEDENCE: FLASH");
        await Expect(cable).ToContainTextAsync("ON BEHALF OF: The Minister of Agriculture");
        await Expect(cable).ToContainTextAsync("In the presence of Deputy minister, Head of logistics.");
        await Expect(cable).ToContainTextAsync("ATTACHMENT: estimate.csv (text/csv, 29 bytes");
        await Expect(bob.Page.GetByTestId("telegram-status")).ToHaveTextAsync("registered, read");
        var attachment = await bob.Page.APIRequest.GetAsync((await bob.Page.GetByTestId("attachment").GetAttributeAsync("href"))!);
        Assert.Equal("province,tonnes\nnorth,120000\n", await attachment.TextAsync());
        Assert.Equal("attachment; filename=estimate.csv; filename*=UTF-8''estimate.csv", attachment.Headers["content-disposition"]);
        await Expect(alice.Page.GetByTestId("read-receipt")).ToContainTextAsync("Read by Agency Bravo");
        Assert.True(await alice.Page.EvaluateAsync<bool>("() => window.unreloaded === true"));

        // Bob replies on the same issue; Alice's thread shows the reply without a reload.
        await bob.Page.GetByRole(AriaRole.Link, new() { Name = "Reply", Exact = true }).ClickAsync();
        await Expect(bob.Page.GetByLabel("Subject", new() { Exact = true })).ToHaveValueAsync("Re: Harvest estimate");
        await bob.Page.GetByLabel("Text", new() { Exact = true }).FillAsync("Received. Our port can take the first ships on 3 May.");
        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "Release", Exact = true }).ClickAsync();
        await Expect(bob.Page.GetByTestId("thread-telegram")).ToHaveCountAsync(2);

        var reply = alice.Page.GetByTestId("thread-telegram").Filter(new() { HasText = "Re: Harvest estimate" });
        await Expect(reply).ToBeVisibleAsync();
        Assert.True(await alice.Page.EvaluateAsync<bool>("() => window.unreloaded === true"));

        // Both registers agree: Bravo holds the telegram with its attachment and has answered on the issue.
        var received = await _b.Store.Register.QueryAsync(new() { Direction = Direction.Inbound });
        var t = Assert.Single(received);
        Assert.Equal(Precedence.Flash, t.Precedence);
        Assert.Equal("estimate.csv", Assert.Single(t.Attachments).Name);
        Assert.NotNull(t.ReadAt);
        var answered = Assert.Single(await _a.Store.Register.QueryAsync(new() { Direction = Direction.Inbound }));
        Assert.Equal(t.IssueId, answered.IssueId);
    }

    [Fact]
    public async Task A_telegram_needing_clearance_waits_until_a_releasing_officer_clears_it()
    {
        // An admin sets the policy in the console: flash telegrams to Bravo need a releasing officer's clearance.
        await using (var admin = await OfficerBrowser.SignInAsync(browser.Browser, _a, "ada", Role.Admin))
        {
            await admin.Page.GotoAsync("/clearance");
            await admin.Page.GetByLabel("Telegrams to").SelectOptionAsync(new SelectOptionValue { Label = "Agency Bravo" });
            await admin.Page.GetByLabel("Of precedence").SelectOptionAsync(new SelectOptionValue { Label = "flash or above" });
            await admin.Page.GetByLabel("and by any releasing officer other than the drafter").CheckAsync();
            await admin.Page.GetByRole(AriaRole.Button, new() { Name = "Add the rule" }).ClickAsync();
            await Expect(admin.Page.GetByTestId("clearance-rule")).ToContainTextAsync("Agency Bravo");
        }

        await using var clerk = await OfficerBrowser.SignInAsync(browser.Browser, _a, "clara", Role.Clerk);
        await using var releaser = await OfficerBrowser.SignInAsync(browser.Browser, _a, "rita", Role.ReleasingOfficer);

        // The clerk drafts; she has no release button and the draft waits for a releasing officer.
        await clerk.Page.GotoAsync("/compose");
        await Expect(clerk.Page.GetByRole(AriaRole.Button, new() { Name = "Release", Exact = true })).ToHaveCountAsync(0);
        await clerk.Page.GetByLabel("To", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Agency Bravo" });
        await clerk.Page.GetByLabel("Subject", new() { Exact = true }).FillAsync("Request for port statistics");
        await clerk.Page.GetByLabel("Text", new() { Exact = true }).FillAsync("Please send the monthly tonnage figures.");
        await clerk.Page.GetByLabel("flash", new() { Exact = true }).CheckAsync();
        await clerk.Page.GetByRole(AriaRole.Button, new() { Name = "Submit for clearance and release" }).ClickAsync();
        await Expect(clerk.Page.GetByTestId("draft-status")).ToHaveTextAsync("awaiting clearance");
        await Expect(clerk.Page.GetByTestId("clearance-step")).ToContainTextAsync("a releasing officer (not the drafter): waiting");
        await Expect(clerk.Page.GetByRole(AriaRole.Button, new() { Name = "Clear", Exact = true })).ToHaveCountAsync(0);

        // Nothing has left: the telegram is not even in Alpha's register.
        Assert.Equal(0, await _a.Store.Register.CountAsync(new() { Direction = Direction.Outbound }));

        // The releasing officer finds it among the drafts, clears it and releases it.
        await releaser.Page.GotoAsync("/drafts");
        await releaser.Page.GetByRole(AriaRole.Link, new() { Name = "Request for port statistics" }).ClickAsync();
        await releaser.Page.GetByRole(AriaRole.Button, new() { Name = "Clear", Exact = true }).ClickAsync();
        await Expect(releaser.Page.GetByTestId("draft-status")).ToHaveTextAsync("cleared");
        await Expect(releaser.Page.GetByTestId("clearance-step")).ToContainTextAsync("cleared by rita");

        // The clerk's open draft page follows live.
        await Expect(clerk.Page.GetByTestId("draft-status")).ToHaveTextAsync("cleared");

        await releaser.Page.GetByRole(AriaRole.Button, new() { Name = "Release", Exact = true }).ClickAsync();
        await Expect(releaser.Page.GetByTestId("delivery")).Not.ToHaveTextAsync("not yet");
        var delivered = await Eventually.UntilAsync(() => _b.Store.Register.QueryAsync(new() { Text = "tonnage" }), r => r.Count == 1, Deadline,
            "Bravo registers the cleared telegram");
        Assert.Equal("Request for port statistics", delivered[0].Subject);
        var sent = Assert.Single(await _a.Store.Register.QueryAsync(new() { Direction = Direction.Outbound }));
        Assert.Equal("clara", sent.Drafter);
        Assert.Equal("rita", sent.ReleasingOfficer);
    }

    [Fact]
    public async Task A_register_search_finds_a_telegram_by_a_word_of_its_body_and_the_register_verifies()
    {
        await _a.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = _b.Did, Subject = "Weather report", Body = "Heavy rain expected in the valley." }, "alice");
        await _a.Agency.Telegrams.ReleaseAsync(new TelegramDraft
        {
            To = _b.Did,
            Subject = "Fuel deliveries",
            Body = "The tanker reaches the refinery on Thursday.",
            Precedence = Precedence.Immediate,
        }, "alice");
        await using var auditor = await OfficerBrowser.SignInAsync(browser.Browser, _a, "audrey", Role.Auditor);

        await auditor.Page.GotoAsync("/register");
        await Expect(auditor.Page.GetByTestId("result-count")).ToHaveTextAsync("2");
        await auditor.Page.GetByLabel("Words").FillAsync("refinery");
        await auditor.Page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(auditor.Page.GetByTestId("result-count")).ToHaveTextAsync("1");
        await Expect(auditor.Page.GetByTestId("result")).ToContainTextAsync("Fuel deliveries");

        await auditor.Page.GetByRole(AriaRole.Button, new() { Name = "Verify the register" }).ClickAsync();
        await Expect(auditor.Page.GetByTestId("verify-result")).ToContainTextAsync("The register verifies.");
        await Expect(auditor.Page.GetByTestId("result-count")).ToHaveTextAsync("1");
        await auditor.ScreenshotAsync("register");

        // The cable layout of the telegram found, and its plain-text cable.
        await auditor.Page.GetByRole(AriaRole.Link, new() { Name = "Fuel deliveries" }).ClickAsync();
        await Expect(auditor.Page.GetByTestId("cable")).ToContainTextAsync("PRECEDENCE: IMMEDIATE");
        var text = await auditor.Page.APIRequest.GetAsync(auditor.Page.Url.Split('?')[0] + "/cable");
        Assert.Equal(200, text.Status);
        Assert.Contains("The tanker reaches the refinery on Thursday.", await text.TextAsync(), StringComparison.Ordinal);
    }
}
