using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;

using Telex.Core;
using Telex.Core.Model;
using Telex.Core.Register;
using Telex.Server.Hosting;
using Telex.Server.Tests.Api;
using Telex.Server.Tests.Console;
using Telex.TestKit;

namespace Telex.Server.Tests.Federation;

/// <summary>
/// Bureau prospects: agencies the founder knows of by name only (a directory entry without a DID). They are named for a
/// bureau, shown as known of, no tie, sent nothing; once a tie is established and the directory entry holds the tied
/// agency's DID they are prospective members like any other, and the charter reaches them.
/// </summary>
public sealed class BureauProspectTests
{
    private static readonly TimeSpan Deadline = BureauNetwork.Deadline;

    /// <summary>Posts like the agency's real transport and records every endpoint it posts to.</summary>
    private sealed class RecordingTransport : ITransport, IDisposable
    {
        private readonly HttpTransport _inner = new(TestAgency.LoopbackPolicy);

        public ConcurrentQueue<string> Endpoints { get; } = new();

        public Task<TransportResult> SendAsync(string endpoint, ReadOnlyMemory<byte> packed, CancellationToken ct)
        {
            Endpoints.Enqueue(endpoint);
            return _inner.SendAsync(endpoint, packed, ct);
        }

        public void Dispose() => _inner.Dispose();
    }

    [Fact]
    public async Task A_prospect_known_of_by_name_only_is_premature_gets_nothing_and_once_tied_is_chartered_and_joins()
    {
        using var transport = new RecordingTransport();
        await using var moscow = await TestAgency.StartAsync("Moscow", transport: transport);
        await using var peking = await TestAgency.StartAsync("Peking");
        await using var shenyang = await TestAgency.StartAsync("Shenyang");
        await TestAgency.TieAsync(moscow, peking);

        // Shenyang is known of by name (and where it is), no tie, no DID.
        await moscow.Agency.Directory.AddToDirectoryAsync("Shenyang", did: null, endpoint: shenyang.Identity.Endpoint, knownTies: null);
        var bureau = await moscow.Agency.Bureaus.ProposeBureauAsync("Eastern Information Bureau", "Information on the situation in each country",
            ["Peking", "Shenyang"]);
        Assert.Equal([moscow.Did, peking.Did], bureau.Members.Select(m => m.Did));
        Assert.Equal("Shenyang", Assert.Single(bureau.Prospects).Name);

        var readiness = await moscow.Agency.Bureaus.BureauReadinessAsync(bureau.Id);
        Assert.False(readiness.Ready);
        Assert.Equal((1, 2), (readiness.Covered, readiness.Total));
        Assert.Equal("premature: ties with 1 of 2; 1 known of, no tie", readiness.Summary);
        Assert.Empty(readiness.Missing);
        Assert.Equal("Shenyang", Assert.Single(readiness.Prospects).Name);

        // Nothing goes to it: the charter is refused (naming it and what to do), a telegram to it is refused.
        await Eventually.UntilAsync(() => moscow.Store.Outbox.OutboxDepthAsync(), d => d.Count == 0, Deadline, "the ties' messages have left");
        var head = await moscow.Store.Register.GetRegisterHeadAsync();
        var refused = await Assert.ThrowsAsync<TelexException>(() => moscow.Agency.Bureaus.CharterBureauAsync(bureau.Id));
        Assert.Equal(TelexErrorKind.Conflict, refused.Kind);
        Assert.Contains("missing: Shenyang (known of, no tie: establish a tie with it; telex directory show \"Shenyang\")", refused.Message, StringComparison.Ordinal);
        var unsent = await Assert.ThrowsAsync<TelexException>(() => moscow.Agency.Telegrams.ReleaseAsync(
            new TelegramDraft { To = "Shenyang", Subject = "Trade", Body = "On trade with the northeast." }, "kovalev"));
        Assert.Equal(TelexErrorKind.Conflict, unsent.Kind);
        Assert.Contains("known of by name only", unsent.Message, StringComparison.Ordinal);
        Assert.Contains("telex directory show \"Shenyang\"", unsent.Message, StringComparison.Ordinal);
        Assert.Contains("telex tie invite", unsent.Message, StringComparison.Ordinal);
        Assert.Equal(head, await moscow.Store.Register.GetRegisterHeadAsync());
        Assert.Empty(await moscow.Store.Outbox.OutboxDepthAsync());
        Assert.DoesNotContain(shenyang.Identity.Endpoint, transport.Endpoints);
        Assert.Null(await shenyang.Store.Bureaus.GetBureauAsync(bureau.Id));
        Assert.Null(await shenyang.Store.Ties.GetTieAsync(moscow.Did));

        // A tie is established with the agency that goes by that name: the entry takes its DID, the prospect is a member.
        await TestAgency.TieAsync(moscow, shenyang);
        var promoted = await Eventually.UntilAsync(() => moscow.Store.Bureaus.GetBureauAsync(bureau.Id), b => b!.Prospects.Count == 0, Deadline, "the prospect is a member");
        Assert.Equal(shenyang.Did, (await moscow.Agency.Directory.GetCounterpartAsync("Shenyang")).Did);
        Assert.Contains(shenyang.Identity.Endpoint, transport.Endpoints);
        Assert.Equal([moscow.Did, peking.Did, shenyang.Did], promoted!.Members.Select(m => m.Did));
        Assert.Equal(MemberState.Prospective, promoted.Member(shenyang.Did)!.State);
        readiness = await moscow.Agency.Bureaus.BureauReadinessAsync(bureau.Id);
        Assert.Equal("ready: ties with 2 of 2", readiness.Summary);

        // It proceeds as any member: the charter reaches it, it accepts and is in the next epoch.
        await moscow.Agency.Bureaus.CharterBureauAsync(bureau.Id);
        foreach (var member in new[] { peking, shenyang })
        {
            await Eventually.UntilAsync(() => member.Store.Bureaus.GetBureauAsync(bureau.Id), b => b is not null, Deadline, $"{member.Identity.Name} holds the charter");
            await member.Agency.Bureaus.AcceptBureauAsync(bureau.Id);
        }

        await Eventually.UntilAsync(() => shenyang.Store.Bureaus.GetBureauAsync(bureau.Id), b => b!.Epoch == 3, Deadline, "Shenyang holds epoch 3");
        var epoch = await shenyang.Store.Bureaus.GetBureauEpochAsync(bureau.Id, 3);
        Assert.True(epoch!.Includes(shenyang.Did) && epoch.Includes(peking.Did) && epoch.Includes(moscow.Did));
        var actions = (await moscow.Store.Register.ReadRegisterAsync()).Entries.Where(e => e.Kind == RegisterKinds.Bureau).Select(e => e.Reference.Split('/')[2]).ToList();
        Assert.Equal(["proposed", "member-added", "chartered", "epoch"], actions.Take(4));
        Assert.True((await moscow.Agency.Register.VerifyRegisterAsync()).Ok);
    }

