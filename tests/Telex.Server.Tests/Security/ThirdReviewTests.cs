using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

using Telex.Core;
using Telex.Core.Model;
using Telex.Core.Protocol;
using Telex.Core.Storage;
using Telex.Server.Tests.Api;
using Telex.TestKit;

namespace Telex.Server.Tests.Security;

/// <summary>
/// A third outside review, of issue referrals, officer administration and what the client API names: a tied counterpart
/// reaching past the checks on passed-on changes through a referral's share, or naming an agency as another; an
/// officer's old password outliving an admin's reset.
/// </summary>
public sealed class ThirdReviewTests
{
    private static JsonObject Event(string issue, long clock, string status, string? agency = null, string? title = null, string? outcome = null,
        string? referredTo = null, string? referredToDid = null, Guid? id = null, DateTimeOffset? at = null)
    {
        var body = new JsonObject
        {
            ["issue"] = issue,
            ["event"] = (id ?? Guid.NewGuid()).ToString(),
            ["clock"] = clock,
            ["status"] = status,
            ["time"] = (at ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds(),
        };
        foreach (var (name, value) in new[]
        {
            ("agency", agency), ("title", title), ("outcome", outcome), ("referred_to", referredTo), ("referred_to_did", referredToDid),
        })
        {
            if (value is not null)
            {
                body[name] = value;
            }
        }

        return body;
    }

    private static JsonObject Share(string issue, IEnumerable<JsonObject> events, params (string Did, string Name)[] participants) => new()
    {
        ["issue"] = issue,
        ["events"] = new JsonArray([.. events]),
        ["participants"] = new JsonArray([.. participants.Select(p => (JsonNode)new JsonObject { ["did"] = p.Did, ["name"] = p.Name })]),
    };

    private static Task<(int Status, string? Code)> PostAsync(TestAgency to, HostilePeer from, string type, JsonObject body, string thid) =>
        HostilePeer.PostAsync(to.Identity.Endpoint, from.SignAndEncrypt(from.Message(type, to.Did, body) with { Thid = thid }, to.Did));

    [Fact]
    public async Task A_share_of_an_issue_held_here_already_cannot_file_what_a_passed_on_change_could_not()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var mallory = await HostilePeer.TiedWithAsync(b);
        using var stranger = HostilePeer.Create("Stranger");
        var issue = await b.Agency.Issues.OpenIssueAsync(mallory.Did, "Aid", "zhou");
        var opening = Assert.Single(await b.Store.Issues.ListIssueEventsAsync(issue.Id));
        JsonObject AsFiled() => Event(issue.Id, 1, "open", agency: b.Did, title: "Aid", id: opening.Id, at: opening.At);
        JsonObject Referral(long clock) => Event(issue.Id, clock, "referred", outcome: "Over to you", referredTo: "Bravo", referredToDid: b.Did);
        long head = (await b.Store.Register.GetRegisterHeadAsync()).Count;

        // As a passed-on change, a change "by" an agency not taking part is refused (ReferralAttackTests); wrapped in a
        // "referral" of the issue to Bravo, which holds it already, it is refused the same.
        Assert.Equal((409, "e.p.issue.unknown-party"), await PostAsync(b, mallory, MessageTypes.IssueShare,
            Share(issue.Id, [AsFiled(), Event(issue.Id, 2, "agreed", agency: stranger.Did, outcome: "The stranger agrees"), Referral(3)]), issue.Id));

        // A second opening of an issue Mallory opened with Bravo: same title, same opener, another event.
        Assert.Equal(202, (await PostAsync(b, mallory, MessageTypes.IssueOpen, Event("grain", 1, "open", title: "Grain"), "grain")).Status);
        head = (await b.Store.Register.GetRegisterHeadAsync()).Count;
        Assert.Equal((409, "e.p.issue.conflict"), await PostAsync(b, mallory, MessageTypes.IssueShare,
            Share("grain", [Event("grain", 1, "open", agency: mallory.Did, title: "Grain"),
                Event("grain", 2, "referred", outcome: "Over to you", referredTo: "Bravo", referredToDid: b.Did)]), "grain"));
        Assert.Single(await b.Store.Issues.ListIssueEventsAsync("grain"));

        Assert.Single(await b.Store.Issues.ListIssueEventsAsync(issue.Id));
        Assert.Empty(await b.Store.Issues.ListIssueParticipantsAsync(issue.Id));
        Assert.Equal(head, (await b.Store.Register.GetRegisterHeadAsync()).Count);

        // Agencies a share lists as taking part are for an issue new here: for one held here only a referral brings one in.
        Assert.Equal(202, (await PostAsync(b, mallory, MessageTypes.IssueShare, Share(issue.Id, [AsFiled(), Referral(2)], (a.Did, "Alpha")), issue.Id)).Status);
        Assert.Equal(2, (await b.Store.Issues.ListIssueEventsAsync(issue.Id)).Count);
        Assert.Empty(await b.Store.Issues.ListIssueParticipantsAsync(issue.Id));
        Assert.True((await b.Agency.Register.VerifyRegisterAsync()).Ok);
    }

    [Fact]
    public async Task A_referral_cannot_name_a_tied_agency_as_another_where_officers_read_who_takes_part()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var mallory = await HostilePeer.TiedWithAsync(b);
        var issue = await b.Agency.Issues.OpenIssueAsync(mallory.Did, "Aid", "zhou");

