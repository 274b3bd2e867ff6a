using System.Text.Json.Nodes;

using Telex.Core;
using Telex.Core.Model;
using Telex.Core.Protocol;
using Telex.Server.Api;
using Telex.Server.Tests.Api;
using Telex.Server.Tests.Console;
using Telex.TestKit;

namespace Telex.Server.Tests.Security;

/// <summary>
/// Names a peer gives to agencies this one has no word of its own for: the agency a counterpart's referral brings into
/// an issue, the agencies a referral lists as taking part, a sender first heard of through a relay. Such a name is the
/// peer's claim: it never takes the name this agency knows another agency by (a tie's, a directory entry's, its own),
/// which would make a stranger read as a trusted counterpart; and an agency known here keeps the name known here.
/// </summary>
public sealed class PeerGivenNameTests
{
    private static JsonObject Event(string issue, long clock, string status, string agency, string? title = null, string? outcome = null,
        string? referredTo = null, string? referredToDid = null)
    {
        var body = new JsonObject
        {
            ["issue"] = issue,
            ["event"] = Guid.NewGuid().ToString(),
            ["clock"] = clock,
            ["status"] = status,
            ["time"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            ["agency"] = agency,
        };
        foreach (var (name, value) in new[] { ("title", title), ("outcome", outcome), ("referred_to", referredTo), ("referred_to_did", referredToDid) })
        {
            if (value is not null)
            {
                body[name] = value;
            }
        }

        return body;
    }

    private static Task<(int Status, string? Code)> PostAsync(TestAgency to, HostilePeer from, string type, JsonObject body, string thid) =>
        HostilePeer.PostAsync(to.Identity.Endpoint, from.SignAndEncrypt(from.Message(type, to.Did, body) with { Thid = thid }, to.Did));

    [Fact]
    public async Task A_referral_from_a_counterpart_cannot_give_the_agency_it_brings_in_the_name_of_a_tie_nor_rename_a_tie()
    {
        await using var bravo = await TestAgency.StartAsync("Bravo");
        using var mallory = await HostilePeer.TiedWithAsync(bravo, "Mallory");
        using var beijing = await HostilePeer.TiedWithAsync(bravo, "Beijing");
        using var impostor = HostilePeer.Create("Impostor");
        var issue = await bravo.Agency.Issues.OpenIssueAsync(mallory.Did, "Aid to the Orient", "zhou");

        // Mallory refers the issue to an agency of its own making and calls it Beijing: the referral is filed as Mallory
        // signed it, and the agency brought in is not named as Bravo's tie is.
        Assert.Equal((202, null), await PostAsync(bravo, mallory, MessageTypes.IssueStatus,
            Event(issue.Id, 2, "referred", mallory.Did, outcome: "Agree on it with Beijing", referredTo: "Beijing", referredToDid: impostor.Did), issue.Id));
        var joined = Assert.Single(await bravo.Store.Issues.ListIssueParticipantsAsync(issue.Id));
        Assert.Equal(impostor.Did, joined.Did);
        Assert.NotEqual("beijing", joined.Name.ToLowerInvariant());
        Assert.StartsWith("Beijing (", joined.Name, StringComparison.Ordinal);
        Assert.Equal("Beijing", (await bravo.Store.Issues.ListIssueEventsAsync(issue.Id))[^1].ReferredTo);

        // A referral to Bravo's own tie under another name: the tie keeps its name.
        Assert.Equal((202, null), await PostAsync(bravo, mallory, MessageTypes.IssueStatus,
            Event(issue.Id, 3, "referred", mallory.Did, outcome: "Or with the Gazette", referredTo: "Gazette", referredToDid: beijing.Did), issue.Id));
        var participants = await bravo.Store.Issues.ListIssueParticipantsAsync(issue.Id);
        Assert.Equal("Beijing", participants.Single(p => p.Did == beijing.Did).Name);
        Assert.DoesNotContain(participants, p => p.Name == "Gazette");
        Assert.Equal(["Beijing", joined.Name], (await bravo.Agency.Issues.IssueHistoryAsync(issue.Id)).Participants.Select(p => p.Name).Order());

        // The console reads each referral as to the agency it brought in, by the name filed here, not by its referred_to text.
        using var officer = await ApiClient.SignInAsync(bravo, Role.Clerk, "ada");
        var console = await ConsoleSession.SignInAsync(bravo.Url, "ada", ApiClient.Password);
        var (status, page) = await console.SendAsync("GET", $"/issues/{issue.Id}");
        Assert.Equal(200, status);
        Assert.Contains("referred to " + joined.Name, page, StringComparison.Ordinal);
        Assert.DoesNotContain("to Gazette", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_referral_handing_over_an_issue_cannot_name_the_agencies_taking_part_as_this_agency_knows_others()
    {
        await using var bravo = await TestAgency.StartAsync("Bravo");
        using var mallory = await HostilePeer.TiedWithAsync(bravo, "Mallory");
        using var beijing = await HostilePeer.TiedWithAsync(bravo, "Beijing");
        using var impostor = HostilePeer.Create("Impostor");
        using var stranger = HostilePeer.Create("Stranger");
        using var other = HostilePeer.Create("Other");
        await bravo.Agency.Directory.AddToDirectoryAsync("Shenyang", did: null, endpoint: null, knownTies: null);
        await bravo.Agency.Directory.AddToDirectoryAsync("Шэньян", did: null, endpoint: null, knownTies: null);
        const string Issue = "handed-over";
        var share = new JsonObject
        {
            ["issue"] = Issue,
            ["events"] = new JsonArray(
                Event(Issue, 1, "open", mallory.Did, title: "Aid to the Orient"),
                Event(Issue, 2, "referred", mallory.Did, outcome: "Yours to agree on", referredTo: "Bravo", referredToDid: bravo.Did)),
            ["participants"] = new JsonArray(
                new JsonObject { ["did"] = impostor.Did, ["name"] = "BEIJING" },
                new JsonObject { ["did"] = beijing.Did, ["name"] = "Gazette" },
                new JsonObject { ["did"] = stranger.Did, ["name"] = "Shenyang" },
                new JsonObject { ["did"] = other.Did, ["name"] = "ШЭНЬЯН" }),
            ["sender_name"] = "Mallory",
        };
        Assert.Equal((202, null), await PostAsync(bravo, mallory, MessageTypes.IssueShare, share, Issue));

        var named = (await bravo.Store.Issues.ListIssueParticipantsAsync(Issue)).ToDictionary(p => p.Did, p => p.Name);
        Assert.Equal(4, named.Count);
        Assert.Equal("Beijing", named[beijing.Did]);
        Assert.StartsWith("BEIJING (", named[impostor.Did], StringComparison.Ordinal);
        Assert.StartsWith("Shenyang (", named[stranger.Did], StringComparison.Ordinal);
        Assert.StartsWith("ШЭНЬЯН (", named[other.Did], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_referral_to_a_name_two_ties_go_by_is_refused_rather_than_handed_to_either()
    {
        await using var bravo = await TestAgency.StartAsync("Bravo");
        using var mallory = await HostilePeer.TiedWithAsync(bravo, "Mallory");
        using var shenyang = await HostilePeer.TiedWithAsync(bravo, "Shenyang");
        using var impostor = await HostilePeer.TiedWithAsync(bravo, "SHENYANG");
        var issue = await bravo.Agency.Issues.OpenIssueAsync(mallory.Did, "Aid to the Orient", "zhou");
        var depth = await bravo.Store.Outbox.OutboxDepthAsync();

        // Which Shenyang? Neither receives the issue: refused naming how to choose, nothing filed or queued.
        var refused = await Assert.ThrowsAsync<TelexException>(() =>
            bravo.Agency.Issues.ChangeIssueAsync(issue.Id, "referred", "Agree on it with Gao Gang", "Shenyang", "kovalev"));
        Assert.Equal(TelexErrorKind.Invalid, refused.Kind);
        Assert.Contains("telex tie list", refused.Message, StringComparison.Ordinal);
        Assert.Single(await bravo.Store.Issues.ListIssueEventsAsync(issue.Id));
        Assert.Empty(await bravo.Store.Issues.ListIssueParticipantsAsync(issue.Id));
        Assert.Equal(depth, await bravo.Store.Outbox.OutboxDepthAsync());

        // Named by its DID, the one meant receives it.
        var referral = await bravo.Agency.Issues.ChangeIssueAsync(issue.Id, "referred", "Agree on it with Gao Gang", shenyang.Did, "kovalev");
        Assert.Equal(("Shenyang", shenyang.Did), (referral.ReferredTo, referral.ReferredToDid));
        Assert.Equal([shenyang.Did], (await bravo.Store.Issues.ListIssueParticipantsAsync(issue.Id)).Select(p => p.Did));
    }

    [Fact]
    public async Task A_sender_first_heard_of_through_a_relay_is_not_entered_under_the_name_of_a_tie_or_of_this_agency()
    {
        await using var bravo = await TestAgency.StartAsync("Bravo");
        using var relay = await HostilePeer.RelayTiedWithAsync(bravo, "Relay");
        using var beijing = await HostilePeer.TiedWithAsync(bravo, "Beijing");
        using var impostor = HostilePeer.Create("Beijing");
        using var mirror = HostilePeer.Create("Bravo");

        // A telegram from an agency without a tie, signed by it, calling itself Beijing, brought by the relay.
        var telegram = impostor.RelayedTelegram(bravo.Did, 1, relay.Did, "Beijing");
        Assert.Equal((202, null), await HostilePeer.PostAsync(bravo.Identity.Endpoint,
            relay.RelayDelivery(bravo.Did, impostor.Did, impostor.SignAndEncrypt(telegram, bravo.Did))));
        var entered = await bravo.Store.Directory.FindDirectoryEntryAsync(impostor.Did);
        Assert.StartsWith("Beijing (", entered!.Name, StringComparison.Ordinal);
        Assert.Equal([relay.Did], entered.KnownTies);

        // "Beijing" still means the tie, wherever an officer names it.
        Assert.Equal(beijing.Did, (await bravo.Agency.Directory.GetCounterpartAsync("Beijing")).Did);
        Assert.Equal(beijing.Did, (await bravo.Agency.Directory.GetCounterpartAsync("beijing")).Did);

        // One calling itself by this agency's own name is entered apart too.
        var own = mirror.RelayedTelegram(bravo.Did, 1, relay.Did, "Bravo");
        Assert.Equal((202, null), await HostilePeer.PostAsync(bravo.Identity.Endpoint,
            relay.RelayDelivery(bravo.Did, mirror.Did, mirror.SignAndEncrypt(own, bravo.Did))));
        Assert.StartsWith("Bravo (", (await bravo.Store.Directory.FindDirectoryEntryAsync(mirror.Did))!.Name, StringComparison.Ordinal);
        Assert.True((await bravo.Agency.Register.VerifyRegisterAsync()).Ok);
    }

    [Theory]
    [InlineData("Beijing", "Bei\u200Bjing")]    // a zero-width space inside
    [InlineData("Beijing", "Beijing\u034F")]    // a combining grapheme joiner after
    [InlineData("Beijing", "Beijing ")]
    [InlineData("Beijing", "\uFF22eijing")]      // a full-width B
    [InlineData("Kiev", "\u212Aiev")]           // the Kelvin sign, which ordinal case folding leaves apart from K
    [InlineData("Stra\u00DFe", "STRA\u1E9EE")]  // the capital sharp s
    public async Task A_sender_first_heard_of_through_a_relay_is_not_entered_under_what_reads_as_a_ties_name(string tied, string claimed)
    {
        await using var bravo = await TestAgency.StartAsync("Bravo");
        using var relay = await HostilePeer.RelayTiedWithAsync(bravo, "Relay");
        using var known = await HostilePeer.TiedWithAsync(bravo, tied);
        using var impostor = HostilePeer.Create("Impostor");

        Assert.Equal((202, null), await HostilePeer.PostAsync(bravo.Identity.Endpoint, relay.RelayDelivery(bravo.Did, impostor.Did,
            impostor.SignAndEncrypt(impostor.RelayedTelegram(bravo.Did, 1, relay.Did, claimed), bravo.Did))));
        var entered = await bravo.Store.Directory.FindDirectoryEntryAsync(impostor.Did);
        Assert.StartsWith(claimed + " (", entered!.Name, StringComparison.Ordinal);
        Assert.Equal(tied, (await bravo.Agency.Directory.GetCounterpartAsync(known.Did)).Name);
    }

    [Fact]
    public async Task A_bureaus_charter_and_epochs_cannot_name_its_members_as_this_agency_knows_others_nor_by_a_DID()
    {
        await using var bravo = await TestAgency.StartAsync("Bravo");
        using var founder = await HostilePeer.TiedWithAsync(bravo, "Founder");
        using var beijing = await HostilePeer.TiedWithAsync(bravo, "Beijing");
        using var impostor = HostilePeer.Create("Impostor");
        using var mask = HostilePeer.Create("Mask");
        var bureauId = Guid.NewGuid();
        JsonArray Members(string beijingAs, string impostorAs) => new(
            new JsonObject { ["did"] = founder.Did, ["name"] = "Founder" },
            new JsonObject { ["did"] = bravo.Did, ["name"] = "Bravo" },
            new JsonObject { ["did"] = beijing.Did, ["name"] = beijingAs },
            new JsonObject { ["did"] = impostor.Did, ["name"] = impostorAs },
            new JsonObject { ["did"] = mask.Did, ["name"] = "DID" + beijing.Did[3..120] });
        Task<(int, string?)> PostAsync(string type, JsonObject body) =>
            HostilePeer.PostAsync(bravo.Identity.Endpoint, founder.SignAndEncrypt(founder.Message(type, bravo.Did, body), bravo.Did));
        void AssertNamed(Bureau bureau, string impostorAs)
        {
            Assert.Equal("Beijing", bureau.Member(beijing.Did)!.Name);
            Assert.StartsWith(impostorAs + " (", bureau.Member(impostor.Did)!.Name, StringComparison.Ordinal);
            Assert.StartsWith("unnamed agency (", bureau.Member(mask.Did)!.Name, StringComparison.Ordinal);
        }

        // The founder's charter calls Bravo's tie the Gazette, a stranger Beijing, and another by Beijing's DID.
        Assert.Equal((202, null), await PostAsync(MessageTypes.BureauCharter, new JsonObject
        {
            ["bureau"] = bureauId.ToString(),
            ["name"] = "Eastern Bureau",
            ["purpose"] = "Coordination.",
            ["founder"] = founder.Did,
            ["secretariat"] = founder.Did,
            ["rule"] = "all",
            ["members"] = Members("Gazette", "BEIJING"),
        }));
        AssertNamed((await bravo.Store.Bureaus.GetBureauAsync(bureauId))!, "BEIJING");

        // Its epochs name them again, as they would be renamed.
        await bravo.Agency.Bureaus.AcceptBureauAsync(bureauId);
        Assert.Equal((202, null), await PostAsync(MessageTypes.BureauEpoch, new JsonObject
        {
            ["bureau"] = bureauId.ToString(),
            ["name"] = "Eastern Bureau",
            ["epoch"] = 1,
            ["members"] = Members("Pravda", "Bei\u200Bjing"),
        }));
        var bureau = (await bravo.Store.Bureaus.GetBureauAsync(bureauId))!;
        AssertNamed(bureau, "Bei\u200Bjing");
        Assert.Equal("Beijing", (await bravo.Store.Bureaus.GetBureauEpochAsync(bureauId, 1))!.Members.Single(m => m.Did == beijing.Did).Name);
    }

    [Fact]
    public async Task A_telegram_is_laid_out_as_from_the_agency_known_here_never_as_from_the_name_its_sender_signed()
    {
        await using var bravo = await TestAgency.StartAsync("Bravo");
        using var relay = await HostilePeer.RelayTiedWithAsync(bravo, "Relay");
        using var mallory = await HostilePeer.TiedWithAsync(bravo, "Mallory");
        using var beijing = await HostilePeer.TiedWithAsync(bravo, "Beijing");
        using var stranger = HostilePeer.Create("Stranger");

        // A tied counterpart signs a telegram as Beijing; so does a stranger writing through the relay.
        var direct = RogueSender.WithBody(mallory.Telegram(bravo.Did, 1), "sender_name", "Beijing");
        Assert.Equal((202, null), await HostilePeer.PostAsync(bravo.Identity.Endpoint, mallory.SignAndEncrypt(direct, bravo.Did)));
        var relayed = stranger.RelayedTelegram(bravo.Did, 1, relay.Did, "Beijing");
        Assert.Equal((202, null), await HostilePeer.PostAsync(bravo.Identity.Endpoint,
            relay.RelayDelivery(bravo.Did, stranger.Did, stranger.SignAndEncrypt(relayed, bravo.Did))));
        string strangerKnownAs = (await bravo.Store.Directory.FindDirectoryEntryAsync(stranger.Did))!.Name;
        Assert.StartsWith("Beijing (", strangerKnownAs, StringComparison.Ordinal);

        foreach (var (message, knownAs) in new[] { (direct, "Mallory"), (relayed, strangerKnownAs) })
        {
            // Registered as signed; laid out as a cable (the console's, the export's, the printable page's) from the
            // agency known here.
            var record = (await bravo.Agency.Register.FindAsync(Guid.Parse(message.Id!), Direction.Inbound))!;
            Assert.Equal("Beijing", record.SenderName);
            string cable = await RegisterReader.RenderCableAsync(bravo.Agency, record, CancellationToken.None);
            Assert.Contains($"FROM: {knownAs}\n", cable, StringComparison.Ordinal);
            Assert.Contains($"No. 1 - {knownAs}, ", cable, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_sender_first_heard_of_through_a_relay_calling_itself_by_a_DID_is_entered_unnamed_and_never_found_by_that_DID()
    {
        await using var bravo = await TestAgency.StartAsync("Bravo");
        using var relay = await HostilePeer.RelayTiedWithAsync(bravo, "Relay");
        // An agency Bravo has not heard of, whose DID (keys only, no service) fits in a name.
        const string Target = "did:peer:2.Ez6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc.Vz6MkqRYqQiSgvZQdnBytw86Qbs2ZWUkGv22od935YF4s8M7V";
        string[] disguises =
        [
            "DID" + Target[3..],
            "\u200Bdid" + Target[3..],
            "did\uFF1A" + Target[4..],
            "\u0501id" + Target[3..],
        ];
        foreach (string disguise in disguises)
        {
            // A stranger names itself as the agency Bravo has not heard of yet reads: filed as unnamed, under its own DID.
            using var stranger = HostilePeer.Create("Stranger");
            Assert.Equal((202, null), await HostilePeer.PostAsync(bravo.Identity.Endpoint, relay.RelayDelivery(bravo.Did, stranger.Did,
                stranger.SignAndEncrypt(stranger.RelayedTelegram(bravo.Did, 1, relay.Did, disguise), bravo.Did))));
            Assert.StartsWith("unnamed agency (", (await bravo.Store.Directory.FindDirectoryEntryAsync(stranger.Did))!.Name, StringComparison.Ordinal);
        }

        // Whatever names the target's DID finds nothing: not the strangers.
        foreach (string key in new[] { Target, "DID" + Target[3..] })
        {
            Assert.Null(await bravo.Store.Directory.FindDirectoryEntryAsync(key));
            Assert.Equal(TelexErrorKind.NotFound, (await Assert.ThrowsAsync<TelexException>(() => bravo.Agency.Directory.GetCounterpartAsync(key))).Kind);
        }

        Assert.Null(await bravo.Agency.Directory.KnownNameAsync(Target));
    }

    [Fact]
    public async Task A_directory_entry_is_linked_by_a_ties_name_only_once_its_fingerprint_is_confirmed()
    {
        // The tie's name is what its agency called itself: linking by it would let anyone holding an invitation take the
        // name the officer entered (which addresses telegrams) for its own DID.
        await using var bravo = await TestAgency.StartAsync("Bravo");
        using var claimant = await HostilePeer.TiedWithAsync(bravo, "Shenyang Office");
        await bravo.Agency.Directory.AddToDirectoryAsync("Gao Gang, Shenyang", did: null, endpoint: null, knownTies: null);

        var refused = await Assert.ThrowsAsync<TelexException>(() => bravo.Agency.Directory.LinkCounterpartAsync("Gao Gang, Shenyang", "shenyang office"));
        Assert.Equal(TelexErrorKind.Conflict, refused.Kind);
        Assert.Contains("telex tie verify", refused.Message, StringComparison.Ordinal);
        var entry = await bravo.Store.Directory.FindDirectoryEntryAsync("Gao Gang, Shenyang");
        Assert.Equal((null, false), (entry!.Did, entry.EnteredByOfficer));

        // Named by its DID, the officer means that agency; or by name once the fingerprint is confirmed.
        var linked = await bravo.Agency.Directory.LinkCounterpartAsync("Gao Gang, Shenyang", claimant.Did);
        Assert.Equal(claimant.Did, linked.Did);
        Assert.True((await bravo.Store.Directory.FindDirectoryEntryAsync(claimant.Did))!.EnteredByOfficer);

        using var other = await HostilePeer.TiedWithAsync(bravo, "Harbin Office");
        await bravo.Agency.Directory.AddToDirectoryAsync("Harbin", did: null, endpoint: null, knownTies: null);
        await bravo.Agency.Ties.VerifyTieAsync(other.Did);
        Assert.Equal(other.Did, (await bravo.Agency.Directory.LinkCounterpartAsync("Harbin", "Harbin Office")).Did);
    }

    [Theory]
    [InlineData("did:peer:2.Ez6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc")]
    [InlineData("\u2060DID:web:example.org")]
    [InlineData("d\u0456d:key:z6Mk")]
    public async Task An_officer_cannot_enter_a_counterpart_under_a_name_that_reads_as_a_DID(string name)
    {
        await using var bravo = await TestAgency.StartAsync("Bravo");
        var refused = await Assert.ThrowsAsync<TelexException>(() => bravo.Agency.Directory.AddToDirectoryAsync(name, did: null, endpoint: null, knownTies: null));
        Assert.Equal(TelexErrorKind.Invalid, refused.Kind);
        Assert.Contains("--did", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await bravo.Store.Directory.ListDirectoryAsync());
    }

    [Fact]
    public async Task A_referral_by_name_goes_only_to_a_tie_whose_fingerprint_was_confirmed_never_to_a_name_a_stranger_gave_itself()
    {
        // A referral hands over the issue and its history: by name only to the agency its officers vouched for, as a telegram.
        await using var bravo = await TestAgency.StartAsync("Bravo");
        using var mallory = await HostilePeer.TiedWithAsync(bravo, "Mallory");
        using var relay = await HostilePeer.RelayTiedWithAsync(bravo, "Relay");
        using var shenyang = await HostilePeer.TiedWithAsync(bravo, "Shenyang");
        using var stranger = HostilePeer.Create("Harbin");
        Assert.Equal((202, null), await HostilePeer.PostAsync(bravo.Identity.Endpoint, relay.RelayDelivery(bravo.Did, stranger.Did,
            stranger.SignAndEncrypt(stranger.RelayedTelegram(bravo.Did, 1, relay.Did, "Harbin"), bravo.Did))));
        Assert.Equal("Harbin", (await bravo.Store.Directory.FindDirectoryEntryAsync(stranger.Did))!.Name);
        var issue = await bravo.Agency.Issues.OpenIssueAsync(mallory.Did, "Aid to the Orient", "zhou");
        var depth = await bravo.Store.Outbox.OutboxDepthAsync();

        foreach (string name in new[] { "Shenyang", "harbin" })
        {
            var refused = await Assert.ThrowsAsync<TelexException>(() =>
                bravo.Agency.Issues.ChangeIssueAsync(issue.Id, "referred", "Agree on it with Gao Gang", name, "kovalev"));
            Assert.Equal(TelexErrorKind.Conflict, refused.Kind);
            Assert.Contains("by its DID", refused.Message, StringComparison.Ordinal);
        }

        Assert.Single(await bravo.Store.Issues.ListIssueEventsAsync(issue.Id));
        Assert.Empty(await bravo.Store.Issues.ListIssueParticipantsAsync(issue.Id));
        Assert.Equal(depth, await bravo.Store.Outbox.OutboxDepthAsync());

        // Confirmed, the tie's name is trusted; by its DID the agency is named as the officer means it.
        await bravo.Agency.Ties.VerifyTieAsync(shenyang.Did);
        var referral = await bravo.Agency.Issues.ChangeIssueAsync(issue.Id, "referred", "Agree on it with Gao Gang", "shenyang", "kovalev");
        Assert.Equal(("Shenyang", shenyang.Did), (referral.ReferredTo, referral.ReferredToDid));
        var onward = await bravo.Agency.Issues.ChangeIssueAsync(issue.Id, "referred", "And with Harbin", stranger.Did, "kovalev");
        Assert.Equal(stranger.Did, onward.ReferredToDid);
    }
}