    [Fact]
    public async Task A_prospect_whose_agency_goes_by_another_name_is_linked_by_an_officer_and_only_the_founder_names_prospects_before_the_charter()
    {
        await using var moscow = await TestAgency.StartAsync("Moscow");
        await using var peking = await TestAgency.StartAsync("Peking");
        await using var northeast = await TestAgency.StartAsync("Northeast Bureau");
        await TestAgency.TieAsync(moscow, peking);
        await moscow.Agency.Directory.AddToDirectoryAsync("Gao Gang, Shenyang", did: null, endpoint: null, knownTies: null);
        await moscow.Agency.Directory.AddToDirectoryAsync("Pyongyang", did: null, endpoint: null, knownTies: null);

        var bureau = await moscow.Agency.Bureaus.ProposeBureauAsync("Eastern Information Bureau", "Information", ["Peking"]);
        bureau = await moscow.Agency.Bureaus.AddBureauMemberAsync(bureau.Id, "Gao Gang, Shenyang");
        bureau = await moscow.Agency.Bureaus.AddBureauMemberAsync(bureau.Id, "pyongyang");
        Assert.Equal(["Gao Gang, Shenyang", "Pyongyang"], bureau.Prospects.Select(p => p.Name));
        Assert.Equal(TelexErrorKind.Conflict, (await Assert.ThrowsAsync<TelexException>(() => moscow.Agency.Bureaus.AddBureauMemberAsync(bureau.Id, "Pyongyang"))).Kind);
        var unknown = await Assert.ThrowsAsync<TelexException>(() => moscow.Agency.Bureaus.AddBureauMemberAsync(bureau.Id, "Lhasa"));
        Assert.Equal(TelexErrorKind.NotFound, unknown.Kind);
        Assert.Contains("telex directory list", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("telex directory add \"Lhasa\"", unknown.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<TelexException>(() => moscow.Agency.Bureaus.ProposeBureauAsync("Other", "p", ["Peking"], secretariat: "Pyongyang"));

        // Its directory entry stays while it is a prospect; dropped, Pyongyang is no longer counted.
        var kept = await Assert.ThrowsAsync<TelexException>(() => moscow.Agency.Directory.RemoveFromDirectoryAsync("Pyongyang"));
        Assert.Contains("telex bureau remove \"Eastern Information Bureau\" \"Pyongyang\"", kept.Message, StringComparison.Ordinal);
        bureau = await moscow.Agency.Bureaus.RemoveBureauMemberAsync(bureau.Id, "Pyongyang");
        Assert.Equal("premature: ties with 1 of 2; 1 known of, no tie", (await moscow.Agency.Bureaus.BureauReadinessAsync(bureau.Id)).Summary);
        await moscow.Agency.Directory.RemoveFromDirectoryAsync("Pyongyang");

        // The tie's agency calls itself otherwise: nothing is linked by itself, and linking needs a tie.
        var untied = await Assert.ThrowsAsync<TelexException>(() => moscow.Agency.Directory.LinkCounterpartAsync("Gao Gang, Shenyang", "Northeast Bureau"));
        Assert.Contains("telex tie invite", untied.Message, StringComparison.Ordinal);
        await TestAgency.TieAsync(northeast, moscow);
        Assert.Single((await moscow.Store.Bureaus.GetBureauAsync(bureau.Id))!.Prospects);
        Assert.Null((await moscow.Agency.Directory.GetCounterpartAsync("Gao Gang, Shenyang")).Did);

        var linked = await moscow.Agency.Directory.LinkCounterpartAsync("Gao Gang, Shenyang", "Northeast Bureau");
        Assert.Equal((northeast.Did, TieStatus.Established), (linked.Did, linked.TieStatus));
        var held = await moscow.Store.Bureaus.GetBureauAsync(bureau.Id);
        Assert.Empty(held!.Prospects);
        Assert.Equal("Northeast Bureau", held.Member(northeast.Did)!.Name);
        Assert.Equal("ready: ties with 2 of 2", (await moscow.Agency.Bureaus.BureauReadinessAsync(bureau.Id)).Summary);
        Assert.Equal(TelexErrorKind.Conflict,
            (await Assert.ThrowsAsync<TelexException>(() => moscow.Agency.Directory.LinkCounterpartAsync("Gao Gang, Shenyang", "Northeast Bureau"))).Kind);

        // After the charter its members are fixed; a member of it cannot name prospects.
        await moscow.Agency.Bureaus.CharterBureauAsync(bureau.Id);
        var fixedBy = await Assert.ThrowsAsync<TelexException>(() => moscow.Agency.Bureaus.AddBureauMemberAsync(bureau.Id, "Peking"));
        Assert.Contains("its charter has fixed who may join", fixedBy.Message, StringComparison.Ordinal);
        await Eventually.UntilAsync(() => peking.Store.Bureaus.GetBureauAsync(bureau.Id), b => b is not null, Deadline, "Peking holds the charter");
        await Assert.ThrowsAsync<TelexException>(() => peking.Agency.Bureaus.AddBureauMemberAsync(bureau.Id, "Moscow"));
    }

    [Fact]
    public async Task The_api_and_console_name_a_prospect_as_known_of_no_tie_and_only_admins_name_one()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var admin = await ApiClient.SignInAsync(a, Role.Admin, "ada");
        using var clerk = await ApiClient.SignInAsync(a, Role.Clerk);
        (await admin.PostAsJsonAsync("/api/directory", new { name = "Charlie" })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/directory", new { name = "Delta" })).EnsureSuccessStatusCode();

        var proposed = await (await admin.PostAsJsonAsync("/api/bureaus", new { name = "Liaison Bureau", purpose = "Liaison", members = new[] { "Bravo", "Charlie" } }))
            .JsonAsync(HttpStatusCode.Created);
        string id = proposed.GetProperty("id").GetString()!;
        Assert.Equal(2, proposed.GetProperty("members").GetArrayLength());
        Assert.Equal(("Charlie", "known of, no tie"), (proposed.GetProperty("prospects")[0].GetProperty("name").GetString(),
            proposed.GetProperty("prospects")[0].GetProperty("tie").GetString()));

        // A clerk may not name one; bad input names its field; an admin names Delta.
        await (await clerk.PostAsJsonAsync($"/api/bureaus/{id}/members", new { member = "Delta" })).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var bad = await (await admin.PostAsJsonAsync($"/api/bureaus/{id}/members", new { member = "" })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        Assert.Equal("member", bad.GetProperty("field").GetString());
        await (await admin.PostAsJsonAsync($"/api/bureaus/{id}/members", new { member = "Nobody" })).ProblemAsync(HttpStatusCode.NotFound);
        await (await admin.PostAsJsonAsync($"/api/bureaus/{id}/members", new { member = "Delta" })).JsonAsync(HttpStatusCode.OK);

        var readiness = await (await clerk.GetAsync($"/api/bureaus/{id}/readiness")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("premature: ties with 1 of 3; 2 known of, no tie", readiness.GetProperty("summary").GetString());
        var missing = readiness.GetProperty("missing").EnumerateArray().ToList();
        Assert.Equal(["Charlie", "Delta"], missing.Select(m => m.GetProperty("name").GetString()));
        Assert.All(missing, m =>
        {
            Assert.Equal(System.Text.Json.JsonValueKind.Null, m.GetProperty("did").ValueKind);
            Assert.Equal("known of, no tie", m.GetProperty("tie").GetString());
            Assert.StartsWith("establish a tie with it", m.GetProperty("next").GetString(), StringComparison.Ordinal);
        });

        // A telegram to a prospect over the API is refused with where to look, and nothing is released.
        using var sender = await ApiClient.SignInAsync(a, Role.ReleasingOfficer);
        var refused = await (await sender.PostAsJsonAsync("/api/telegrams", new { to = "Charlie", subject = "s", body = "b" })).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("telex directory show \"Charlie\"", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The console's bureau page shows them by name, known of, no tie; no DID.
        var console = await ConsoleSession.SignInAsync(a.Url, "ada", ApiClient.Password);
        using var browser = new HttpClient { BaseAddress = new Uri(a.Url) };
        browser.DefaultRequestHeaders.Add("Cookie", console.CookieHeader);
        string page = await browser.GetStringAsync($"/bureaus/{id}");
        Assert.Contains("known of, no tie", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"prospects\"", page, StringComparison.Ordinal);
        Assert.Contains(">Charlie</a>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("did:peer", page, StringComparison.Ordinal);
        Assert.Contains("Charlie (known of, no tie)", await browser.GetStringAsync("/bureaus"), StringComparison.Ordinal);
        string dossier = await browser.GetStringAsync("/directory/counterpart?c=Charlie");
        Assert.Contains("data-testid=\"name-only\"", dossier, StringComparison.Ordinal);
        Assert.Contains("<option value=\"Bravo\">Bravo</option>", dossier, StringComparison.Ordinal);
        Assert.DoesNotContain("did:peer", dossier, StringComparison.Ordinal);

        // Dropped over the API; the founder and an unknown name are refused.
        await (await admin.DeleteAsync($"/api/bureaus/{id}/members/{Uri.EscapeDataString("Alpha")}")).ProblemAsync(HttpStatusCode.Conflict);
        await (await admin.DeleteAsync($"/api/bureaus/{id}/members/Nobody")).ProblemAsync(HttpStatusCode.NotFound);
        var dropped = await (await admin.DeleteAsync($"/api/bureaus/{id}/members/Delta")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(["Charlie"], dropped.GetProperty("prospects").EnumerateArray().Select(p => p.GetProperty("name").GetString()));

        // Linked over the API to a tie (here, Bravo's: only to show the endpoint; an officer links the agency it truly is).
        await (await clerk.PostAsJsonAsync($"/api/directory/Charlie/link", new { tie = "Bravo" })).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await admin.PostAsJsonAsync($"/api/directory/Charlie/link", new { tie = "" })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        await (await admin.PostAsJsonAsync($"/api/directory/Charlie/link", new { tie = "Nobody" })).ProblemAsync(HttpStatusCode.NotFound);
    }
}