        // Mallory refers the issue to Alpha, but calls it "Charlie": Bravo's officers would believe Charlie reads along.
        Assert.Equal(202, (await PostAsync(b, mallory, MessageTypes.IssueStatus,
            Event(issue.Id, 2, "referred", outcome: "To Charlie", referredTo: "Charlie", referredToDid: a.Did), issue.Id)).Status);

        var history = await b.Agency.Issues.IssueHistoryAsync(issue.Id);
        Assert.Equal([(a.Did, "Alpha")], history.Participants.Select(p => (p.Did, p.Name)));
        using var officer = await ApiClient.SignInAsync(b, Role.Clerk, "kovalev");
        var view = await (await officer.GetAsync($"/api/issues/{issue.Id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(["Alpha"], view.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task A_sign_in_with_the_old_password_racing_an_admins_reset_leaves_no_session_behind()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var admin = await ApiClient.SignInAsync(a, Role.Admin, "ada");
        await ApiClient.AddOfficerAsync(a.Store, "kovalev", Role.Clerk);
        using var anonymous = ApiClient.Anonymous(a.Url);

        // Whoever knows the password an admin resets (the reason for a reset) signs in at the moment of the reset. The sign-in
        // checks the old password while the reset hashes the new one: without one lock, the reset may revoke the officer's
        // tokens between the sign-in's check and its token, and that token then outlives the reset.
        string password = ApiClient.Password;
        for (int round = 0; round < 8; round++)
        {
            var signIn = anonymous.PostAsJsonAsync("/api/session", new { name = "kovalev", password });
            var reset = admin.PostAsync("/api/officers/kovalev/reset", null);
            await Task.WhenAll(signIn, reset);
            using var signedIn = await signIn;
            using var resetAnswer = await reset;
            string fresh = (await resetAnswer.JsonAsync(HttpStatusCode.OK)).GetProperty("oneTimePassword").GetString()!;
            if (signedIn.StatusCode == HttpStatusCode.OK)
            {
                using var old = ApiClient.Anonymous(a.Url);
                old.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
                    (await signedIn.JsonAsync(HttpStatusCode.OK)).GetProperty("token").GetString());
                await (await old.GetAsync("/api/agency")).ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
            }

            password = fresh;
        }
    }

    [Fact]
    public async Task A_counterpart_cannot_refer_an_issue_to_agencies_without_end()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var mallory = await HostilePeer.TiedWithAsync(b);
        var issue = await b.Agency.Issues.OpenIssueAsync(mallory.Did, "Aid", "zhou");

        // Each referral names another made-up agency: every one would take part in every change, be looked up on every
        // reading of the issue, and be named in the next referral's share.
        var made = new List<HostilePeer>();
        try
        {
            for (int i = 0; i < 50; i++)
            {
                made.Add(HostilePeer.Create($"Made up {i}"));
                var referral = Event(issue.Id, 2 + i, "referred", outcome: "Over to them", referredTo: $"Made up {i}", referredToDid: made[i].Did);
                var expected = i < 49 ? (202, null) : (409, "e.p.issue.full");
                Assert.Equal(expected, await PostAsync(b, mallory, MessageTypes.IssueStatus, referral, issue.Id));
            }
        }
        finally
        {
            made.ForEach(p => p.Dispose());
        }

        Assert.Equal(49, (await b.Store.Issues.ListIssueParticipantsAsync(issue.Id)).Count);
        Assert.Equal(50, (await b.Store.Issues.ListIssueEventsAsync(issue.Id)).Count);
        var refused = await Assert.ThrowsAsync<TelexException>(() => b.Agency.Issues.ChangeIssueAsync(issue.Id, "referred", "To Alpha", "Alpha", "zhou"));
        Assert.Equal(TelexErrorKind.Conflict, refused.Kind);
        Assert.Equal(50, (await b.Store.Issues.ListIssueEventsAsync(issue.Id)).Count);
    }

    [Fact]
    public async Task An_issue_id_of_dots_alone_is_refused_for_a_link_to_it_would_lead_elsewhere()
    {
        await using var b = await TestAgency.StartAsync("Bravo");
        using var mallory = await HostilePeer.TiedWithAsync(b);
        foreach (string id in new[] { ".", ".." })
        {
            Assert.Equal((400, "e.p.msg.bad-request"), await PostAsync(b, mallory, MessageTypes.IssueOpen, Event(id, 1, "open", title: "Dots"), id));
        }

        Assert.Empty(await b.Store.Issues.ListIssuesAsync(new IssueQuery()));
    }

    [Fact]
    public async Task A_vocabulary_holding_a_null_outcome_is_refused_as_invalid_and_the_vocabulary_stands()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var admin = await ApiClient.SignInAsync(a, Role.Admin, "ada");
        using var body = new StringContent("{\"outcomes\":[{\"term\":\"granted\",\"means\":\"agreed\"},null]}", System.Text.Encoding.UTF8, "application/json");

        await (await admin.PutAsync("/api/issues/outcomes", body)).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        Assert.Equal(OutcomeVocabulary.Default, await a.Agency.Issues.OutcomesAsync());
    }
}
