using System.Net;
using System.Net.Http.Json;

using Telex.Core;
using Telex.Core.Model;
using Telex.Server.Hosting;
using Telex.Server.Tests.Api;
using Telex.TestKit;

namespace Telex.Server.Tests.Federation;

/// <summary>
/// A bureau's outcomes only grow: an outcome the secretariat drops is retired (no longer offered, still filed from
/// members), and a term keeps its meaning, so every member files the same changes whichever version it holds.
/// </summary>
public sealed class BureauOutcomeRetirementTests
{
    private static readonly TimeSpan Deadline = BureauNetwork.Deadline;

    /// <summary>Posts like the agency's real transport, except that posts to one endpoint wait while it is held.</summary>
    private sealed class HoldingTransport : ITransport, IDisposable
    {
        private readonly HttpTransport _inner = new(TestAgency.LoopbackPolicy);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile string? _held;

        public void Hold(string endpoint) => _held = endpoint;

        public void Release()
        {
            _held = null;
            _released.TrySetResult();
        }

        public async Task<TransportResult> SendAsync(string endpoint, ReadOnlyMemory<byte> packed, CancellationToken ct)
        {
            if (endpoint == _held)
            {
                await _released.Task.WaitAsync(ct).ConfigureAwait(false);
            }

            return await _inner.SendAsync(endpoint, packed, ct).ConfigureAwait(false);
        }

        public void Dispose() => _inner.Dispose();
    }

    private static IReadOnlyList<OutcomeTerm> Without(string term) => [.. OutcomeVocabulary.Default.Where(t => t.Term != term)];

    private static async Task<bool> RetiredAtAsync(TestAgency at, Guid bureau, string term) =>
        (await at.Agency.Bureaus.BureauOutcomesAsync(bureau)).Any(t => t.Term == term && t.Retired);

    [Fact]
    public async Task A_change_by_an_outcome_retired_while_it_was_on_its_way_is_filed_at_every_member_whichever_vocabulary_it_holds()
    {
        using var toCharlie = new HoldingTransport();
        using var fromAlpha = new GatedTransport();
        await using var secretariat = await TestAgency.StartAsync("Founder", transport: toCharlie);
        await using var alpha = await TestAgency.StartAsync("Alpha", transport: fromAlpha);
        await using var bravo = await TestAgency.StartAsync("Bravo");
        await using var charlie = await TestAgency.StartAsync("Charlie");
        TestAgency[] members = [alpha, bravo, charlie], everyone = [secretariat, .. members];
        foreach (var member in members)
        {
            await TestAgency.TieAsync(secretariat, member);
        }

        // Bureau issues go over direct ties: Alpha, whose change is followed, is tied with the other members too.
        await TestAgency.TieAsync(alpha, bravo);
        await TestAgency.TieAsync(alpha, charlie);
        var proposed = await secretariat.Agency.Bureaus.ProposeBureauAsync("Information Bureau", "Exchange of information", [.. members.Select(m => m.Did)]);
        var bureau = await secretariat.Agency.Bureaus.CharterBureauAsync(proposed.Id);
        foreach (var member in members)
        {
            await Eventually.UntilAsync(() => member.Store.Bureaus.GetBureauAsync(bureau.Id), b => b is not null, Deadline, $"{member.Identity.Name} holds the charter");
            await member.Agency.Bureaus.AcceptBureauAsync(bureau.Id);
        }

        foreach (var at in everyone)
        {
            await Eventually.UntilAsync(() => at.Store.Bureaus.GetBureauAsync(bureau.Id), b => b!.Epoch == 4, Deadline, $"{at.Identity.Name} holds epoch 4");
        }

        var issue = await secretariat.Agency.BureauTraffic.OpenBureauIssueAsync(bureau.Id, "Exchange of information", "kovalev");
        foreach (var member in members)
        {
            await Eventually.UntilAsync(() => member.Store.Issues.GetIssueAsync(issue.Id), i => i is not null, Deadline, $"{member.Identity.Name} holds the issue");
        }

        // Alpha records "premature" while it is still offered; its change is held on the way to every member.
        fromAlpha.Close();
        var change = await alpha.Agency.Issues.ChangeIssueAsync(issue.Id, "premature", "Premature until the Manchurian authorities agree", null, "gao");

        // Meanwhile the secretariat drops "premature": it is kept as retired. The new vocabulary reaches Alpha and Bravo;
        // the one to Charlie is held, so Charlie still offers "premature".
        toCharlie.Hold(charlie.Identity.Endpoint);
        var set = await secretariat.Agency.Bureaus.SetBureauOutcomesAsync(bureau.Id, Without("premature"));
        Assert.Equal(new OutcomeTerm("premature", IssueStatus.Deferred, Retired: true), Assert.Single(set, t => t.Term == "premature"));
        foreach (var member in new[] { alpha, bravo })
        {
            await Eventually.UntilAsync(() => RetiredAtAsync(member, bureau.Id, "premature"), r => r, Deadline, $"{member.Identity.Name} holds \"premature\" as retired");
        }

        Assert.False(await RetiredAtAsync(charlie, bureau.Id, "premature"));

        // Alpha's change then arrives: at the secretariat and Bravo, which hold "premature" as retired, and at Charlie,
        // which still offers it. Every member files it.
        fromAlpha.Open();
        foreach (var at in new[] { secretariat, bravo, charlie })
        {
            await Eventually.UntilAsync(() => at.Store.Issues.ListIssueEventsAsync(issue.Id), e => e.Any(x => x.Id == change.Id), Deadline,
                $"{at.Identity.Name} files Alpha's change");
        }

        toCharlie.Release();
        await Eventually.UntilAsync(() => RetiredAtAsync(charlie, bureau.Id, "premature"), r => r, Deadline, "Charlie holds \"premature\" as retired");

        // The four histories are the same, and every member holds the same vocabulary.
        var histories = new List<string>();
        foreach (var at in everyone)
        {
            var events = await at.Store.Issues.ListIssueEventsAsync(issue.Id);
            histories.Add(string.Join(" | ", events.Select(e => $"{e.Id} {e.Clock} {e.Agency} {e.Status} {e.Term} {e.Outcome}")));
            Assert.Equal(IssueStatus.Deferred, (await at.Store.Issues.GetIssueAsync(issue.Id))!.Status);
            Assert.Equal(set, await at.Agency.Bureaus.BureauOutcomesAsync(bureau.Id));
        }

        Assert.Equal(2, histories[0].Split(" | ").Length);
        Assert.All(histories, h => Assert.Equal(histories[0], h));
    }

