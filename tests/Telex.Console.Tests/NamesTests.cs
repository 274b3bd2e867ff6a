using Telex.Core.Model;
using Telex.TestKit;

using static Microsoft.Playwright.Assertions;

namespace Telex.Console.Tests;

/// <summary>Every console page of a small network names agencies by name: a DID is read only where a page shows it on purpose.</summary>
[Collection(SharedBrowser.Name)]
public sealed class NamesTests(BrowserFixture browser)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The text a person reads on the page, without the explicit DID fields (marked <c>data-did</c>, inside a closed
    /// <c>details</c>): they are taken out first, so any other DID on the page is found.
    /// </summary>
    private const string ReadableText = "() => { for (const e of document.querySelectorAll('[data-did]')) e.remove(); return document.body.innerText; }";

    [Fact]
    public async Task No_console_page_of_a_small_network_shows_a_DID_where_a_person_reads()
    {
        // Alpha is tied with Bravo and with a relay that is tied with Charlie; Alpha knows Charlie (through the relay)
        // and Delta (a name only) from its directory.
        await using var a = await TestAgency.StartAsync("Agency Alpha");
        await using var b = await TestAgency.StartAsync("Agency Bravo");
        await using var r = await TestAgency.StartAsync("Relay Agency");
        await using var c = await TestAgency.StartAsync("Agency Charlie");
        await TestAgency.TieAsync(a, b);
        await TestAgency.TieAsync(r, a);
        await TestAgency.TieAsync(r, c);
        await DirectoryBureauTests.PermitRelaysAsync(a, r);
        await DirectoryBureauTests.PermitRelaysAsync(c, r);
        await r.Agency.Relays.AllowAsync(a.Did, c.Did);
        await a.Agency.Directory.AddToDirectoryAsync("Agency Charlie", c.Did, null, [r.Did]);
        await a.Agency.Directory.AddToDirectoryAsync("Agency Delta", null, "https://delta.example/didcomm", [b.Did]);

        // Traffic on an issue both ways, a telegram relayed to Charlie, a bureau, and a draft waiting for Bravo's clearance.
        var issue = await a.Agency.Issues.OpenIssueAsync(b.Did, "Grain shipments", "alice");
        var outbound = await a.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = b.Did, Subject = "Harvest estimate", Body = "Shipments in May.", IssueId = issue.Id }, "alice");
        await Eventually.UntilAsync(() => b.Store.Telegrams.GetTelegramAsync(outbound.Id, Direction.Inbound), t => t is not null, Deadline, "Bravo registers the telegram");
        var answer = await b.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = a.Did, Subject = "Re: Harvest estimate", Body = "Agreed.", IssueId = issue.Id, References = [outbound.Id] }, "bob");
        await Eventually.UntilAsync(() => a.Store.Telegrams.GetTelegramAsync(answer.Id, Direction.Inbound), t => t is not null, Deadline, "Alpha registers the answer");
        var relayed = await a.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = c.Did, Subject = "Through the relay", Body = "Relayed text.", Via = r.Did }, "alice");
        await Eventually.UntilAsync(() => c.Store.Telegrams.GetTelegramAsync(relayed.Id, Direction.Inbound), t => t is not null, Deadline, "Charlie registers the relayed telegram");
        var bureau = await a.Agency.Bureaus.ProposeBureauAsync("Northern Information Bureau", "Information on the harvest", [b.Did, c.Did], secretariat: b.Did);
        await a.Agency.Clearance.AddClearanceRuleAsync(new ClearanceRule { Id = Guid.NewGuid(), Counterpart = b.Did, MinPrecedence = Precedence.Immediate, Partner = b.Did });
        var draft = await a.Agency.Clearance.SubmitDraftAsync(new TelegramDraft { To = b.Did, Subject = "Joint statement", Body = "Text.", Precedence = Precedence.Immediate, IssueId = issue.Id },
            "alice");
        await Eventually.UntilAsync(() => b.Store.Clearance.ListCoordinationRequestsAsync(null), l => l.Count == 1, Deadline, "Bravo holds Alpha's coordination request");

        await using var ada = await OfficerBrowser.SignInAsync(browser.Browser, a, "ada", Role.Admin);
        await SweepAsync(ada,
            "/", "/compose", $"/compose?reply={answer.Id}&quote=true", $"/compose?forward={outbound.Id}", "/drafts", $"/drafts/{draft.Id}", "/clearance",
            "/ties", "/ties/tie?did=" + Uri.EscapeDataString(b.Did), "/directory", "/directory/counterpart?c=" + Uri.EscapeDataString(c.Did),
            "/directory/counterpart?c=" + Uri.EscapeDataString("Agency Delta"), "/bureaus", $"/bureaus/{bureau.Id}", "/register", "/officers", "/account",
            "/issues/" + issue.Id, $"/telegrams/{outbound.Id}?direction=outbound", $"/telegrams/{answer.Id}?direction=inbound",
            $"/telegrams/{relayed.Id}?direction=outbound");

        // What the pages say, by name.
        await ada.Page.GotoAsync($"/telegrams/{relayed.Id}?direction=outbound");
        await Expect(ada.Page.GetByTestId("relay-path")).ToHaveTextAsync("Relay Agency");
        await ada.Page.GotoAsync($"/drafts/{draft.Id}");
        await Expect(ada.Page.GetByTestId("clearance-step")).ToContainTextAsync("partner agency Agency Bravo: waiting");
        await Expect(ada.Page.Locator("ol.log")).ToContainTextAsync("awaiting partner Agency Bravo");
        await ada.Page.GotoAsync($"/bureaus/{bureau.Id}");
        await Expect(ada.Page.Locator("dl.facts")).ToContainTextAsync("Secretariat" + "Agency Bravo");
        await ada.Page.GotoAsync("/directory");
        await Expect(ada.Page.GetByTestId("counterpart").Filter(new() { HasText = "Agency Delta" })).ToContainTextAsync("Agency Bravo");

        // The DID is one click away on the tie's page: there, but not shown until asked for.
        await ada.Page.GotoAsync("/ties/tie?did=" + Uri.EscapeDataString(b.Did));
        var did = ada.Page.Locator("[data-did]");
        await Expect(did).ToBeHiddenAsync();
        await ada.Page.GetByText("DID", new() { Exact = true }).Last.ClickAsync();
        await Expect(did).ToHaveTextAsync(b.Did);

        // Bravo (the partner asked to clear), the relay (its policy) and Charlie (reached through it) name Alpha too.
        await using var bob = await OfficerBrowser.SignInAsync(browser.Browser, b, "bob", Role.Admin);
        await SweepAsync(bob, "/", "/drafts", "/directory", "/issues/" + issue.Id, $"/telegrams/{outbound.Id}?direction=inbound");
        await Expect(bob.Page.Locator("body")).ToContainTextAsync("Agency Alpha");
        await bob.Page.GotoAsync("/drafts");
        await Expect(bob.Page.GetByTestId("coordination-request")).ToContainTextAsync("from Agency Alpha, to Agency Bravo");
        await using var rita = await OfficerBrowser.SignInAsync(browser.Browser, r, "rita", Role.Admin);
        await SweepAsync(rita, "/", "/ties", "/directory");
        await Expect(rita.Page.GetByTestId("relay-pair")).ToContainTextAsync("Agency Alpha ↔ Agency Charlie");
        await using var cleo = await OfficerBrowser.SignInAsync(browser.Browser, c, "cleo", Role.Admin);
        await SweepAsync(cleo, "/", "/register", $"/telegrams/{relayed.Id}?direction=inbound");
        await Expect(cleo.Page.GetByTestId("relay-path")).ToHaveTextAsync("Relay Agency");
    }

    private static async Task SweepAsync(OfficerBrowser officer, params string[] paths)
    {
        foreach (string path in paths)
        {
            var response = await officer.Page.GotoAsync(path);
            Assert.True(response!.Ok, $"{officer.Agency.Identity.Name} {path}: {response.Status}");
            string text = await officer.Page.EvaluateAsync<string>(ReadableText);
            Assert.False(text.Contains("did:peer", StringComparison.Ordinal), $"{officer.Agency.Identity.Name} {path} shows a DID:\n{text}");
        }
    }
}
