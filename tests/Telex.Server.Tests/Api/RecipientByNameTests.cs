using System.Net;
using System.Net.Http.Json;

using Telex.Core;
using Telex.Core.Model;
using Telex.TestKit;

namespace Telex.Server.Tests.Api;

/// <summary><c>POST /api/telegrams</c> takes its recipient by a counterpart's name as well as by DID, as it takes <c>via</c>.</summary>
public sealed class RecipientByNameTests
{
    private static object Telegram(string to) => new { to, subject = "The situation in the Orient", body = "Mao Zedong asked me to inform you." };

    [Fact]
    public async Task A_telegram_addressed_by_the_tied_counterparts_name_goes_to_its_tie()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var sender = await ApiClient.SignInAsync(a, Role.ReleasingOfficer);
        using var reader = await ApiClient.SignInTypedAsync(b, Role.Clerk);

        var sent = await (await sender.PostAsJsonAsync("/api/telegrams", Telegram("bravo"))).JsonAsync(HttpStatusCode.Created);

        Assert.Equal(b.Did, sent.GetProperty("counterpart").GetString());
        Assert.Equal("Bravo", sent.GetProperty("counterpartName").GetString());
        var inbound = await Eventually.UntilAsync(() => reader.ListTelegramsAsync("direction=inbound"),
            list => list.Length == 1, TimeSpan.FromSeconds(30), "the telegram is listed at Bravo");
        Assert.Equal("The situation in the Orient", inbound[0].Subject);
    }

    [Fact]
    public async Task A_name_no_counterpart_bears_is_a_validation_problem_and_sends_nothing()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var sender = await ApiClient.SignInAsync(a, Role.ReleasingOfficer);
        using var typed = await ApiClient.SignInTypedAsync(a, Role.ReleasingOfficer, "auditing");

        var problem = await (await sender.PostAsJsonAsync("/api/telegrams", Telegram("Charlie"))).ProblemAsync(HttpStatusCode.BadRequest, "invalid");

        Assert.Equal("to", problem.GetProperty("field").GetString());
        Assert.Contains("Charlie", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await typed.ListTelegramsAsync("direction=outbound"));
    }

    [Fact]
    public async Task A_name_two_ties_bear_is_a_validation_problem_and_sends_nothing()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var first = await TestAgency.StartAsync("Bravo");
        await using var second = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, first);
        await TestAgency.TieAsync(a, second);
        using var sender = await ApiClient.SignInAsync(a, Role.ReleasingOfficer);
        using var typed = await ApiClient.SignInTypedAsync(a, Role.ReleasingOfficer, "auditing");

        var problem = await (await sender.PostAsJsonAsync("/api/telegrams", Telegram("Bravo"))).ProblemAsync(HttpStatusCode.BadRequest, "invalid");

        Assert.Equal("to", problem.GetProperty("field").GetString());
        Assert.Contains("several ties are named 'Bravo'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await typed.ListTelegramsAsync("direction=outbound"));

        // The DID tells them apart.
        var sent = await (await sender.PostAsJsonAsync("/api/telegrams", Telegram(second.Did))).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(second.Did, sent.GetProperty("counterpart").GetString());
    }

    [Fact]
    public async Task A_name_is_trusted_only_once_the_ties_fingerprint_is_confirmed()
    {
        // A tie's name is what the other side called itself when it used the invitation: until an officer has compared
        // the fingerprint, anyone holding the code could bear it.
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        var code = await a.Agency.Ties.CreateInvitationAsync();
        await b.Agency.Ties.AcceptInvitationAsync(code.Url);
        await Eventually.UntilAsync(() => a.Store.Ties.GetTieAsync(b.Did), t => t?.Status == TieStatus.Established,
            TimeSpan.FromSeconds(30), "Alpha holds an established tie with Bravo");
        using var sender = await ApiClient.SignInAsync(a, Role.ReleasingOfficer);
        using var typed = await ApiClient.SignInTypedAsync(a, Role.ReleasingOfficer, "auditing");

        var problem = await (await sender.PostAsJsonAsync("/api/telegrams", Telegram("Bravo"))).ProblemAsync(HttpStatusCode.BadRequest, "invalid");

        Assert.Equal("to", problem.GetProperty("field").GetString());
        Assert.Contains("fingerprint", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await typed.ListTelegramsAsync("direction=outbound"));

        await a.Agency.Ties.VerifyTieAsync(b.Did);
        var sent = await (await sender.PostAsJsonAsync("/api/telegrams", Telegram("Bravo"))).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(b.Did, sent.GetProperty("counterpart").GetString());
    }

    [Fact]
    public async Task A_relay_named_by_the_name_of_a_tie_whose_fingerprint_is_unconfirmed_is_refused_and_nothing_is_sent()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var r = await TestAgency.StartAsync("Relay");
        await using var b = await TestAgency.StartAsync("Bravo");
        await Relay.RelayNetwork.ConnectAsync(a, r, b);
        await a.Store.Ties.SaveTieAsync((await a.Store.Ties.GetTieAsync(r.Did))! with { Verified = false });
        using var sender = await ApiClient.SignInAsync(a, Role.ReleasingOfficer);
        using var typed = await ApiClient.SignInTypedAsync(a, Role.ReleasingOfficer, "auditing");

        var problem = await (await sender.PostAsJsonAsync("/api/telegrams", new { to = b.Did, subject = "S", body = "B", via = "Relay" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "invalid");

        Assert.Equal("via", problem.GetProperty("field").GetString());
        Assert.Contains("fingerprint", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await typed.ListTelegramsAsync("direction=outbound"));

        // By its DID the relay is named as the officer means it.
        await (await sender.PostAsJsonAsync("/api/telegrams", new { to = b.Did, subject = "S", body = "B", via = r.Did })).JsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Clients_resolve_a_name_by_the_rule_the_agency_applies_to_recipients()
    {
        // GET /api/recipients/{name} is how the command line turns a name into a DID for its other commands.
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await using var c = await TestAgency.StartAsync("Charlie");
        await TestAgency.TieAsync(a, b);
        var code = await a.Agency.Ties.CreateInvitationAsync();
        await c.Agency.Ties.AcceptInvitationAsync(code.Url);
        await Eventually.UntilAsync(() => a.Store.Ties.GetTieAsync(c.Did), t => t?.Status == TieStatus.Established,
            TimeSpan.FromSeconds(30), "Alpha holds an established tie with Charlie");
        await a.Agency.Directory.AddToDirectoryAsync("Delta", null, null, [b.Did]);
        using var clerk = await ApiClient.SignInAsync(a, Role.Clerk);

        var bravo = await (await clerk.GetAsync("/api/recipients/bravo")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(b.Did, bravo.GetProperty("did").GetString());
        var unconfirmed = await (await clerk.GetAsync("/api/recipients/Charlie")).ProblemAsync(HttpStatusCode.Conflict, "conflict");
        Assert.Contains("fingerprint", unconfirmed.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var byNameOnly = await (await clerk.GetAsync("/api/recipients/Delta")).ProblemAsync(HttpStatusCode.Conflict, "conflict");
        Assert.Contains("without a DID", byNameOnly.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await (await clerk.GetAsync("/api/recipients/Echo")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task A_name_an_officer_entered_with_its_DID_addresses_it_and_a_name_a_peer_gave_does_not()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await using var c = await TestAgency.StartAsync("Charlie");
        await using var d = await TestAgency.StartAsync("Delta");
        using var clerk = await ApiClient.SignInAsync(a, Role.Clerk);

        // Entered by an officer, name and DID together: the name is the officer's word for the DID.
        await a.Agency.Directory.AddToDirectoryAsync("Bravo Station", b.Did, null, null);
        var entered = await (await clerk.GetAsync("/api/recipients/bravo station")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(b.Did, entered.GetProperty("did").GetString());

        // Entered from what a peer said (as a sender first heard of through a relay is): only the peer's claim.
        Assert.True(await a.Store.Directory.AddDirectoryEntryAsync(new DirectoryEntry { Id = Guid.NewGuid(), Name = "Delta", Did = d.Did, AddedAt = DateTimeOffset.UtcNow }));
        var claimed = await (await clerk.GetAsync("/api/recipients/Delta")).ProblemAsync(HttpStatusCode.Conflict, "conflict");
        Assert.Contains("stranger", claimed.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // A name known of by name only, linked by an officer to a tie whose fingerprint is not confirmed yet: the
        // officer named the tie, so the name addresses it.
        var code = await a.Agency.Ties.CreateInvitationAsync();
        await c.Agency.Ties.AcceptInvitationAsync(code.Url);
        await Eventually.UntilAsync(() => a.Store.Ties.GetTieAsync(c.Did), t => t?.Status == TieStatus.Established,
            TimeSpan.FromSeconds(30), "Alpha holds an established tie with Charlie");
        await a.Agency.Directory.AddToDirectoryAsync("Charlie Desk", null, null, null);
        await a.Agency.Directory.LinkCounterpartAsync("Charlie Desk", c.Did);
        var linked = await (await clerk.GetAsync("/api/recipients/Charlie Desk")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(c.Did, linked.GetProperty("did").GetString());
        await (await clerk.GetAsync("/api/recipients/Charlie")).ProblemAsync(HttpStatusCode.Conflict, "conflict");
    }

    [Fact]
    public async Task Text_holding_the_NUL_character_is_a_validation_problem_wherever_an_officer_writes_it()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var sender = await ApiClient.SignInAsync(a, Role.Admin);
        using var typed = await ApiClient.SignInTypedAsync(a, Role.ReleasingOfficer, "auditing");

        var subject = await (await sender.PostAsJsonAsync("/api/telegrams", new { to = "Bravo", subject = "Gr\0ain", body = "B" })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        Assert.Equal("subject", subject.GetProperty("field").GetString());
        var mediaType = await (await sender.PostAsJsonAsync("/api/telegrams", new
        {
            to = "Bravo",
            subject = "S",
            body = "B",
            attachments = new[] { new { name = "a.txt", mediaType = "text/plain\0", contentBase64 = "AQ==" } },
        })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        Assert.Equal("attachments[0].mediaType", mediaType.GetProperty("field").GetString());
        Assert.Empty(await typed.ListTelegramsAsync("direction=outbound"));

        // A field no rule of its own covers is refused by the store's last line, alike on every engine: a dossier note.
        var note = await (await sender.PostAsJsonAsync("/api/directory/Bravo/notes", new { text = "Met in\0Moscow" })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        Assert.Contains("NUL", note.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty((await (await sender.GetAsync("/api/directory/Bravo")).JsonAsync(HttpStatusCode.OK)).GetProperty("notes").EnumerateArray());
    }

    [Fact]
    public async Task A_clearance_rule_names_its_counterpart_by_the_rule_for_recipients_and_one_that_could_match_no_telegram_is_refused()
    {
        // A rule compares its counterpart with the recipient's DID: one kept under a name would match no telegram, and
        // what it was written to hold back would leave uncleared.
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await using var c = await TestAgency.StartAsync("Charlie");
        await TestAgency.TieAsync(a, b);
        var code = await a.Agency.Ties.CreateInvitationAsync();
        await c.Agency.Ties.AcceptInvitationAsync(code.Url);
        await Eventually.UntilAsync(() => a.Store.Ties.GetTieAsync(c.Did), t => t?.Status == TieStatus.Established,
            TimeSpan.FromSeconds(30), "Alpha holds an established tie with Charlie");
        using var admin = await ApiClient.SignInAsync(a, Role.Admin, "admin");
        using var chief = await ApiClient.SignInAsync(a, Role.Clerk, "chief");
        using var sender = await ApiClient.SignInAsync(a, Role.ReleasingOfficer);
        using var typed = await ApiClient.SignInTypedAsync(a, Role.ReleasingOfficer, "auditing");

        var unconfirmed = await (await admin.PostAsJsonAsync("/api/clearance/rules", new { counterpart = "Charlie", officers = new[] { "chief" } }))
            .ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        Assert.Equal("counterpart", unconfirmed.GetProperty("field").GetString());
        Assert.Contains("fingerprint", unconfirmed.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var unaddressable = await Assert.ThrowsAsync<TelexException>(() => a.Agency.Clearance.AddClearanceRuleAsync(new ClearanceRule
        {
            Id = Guid.Empty,
            Counterpart = "Bravo",
            Officers = ["chief"],
        }));
        Assert.Equal(TelexErrorKind.Invalid, unaddressable.Kind);
        await (await admin.PostAsJsonAsync("/api/clearance/rules", new { counterpart = b.Did[..^4], officers = new[] { "chief" } }))
            .ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        Assert.Empty(await a.Agency.Clearance.GetClearanceRulesAsync());

        var rule = await (await admin.PostAsJsonAsync("/api/clearance/rules", new { counterpart = "bravo", officers = new[] { "chief" } }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal(b.Did, rule.GetProperty("counterpart").GetString());
        await (await sender.PostAsJsonAsync("/api/telegrams", Telegram("Bravo"))).ProblemAsync(HttpStatusCode.Conflict, "conflict");
        Assert.Empty(await typed.ListTelegramsAsync("direction=outbound"));
    }

    [Fact]
    public async Task A_relay_pair_named_by_the_name_of_a_tie_whose_fingerprint_is_unconfirmed_is_refused_and_the_policy_is_unchanged()
    {
        // Whoever holds one of this agency's invitation codes establishes a tie under any name it likes: permitting relays
        // by that name would relay for whoever took it.
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await using var c = await TestAgency.StartAsync("Charlie");
        await TestAgency.TieAsync(a, c);
        var code = await a.Agency.Ties.CreateInvitationAsync();
        await b.Agency.Ties.AcceptInvitationAsync(code.Url);
        await Eventually.UntilAsync(() => a.Store.Ties.GetTieAsync(b.Did), t => t?.Status == TieStatus.Established,
            TimeSpan.FromSeconds(30), "Alpha holds an established tie with Bravo");
        using var admin = await ApiClient.SignInAsync(a, Role.Admin, "admin");

        var problem = await (await admin.PostAsJsonAsync("/api/relay/allow", new { a = "Charlie", b = "Bravo" })).ProblemAsync(HttpStatusCode.BadRequest, "invalid");

        Assert.Equal("b", problem.GetProperty("field").GetString());
        Assert.Contains("fingerprint", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty((await a.Agency.Relays.GetPolicyAsync()).Pairs);

        // By its DID, or once its fingerprint is confirmed, the pair is named as the officer means it.
        await a.Agency.Ties.VerifyTieAsync(b.Did);
        var policy = await (await admin.PostAsJsonAsync("/api/relay/allow", new { a = "Charlie", b = "Bravo" })).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(new[] { b.Did, c.Did }.Order(StringComparer.Ordinal), policy.GetProperty("pairs")[0].EnumerateArray().Select(d => d.GetString()));
    }

    [Fact]
    public async Task An_agency_a_counterpart_is_known_to_be_tied_with_is_named_by_the_rule_for_recipients_and_nothing_is_added_otherwise()
    {
        // The ties a directory entry is known to hold decide which relay reaches it: naming them by a name a peer chose
        // would route through whoever took the name.
        await using var a = await TestAgency.StartAsync("Alpha");
        using var claimant = await HostilePeer.TiedWithAsync(a, "Bravo");
        using var charlie = HostilePeer.Create("Charlie");
        using var admin = await ApiClient.SignInAsync(a, Role.Admin, "admin");

        var problem = await (await admin.PostAsJsonAsync("/api/directory", new { name = "Charlie", did = charlie.Did, tiedWith = new[] { "Alpha", "bravo" } }))
            .ProblemAsync(HttpStatusCode.Conflict, "conflict");
        Assert.Contains("fingerprint", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await a.Store.Directory.ListDirectoryAsync());

        // By its DID, or once its fingerprint is confirmed, the agency is named as the officer means it; this agency by its own name.
        await a.Agency.Ties.VerifyTieAsync(claimant.Did);
        var added = await (await admin.PostAsJsonAsync("/api/directory", new { name = "Charlie", did = charlie.Did, tiedWith = new[] { "Alpha", "bravo" } }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal([a.Did, claimant.Did], added.GetProperty("knownTies").EnumerateArray().Select(e => e.GetString()));
    }
}