    [Fact]
    public async Task A_retired_outcome_is_refused_for_a_local_change_and_a_terms_meaning_cannot_be_changed()
    {
        await using var network = await BureauNetwork.StartAsync(1);
        var (secretariat, member) = (network.Founder, network.Members[0]);
        var bureauId = network.Bureau.Id;
        using var admin = await ApiClient.SignInAsync(secretariat, Role.Admin, "ada");
        var issue = await secretariat.Agency.BureauTraffic.OpenBureauIssueAsync(bureauId, "Exchange of information", "kovalev");

        // Dropping "premature" retires it: still listed, marked retired, with its meaning.
        var body = new { outcomes = Without("premature").Select(t => new { term = t.Term, means = t.Means.ToString().ToLowerInvariant() }) };
        var listed = await (await admin.PutAsJsonAsync($"/api/bureaus/{bureauId}/outcomes", body)).JsonAsync(HttpStatusCode.OK);
        var premature = listed.EnumerateArray().Single(o => o.GetProperty("term").GetString() == "premature");
        Assert.Equal(("deferred", true), (premature.GetProperty("means").GetString(), premature.GetProperty("retired").GetBoolean()));
        Assert.False(listed.EnumerateArray().Single(o => o.GetProperty("term").GetString() == "granted").GetProperty("retired").GetBoolean());
        await Eventually.UntilAsync(() => RetiredAtAsync(member, bureauId, "premature"), r => r, Deadline, "the member holds \"premature\" as retired");

        // An officer cannot record a new change by it, over the API or in the agency: a clear problem, nothing filed.
        var refused = await (await admin.PostAsJsonAsync($"/api/issues/{issue.Id}/status", new { status = "premature", outcome = "Later" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        Assert.Contains("\"premature\" is retired", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("premature", refused.GetProperty("detail").GetString()!.Split("outcomes (")[1], StringComparison.Ordinal);
        var inAgency = await Assert.ThrowsAsync<TelexException>(() => member.Agency.Issues.ChangeIssueAsync(issue.Id, "premature", "Later", null, "gao"));
        Assert.Equal(TelexErrorKind.Invalid, inAgency.Kind);
        Assert.Contains("is retired", inAgency.Message, StringComparison.Ordinal);
        Assert.Single(await secretariat.Store.Issues.ListIssueEventsAsync(issue.Id));
        Assert.Single(await member.Store.Issues.ListIssueEventsAsync(issue.Id));

        // A term keeps its meaning: giving "granted" another is refused and the vocabulary stands.
        var before = await secretariat.Agency.Bureaus.BureauOutcomesAsync(bureauId);
        var meaning = await (await admin.PutAsJsonAsync($"/api/bureaus/{bureauId}/outcomes",
            new { outcomes = new[] { new { term = "granted", means = "closed" }, new { term = "referred", means = "referred" } } }))
            .ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        Assert.Contains("\"granted\" means agreed in the bureau's outcomes and keeps that meaning", meaning.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await secretariat.Agency.Bureaus.BureauOutcomesAsync(bureauId));

        // A retired term with its meaning may be offered again, and is then recorded as before.
        Assert.Equal(OutcomeVocabulary.Default, await secretariat.Agency.Bureaus.SetBureauOutcomesAsync(bureauId, OutcomeVocabulary.Default));
        await Eventually.UntilAsync(() => RetiredAtAsync(member, bureauId, "premature"), r => !r, Deadline, "the member offers \"premature\" again");
        var filed = await member.Agency.Issues.ChangeIssueAsync(issue.Id, "premature", "Premature after all", null, "gao");
        await Eventually.UntilAsync(() => secretariat.Store.Issues.ListIssueEventsAsync(issue.Id), e => e.Any(x => x.Id == filed.Id), Deadline, "the secretariat files the change");
    }
}
