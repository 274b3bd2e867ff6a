using System.Globalization;

using Microsoft.Playwright;

using Telex.Core.Model;
using Telex.TestKit;

using static Microsoft.Playwright.Assertions;

namespace Telex.Console.Tests;

/// <summary>The console as a desk: the reading pane, reply, quote and forward, what waits for an officer, and the narrow screen.</summary>
[Collection(SharedBrowser.Name)]
public sealed class DeskTests(BrowserFixture browser) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private const string LongBody = "Of the twelve countries we have ties for now with only five.\n\n"
        + "1. Permanent ties have not been organized with the others; we know little of the situation there.\n"
        + "2. Creating an information bureau is still premature.\n"
        + "3. The question of aid is granted in principle.";

    private TestAgency _a = null!;
    private TestAgency _b = null!;

    public async Task InitializeAsync()
    {
        _a = await TestAgency.StartAsync("Agency Alpha");
        _b = await TestAgency.StartAsync("Agency Bravo");
        await TestAgency.TieAsync(_a, _b);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    /// <summary>Alpha opens an issue with Bravo and sends a telegram on it; returns both as Bravo holds them.</summary>
    private async Task<(Issue Issue, TelegramRecord Telegram)> TelegramToBravoAsync(string title, string subject, string body, Precedence precedence = Precedence.Priority)
    {
        var issue = await _a.Agency.Issues.OpenIssueAsync(_b.Did, title, "alice");
        var sent = await _a.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = _b.Did, Subject = subject, Body = body, Precedence = precedence, IssueId = issue.Id }, "alice");
        var received = await Eventually.UntilAsync(() => _b.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Inbound), t => t is not null, Deadline,
            "Bravo registers Alpha's telegram");
        return (issue, received!);
    }

    [Fact]
    public async Task The_thread_shows_each_telegram_in_full_and_a_reply_from_it_lands_on_the_same_issue_at_the_sender()
    {
        var (issue, telegram) = await TelegramToBravoAsync("Ties with the twelve countries", "Three points on the ties", LongBody);
        await using var bob = await OfficerBrowser.SignInAsync(browser.Browser, _b, "bob", Role.ReleasingOfficer);

        // The thread is the reading pane: the text itself, with the registry number, serial, precedence, sender and time.
        await bob.Page.GotoAsync("/issues/" + issue.Id);
        var entry = bob.Page.GetByTestId("thread-telegram").Filter(new() { HasText = "Three points on the ties" });
        await Expect(entry.GetByTestId("body")).ToHaveTextAsync(LongBody);
        await Expect(entry.GetByTestId("thread-numbers")).ToHaveTextAsync($"Nº {telegram.RegistryNumber} · their No. {telegram.Serial}");
        await Expect(entry.GetByTestId("thread-sender")).ToHaveTextAsync("From alice (Agency Alpha)");
        await Expect(entry.Locator(".prec-priority")).ToHaveTextAsync("priority");
        await Expect(entry.Locator("time")).ToHaveTextAsync(telegram.RegisteredAt.UtcDateTime.ToString("d MMM yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture));
        await Expect(bob.Page.GetByTestId("issue-opened")).ToContainTextAsync("by Agency Alpha");

        // Shown in the pane, it is opened, as on its own page.
        await Expect(entry).ToContainTextAsync("Opened ");
        Assert.NotNull((await _b.Store.Telegrams.GetTelegramAsync(telegram.Id, Direction.Inbound))!.ReadAt);
        await bob.ScreenshotAsync("thread");

        // Reply from the thread: to the sender, on the same issue, "Re:" subject, the telegram referred to beside the form.
        await entry.GetByRole(AriaRole.Link, new() { Name = "Reply to Three points on the ties", Exact = true }).ClickAsync();
        await Expect(bob.Page.GetByLabel("To", new() { Exact = true })).ToHaveValueAsync(_a.Did);
        await Expect(bob.Page.GetByLabel("Existing issue")).ToHaveValueAsync(issue.Id);
        await Expect(bob.Page.GetByLabel("Subject", new() { Exact = true })).ToHaveValueAsync("Re: Three points on the ties");
        await Expect(bob.Page.GetByTestId("referenced")).ToContainTextAsync("In reply to “Three points on the ties”");
        await Expect(bob.Page.GetByLabel("Text", new() { Exact = true })).ToHaveValueAsync("");

        // Quote puts the text, quoted, at the head of what was written, and keeps the rest of the form.
        await bob.Page.GetByLabel("Text", new() { Exact = true }).FillAsync("Agreed on the first point.");
        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "Quote it in the text" }).ClickAsync();
        string text = await bob.Page.GetByLabel("Text", new() { Exact = true }).InputValueAsync();
        Assert.StartsWith($"alice (Agency Alpha) wrote (No. {telegram.Serial}, our Nº {telegram.RegistryNumber}, ", text, StringComparison.Ordinal);
        Assert.Contains("> Of the twelve countries we have ties for now with only five.\n>\n> 1. Permanent ties", text, StringComparison.Ordinal);
        Assert.EndsWith("Agreed on the first point.", text, StringComparison.Ordinal);
        await Expect(bob.Page.GetByLabel("Subject", new() { Exact = true })).ToHaveValueAsync("Re: Three points on the ties");
        await Expect(bob.Page.GetByLabel("To", new() { Exact = true })).ToHaveValueAsync(_a.Did);

        // Released, it lands on the same issue here and at Alpha, referring to the telegram answered.
        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "Release", Exact = true }).ClickAsync();
        await Expect(bob.Page.GetByRole(AriaRole.Heading, new() { Name = "Ties with the twelve countries" })).ToBeVisibleAsync();
        await Expect(bob.Page.GetByTestId("thread-telegram")).ToHaveCountAsync(2);
        var reply = await Eventually.UntilAsync(() => _a.Store.Register.QueryAsync(new() { Direction = Direction.Inbound }), r => r.Count == 1, Deadline,
            "Alpha registers Bravo's reply");
        Assert.Equal(("Re: Three points on the ties", issue.Id, telegram.Id), (reply[0].Subject, reply[0].IssueId, Assert.Single(reply[0].References)));
        Assert.Contains("> 3. The question of aid is granted in principle.", reply[0].Body, StringComparison.Ordinal);

        // Alpha's page of the reply names the telegram it answers.
        await using var alice = await OfficerBrowser.SignInAsync(browser.Browser, _a, "alice", Role.ReleasingOfficer);
        await alice.Page.GotoAsync($"/telegrams/{reply[0].Id}?direction=inbound");
        await Expect(alice.Page.GetByTestId("references")).ToHaveTextAsync("Three points on the ties");
    }

    [Fact]
    public async Task A_telegram_forwarded_from_the_thread_reaches_the_recipient_chosen_with_its_text_quoted()
    {
        await using var c = await TestAgency.StartAsync("Agency Charlie");
        await TestAgency.TieAsync(_b, c);
        var (_, telegram) = await TelegramToBravoAsync("Harvest", "Harvest estimate", "Shipments can start in May.");
        await using var bob = await OfficerBrowser.SignInAsync(browser.Browser, _b, "bob", Role.ReleasingOfficer);

        await bob.Page.GotoAsync($"/telegrams/{telegram.Id}?direction=inbound");
        await bob.Page.GetByRole(AriaRole.Link, new() { Name = "Forward", Exact = true }).ClickAsync();

        // The recipient is left to choose and no issue is set; the text is quoted under a line naming the telegram.
        await Expect(bob.Page.GetByLabel("To", new() { Exact = true })).ToHaveValueAsync("");
        await Expect(bob.Page.GetByLabel("Existing issue")).ToHaveValueAsync("");
        await Expect(bob.Page.GetByLabel("Subject", new() { Exact = true })).ToHaveValueAsync("Fwd: Harvest estimate");
        await Expect(bob.Page.GetByTestId("referenced")).ToContainTextAsync("Forwarding “Harvest estimate”");
        string text = await bob.Page.GetByLabel("Text", new() { Exact = true }).InputValueAsync();
        Assert.StartsWith($"Forwarded: \"Harvest estimate\", No. {telegram.Serial}, our Nº {telegram.RegistryNumber}, from alice (Agency Alpha) to Agency Bravo, ", text, StringComparison.Ordinal);
        Assert.Contains("> Shipments can start in May.", text, StringComparison.Ordinal);

        await bob.Page.GetByLabel("To", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Agency Charlie" });
        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "Release", Exact = true }).ClickAsync();
        var forwarded = await Eventually.UntilAsync(() => c.Store.Register.QueryAsync(new() { Direction = Direction.Inbound }), r => r.Count == 1, Deadline,
            "Charlie registers the forwarded telegram");
        Assert.Equal("Fwd: Harvest estimate", forwarded[0].Subject);
        Assert.Contains("> Shipments can start in May.", forwarded[0].Body, StringComparison.Ordinal);
        Assert.Equal(telegram.Id, Assert.Single(forwarded[0].References));
    }

    [Fact]
    public async Task What_waits_for_an_officer_appears_on_the_desk_and_goes_once_done()
    {
        await using var rita = await OfficerBrowser.SignInAsync(browser.Browser, _a, "rita", Role.ReleasingOfficer);
        await using var clara = await OfficerBrowser.SignInAsync(browser.Browser, _a, "clara", Role.Clerk);

        // Telegrams to Bravo need rita's clearance.
        await _a.Agency.Clearance.AddClearanceRuleAsync(new ClearanceRule { Id = Guid.NewGuid(), Counterpart = _b.Did, Officers = ["rita"] });

        // Nothing waits yet, and the desk says so.
        await rita.Page.GotoAsync("/");
        await Expect(rita.Page.GetByTestId("waiting-none")).ToContainTextAsync("Nothing is waiting for you");
        await Expect(rita.Page.Locator("html[data-live=connected]")).ToHaveCountAsync(1);

        // A clerk's draft waits for rita's clearance: it appears on her desk, live, and not on the clerk's.
        var draft = await _a.Agency.Clearance.SubmitDraftAsync(new TelegramDraft { To = _b.Did, Subject = "Port statistics request", Body = "Monthly tonnage, please." }, "clara");
        var toClear = rita.Page.GetByTestId("waiting").And(rita.Page.Locator("[data-kind=clear]"));
        await Expect(toClear).ToContainTextAsync("Port statistics request");
        await Expect(toClear).ToContainTextAsync("to Agency Bravo, drafted by clara");
        await clara.Page.GotoAsync("/");
        await Expect(clara.Page.GetByTestId("waiting-none")).ToBeVisibleAsync();

        // An unread flash telegram and a partner's coordination request wait too.
        await _b.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = _a.Did, Subject = "Border closed tonight", Body = "Flash.", Precedence = Precedence.Flash }, "bert");
        await _b.Agency.Clearance.AddClearanceRuleAsync(new ClearanceRule { Id = Guid.NewGuid(), Counterpart = _a.Did, Partner = _a.Did });
        await _b.Agency.Clearance.SubmitDraftAsync(new TelegramDraft { To = _a.Did, Subject = "Joint statement", Body = "Draft of the joint statement." }, "bert");
        await Expect(rita.Page.GetByTestId("waiting").And(rita.Page.Locator("[data-kind=coordination]"))).ToContainTextAsync("Joint statement");
        await Expect(rita.Page.GetByTestId("waiting").And(rita.Page.Locator("[data-kind=flash]"))).ToContainTextAsync("Border closed tonight");
        await rita.ScreenshotAsync("desk-waiting");

        // A clerk cannot answer a partner: the request is not on her desk, but the flash telegram is.
        await clara.Page.GotoAsync("/");
        await Expect(clara.Page.GetByTestId("waiting").And(clara.Page.Locator("[data-kind=flash]"))).ToHaveCountAsync(1);
        await Expect(clara.Page.Locator("[data-kind=coordination]")).ToHaveCountAsync(0);
        await Expect(clara.Page.Locator("[data-kind=clear]")).ToHaveCountAsync(0);

        // Rita clears the draft from her desk: it leaves the "to clear" list and waits for a release instead.
        await toClear.GetByRole(AriaRole.Link, new() { Name = "Port statistics request" }).ClickAsync();
        await rita.Page.GetByRole(AriaRole.Button, new() { Name = "Clear", Exact = true }).ClickAsync();
        await Expect(rita.Page.GetByTestId("draft-status")).ToHaveTextAsync("cleared");
        await rita.Page.GotoAsync("/");
        await Expect(rita.Page.Locator("[data-kind=clear]")).ToHaveCountAsync(0);
        await Expect(rita.Page.GetByTestId("waiting").And(rita.Page.Locator("[data-kind=release]"))).ToContainTextAsync("Port statistics request");
        Assert.Equal(DraftStatus.Cleared, (await _a.Store.Clearance.GetDraftAsync(draft.Id))!.Status);

        // Opening the flash telegram takes it off the list.
        await rita.Page.GetByTestId("waiting").And(rita.Page.Locator("[data-kind=flash]")).GetByRole(AriaRole.Link).ClickAsync();
        await Expect(rita.Page.GetByTestId("telegram-status")).ToHaveTextAsync("registered, read");
        await rita.Page.GotoAsync("/");
        await Expect(rita.Page.Locator("[data-kind=flash]")).ToHaveCountAsync(0);
    }

    /// <summary>Whether an element shows on one line: no taller than one and a half of its line height.</summary>
    private const string OneLine = "e => e.getBoundingClientRect().height < 1.5 * parseFloat(getComputedStyle(e).lineHeight)";

    /// <summary>Whether an element's text is cut off with an ellipsis (it is wider than its box).</summary>
    private const string CutOff = "e => e.scrollWidth > e.clientWidth && getComputedStyle(e).textOverflow === 'ellipsis'";

    [Fact]
    public async Task The_desk_keeps_long_titles_to_one_line_at_1280_and_no_page_scrolls_sideways_at_360()
    {
        const string title = "Ties with the countries of the East: which of the twelve are ready for permanent ties, who should study the situation first, and when a bureau stops being premature";
        const string subject = "Three points on the ties, the bureau and the aid, as agreed in the presence of the comrades named below";
        var (issue, telegram) = await TelegramToBravoAsync(title, subject, LongBody + "\n\n" + string.Concat(Enumerable.Repeat("a-very-long-word-without-spaces-", 12)),
            Precedence.Flash);
        await _b.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = _a.Did, Subject = "A short answer", Body = "Received.", IssueId = issue.Id }, "bob");

        await using (var wide = await OfficerBrowser.SignInAsync(browser.Browser, _b, "bob", Role.ReleasingOfficer))
        {
            await wide.Page.GotoAsync("/");
            var issueTitle = wide.Page.GetByTestId("issue").GetByRole(AriaRole.Link, new() { Name = title });
            await Expect(issueTitle).ToHaveAttributeAsync("title", title);
            Assert.True(await issueTitle.EvaluateAsync<bool>(OneLine), "the issue's title wraps over several lines");
            Assert.True(await issueTitle.EvaluateAsync<bool>(CutOff), "the issue's title is not cut off with an ellipsis");
            foreach (var row in await wide.Page.GetByTestId("telegram").AllAsync())
            {
                Assert.True(await row.Locator(".head").EvaluateAsync<bool>(OneLine), "a row of the latest traffic breaks into fragments");
                Assert.True(await row.Locator(".subject").EvaluateAsync<bool>(OneLine), "a subject in the latest traffic wraps");
            }

            await Expect(wide.Page.GetByTestId("telegram").Filter(new() { HasText = subject }).Locator(".subject")).ToHaveAttributeAsync("title", subject);
        }

        // At 360 px no page scrolls sideways (a wide table may scroll inside its own box), and the navigation stays whole.
        await using var narrow = await OfficerBrowser.SignInAsync(browser.Browser, _b, "bea", Role.ReleasingOfficer, width: 360, height: 740);
        foreach (string path in new[] { "/", "/issues/" + issue.Id, $"/telegrams/{telegram.Id}?direction=inbound", "/compose", $"/compose?reply={telegram.Id}&quote=true" })
        {
            await narrow.Page.GotoAsync(path);
            await Expect(narrow.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
            int width = await narrow.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            Assert.True(width <= 360, $"{path} is {width} px wide at 360 px");
            foreach (var link in await narrow.Page.GetByRole(AriaRole.Navigation, new() { Name = "Console" }).GetByRole(AriaRole.Link).AllAsync())
            {
                Assert.True(await link.IsVisibleAsync() && await link.EvaluateAsync<bool>("e => { const r = e.getBoundingClientRect(); return r.left >= 0 && r.right <= 360; }"),
                    $"a navigation link is off the screen on {path}");
            }

            if (path == "/")
            {
                await narrow.ScreenshotAsync("desk-narrow");
            }
        }
    }
}
