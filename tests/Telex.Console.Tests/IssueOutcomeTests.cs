using Microsoft.Playwright;

using Telex.TestKit;

using static Microsoft.Playwright.Assertions;

namespace Telex.Console.Tests;

/// <summary>The issue page's form: an outcome with its text recorded, and a referral that brings a third agency into the issue.</summary>
[Collection(SharedBrowser.Name)]
public sealed class IssueOutcomeTests(BrowserFixture browser) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private TestAgency _a = null!;
    private TestAgency _b = null!;
    private TestAgency _c = null!;

    public async Task InitializeAsync()
    {
        _a = await TestAgency.StartAsync("Agency Alpha");
        _b = await TestAgency.StartAsync("Agency Bravo");
        _c = await TestAgency.StartAsync("Agency Charlie");
        await TestAgency.TieAsync(_a, _b);
        await TestAgency.TieAsync(_a, _c);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _c.DisposeAsync();
    }

    /// <summary>Fills the issue page's form and records it.</summary>
    private static async Task RecordAsync(IPage page, string outcome, string text, string? referredTo = null)
    {
        await page.GetByLabel("Outcome", new() { Exact = true }).SelectOptionAsync(outcome);
        await page.Locator("#text").FillAsync(text);
        if (referredTo is not null)
        {
            await page.Locator("#referredTo").FillAsync(referredTo);
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Record", Exact = true }).ClickAsync();
    }

    [Fact]
    public async Task An_outcome_recorded_with_its_text_shows_in_the_history_and_a_referral_from_the_issue_page_brings_the_third_agency_in()
    {
        var issue = await _b.Agency.Issues.OpenIssueAsync(_a.Did, "Aid to the Orient", "zhou");
        await Eventually.UntilAsync(() => _a.Store.Issues.GetIssueAsync(issue.Id), i => i is not null, Deadline, "Alpha holds the issue");
        await using var alice = await OfficerBrowser.SignInAsync(browser.Browser, _a, "alice", Role.ReleasingOfficer);
        await alice.Page.GotoAsync("/issues/" + issue.Id);

        // An outcome of the vocabulary with its text: the history shows both, and Bravo files the same change.
        await RecordAsync(alice.Page, "premature", "Creating a bureau now is premature");
        await Expect(alice.Page.Locator("p.notice")).ToHaveTextAsync("Outcome: premature.");
        await Expect(alice.Page.GetByTestId("issue-status")).ToHaveTextAsync("premature");
        await Expect(alice.Page.GetByTestId("thread-event").Nth(1)).ToContainTextAsync("premature by alice (Agency Alpha): Creating a bureau now is premature");
        var atBravo = await Eventually.UntilAsync(() => _b.Store.Issues.ListIssueEventsAsync(issue.Id), e => e.Count == 2, Deadline, "Bravo files the change");
        Assert.Equal(("premature", "Creating a bureau now is premature", IssueStatus.Deferred), (atBravo[1].Term, atBravo[1].Outcome, atBravo[1].Status));

        // The form offers the tied agency it may be referred to; the referral brings Charlie in, with the history so far.
        await Expect(alice.Page.Locator("#referral-targets option")).ToHaveCountAsync(1);
        await Expect(alice.Page.Locator("#referral-targets option")).ToHaveAttributeAsync("value", "Agency Charlie");
        await RecordAsync(alice.Page, "referred", "Agree on these with Cde. Gao Gang in Shenyang", "Agency Charlie");
        await Expect(alice.Page.Locator("p.notice")).ToHaveTextAsync("Referred to Agency Charlie.");
        await Expect(alice.Page.GetByTestId("issue-participants")).ToHaveTextAsync("Agency Charlie");
        await Expect(alice.Page.GetByTestId("thread-event").Nth(2))
            .ToContainTextAsync("referred to Agency Charlie by alice (Agency Alpha): Agree on these with Cde. Gao Gang in Shenyang");
        await Expect(alice.Page.Locator("#referral-targets option")).ToHaveCountAsync(0);

        // Charlie receives the issue with its history: its own console shows the terms and the texts.
        var atCharlie = await Eventually.UntilAsync(() => _c.Store.Issues.ListIssueEventsAsync(issue.Id), e => e.Count == 3, Deadline, "Charlie receives the issue");
        Assert.Equal(["premature", "referred"], atCharlie.Skip(1).Select(e => e.Term));
        await using var carl = await OfficerBrowser.SignInAsync(browser.Browser, _c, "carl", Role.ReleasingOfficer);
        await carl.Page.GotoAsync("/issues/" + issue.Id);
        await Expect(carl.Page.GetByRole(AriaRole.Heading, new() { Name = "Aid to the Orient" })).ToBeVisibleAsync();
        await Expect(carl.Page.GetByTestId("issue-status")).ToHaveTextAsync("referred");
        await Expect(carl.Page.GetByTestId("thread-event")).ToHaveCountAsync(3);
        await Expect(carl.Page.GetByTestId("thread-event").Nth(1)).ToContainTextAsync("premature by alice (Agency Alpha): Creating a bureau now is premature");
        await Expect(carl.Page.GetByTestId("thread-event").Nth(2)).ToContainTextAsync("Agree on these with Cde. Gao Gang in Shenyang");
        await Expect(carl.Page.GetByTestId("issue-participants")).ToHaveTextAsync("Agency Bravo");
        await Expect(carl.Page.GetByTestId("issue-opened")).ToContainTextAsync("by Agency Bravo");
    }
}
