using System.Text.Json.Nodes;

using Telex.Core.Model;
using Telex.Core.Protocol;
using Telex.Core.Storage;
using Telex.TestKit;

namespace Telex.Server.Tests.Security;

/// <summary>
/// What a stranger or a counterpart may do to a tie's state by the control messages it sends: a tie request over a tie
/// that exists or from a DID naming no endpoint, anything but the acceptance while a tie awaits it, an acceptance of a
/// tie that needs none, and terms signed that this agency did not propose or that are invalid. Each is refused or
/// ignored, and the tie, its terms and the invitations stay as they were.
/// </summary>
public sealed class TieAttackTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>Posts a control message signed with <paramref name="from"/>'s own key, as a modified agency would send it.</summary>
    private static Task<(int Status, string? Code)> SendAsync(TestAgency from, TestAgency to, string type, JsonObject body)
    {
        var rogue = new RogueSender(from.Identity);
        return HostilePeer.PostAsync(to.Identity.Endpoint, rogue.SignAndEncrypt(rogue.Control(type, to.Did, body), to.Did));
    }

    /// <summary>Terms as they travel in tie/1.0 messages.</summary>
    private static JsonObject Json(TieTerms t) => new()
    {
        ["version"] = t.Version,
        ["max_telegram_bytes"] = t.MaxTelegramBytes,
        ["max_attachment_bytes"] = t.MaxAttachmentBytes,
        ["expiry_seconds"] = (long)t.Expiry.TotalSeconds,
        ["max_retry_interval_ms"] = (long)t.MaxRetryInterval.TotalMilliseconds,
        ["read_receipts"] = t.ReadReceipts,
        ["relays"] = t.Relays,
    };

    /// <summary>Terms a counterpart would like: the largest telegrams allowed, and relaying through this agency.</summary>
    private static TieTerms Generous(int version) => TieTerms.Default with { Version = version, MaxTelegramBytes = 64 * 1024 * 1024, Relays = true };

    [Fact]
    public async Task A_tie_request_from_a_DID_naming_no_endpoint_is_refused_and_the_invitation_stays_usable()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var nowhere = new EndpointlessPeer();
        using var peer = HostilePeer.Create("Bravo");
        var invitation = await a.Agency.Ties.CreateInvitationAsync();

        // A valid invitation and secret, from a DID Alpha could never send the acceptance (or anything else) to.
        var request = peer.Message(MessageTypes.TieRequest, a.Did, new JsonObject
        {
            ["invitation"] = invitation.Id,
            ["secret"] = invitation.Secret,
            ["name"] = "Nowhere",
        });
        Assert.Equal((400, "e.p.did.no-endpoint"), await HostilePeer.PostAsync(a.Identity.Endpoint, nowhere.SignAndEncrypt(request, a.Did)));
        Assert.Empty(await a.Store.Ties.ListTiesAsync());
        Assert.Equal(0, (await a.Store.Outbox.OutboxDepthAsync()).Values.Sum());

        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, peer.TieRequest(invitation))).Status);
        Assert.Equal(TieStatus.Established, (await a.Store.Ties.GetTieAsync(peer.Did))!.Status);
    }

    [Fact]
    public async Task A_counterpart_cannot_replace_its_established_tie_by_requesting_another_with_a_new_invitation()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var peer = await HostilePeer.TiedWithAsync(a);
        var tie = await a.Agency.Ties.VerifyTieAsync(peer.Did);

        // An invitation Alpha's officers made for someone else, used by the counterpart to start its tie afresh
        // (unverified, at default terms, under a name of its choosing).
        var invitation = await a.Agency.Ties.CreateInvitationAsync();
        Assert.Equal((409, "e.p.tie.exists"), await HostilePeer.PostAsync(a.Identity.Endpoint, peer.TieRequest(invitation)));
        Assert.Equal(tie, await a.Store.Ties.GetTieAsync(peer.Did));

        // The invitation is not spent: the agency it was meant for still ties with it.
        using var intended = HostilePeer.Create("Charlie");
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, intended.TieRequest(invitation))).Status);
    }

    [Fact]
    public async Task A_suspended_counterpart_cannot_lift_the_suspension_by_requesting_a_new_tie()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var peer = await HostilePeer.TiedWithAsync(a);
        var suspended = await a.Agency.Ties.ChangeTieStatusAsync(peer.Did, TieStatus.Suspended);

        var invitation = await a.Agency.Ties.CreateInvitationAsync();
        Assert.Equal((409, "e.p.tie.exists"), await HostilePeer.PostAsync(a.Identity.Endpoint, peer.TieRequest(invitation)));
        Assert.Equal(suspended, await a.Store.Ties.GetTieAsync(peer.Did));
        Assert.Equal((403, "e.p.tie.none"), await HostilePeer.PostAsync(a.Identity.Endpoint, peer.SignAndEncrypt(peer.Telegram(a.Did, 1), a.Did)));
        Assert.Equal(0, await a.Store.Register.CountAsync(new RegisterQuery()));

        using var intended = HostilePeer.Create("Charlie");
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, intended.TieRequest(invitation))).Status);
    }

    [Fact]
    public async Task While_a_tie_awaits_the_inviters_acceptance_the_inviter_may_send_nothing_else()
    {
        using var gate = new GatedTransport();
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo", transport: gate);
        gate.Close();
        await a.Agency.Ties.AcceptInvitationAsync((await b.Agency.Ties.CreateInvitationAsync()).Url);
        var invited = (await a.Store.Ties.GetTieAsync(b.Did))!;
        Assert.Equal(TieStatus.Invited, invited.Status);

        // Bravo's acceptance is held at its gate; a modified Bravo sends a telegram, a suspension and terms instead.
        var rogue = new RogueSender(b.Identity);
        var telegram = rogue.Telegram(a.Did, 1, "Before the acceptance.");
        Assert.Equal((403, "e.p.tie.none"), await HostilePeer.PostAsync(a.Identity.Endpoint, rogue.SignAndEncrypt(telegram, a.Did)));
        Assert.Equal((403, "e.p.tie.none"), await SendAsync(b, a, MessageTypes.TieStatus, new JsonObject { ["status"] = "suspended" }));
        Assert.Equal((403, "e.p.tie.none"), await SendAsync(b, a, MessageTypes.TermsPropose, new JsonObject { ["terms"] = Json(TieTerms.Default with { Version = 2 }) }));
        Assert.Equal(0, await a.Store.Register.CountAsync(new RegisterQuery()));
        Assert.Equal(invited, await a.Store.Ties.GetTieAsync(b.Did));

        // Once the acceptance arrives the tie is established, and the same telegram is registered.
        gate.Open();
        await Eventually.UntilAsync(() => a.Store.Ties.GetTieAsync(b.Did), t => t?.Status == TieStatus.Established, Deadline, "Alpha holds the tie established");
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, rogue.SignAndEncrypt(telegram, a.Did))).Status);
        Assert.Equal(1, await a.Store.Register.CountAsync(new RegisterQuery()));
    }

    [Fact]
    public async Task An_acceptance_naming_the_inviter_with_hidden_characters_is_refused_and_the_tie_still_awaits_the_real_one()
    {
        using var gate = new GatedTransport();
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo", transport: gate);
        gate.Close();
        await a.Agency.Ties.AcceptInvitationAsync((await b.Agency.Ties.CreateInvitationAsync()).Url);
        var invited = (await a.Store.Ties.GetTieAsync(b.Did))!;

        // A right-to-left override makes "Bravo\u202Eknab" read as another agency's name in the officers' lists.
        var spoofed = new JsonObject { ["name"] = "Bravo\u202Eknab", ["terms"] = Json(TieTerms.Default) };
        Assert.Equal((400, "e.p.msg.bad-name"), await SendAsync(b, a, MessageTypes.TieAccept, spoofed));
        Assert.Equal(invited, await a.Store.Ties.GetTieAsync(b.Did));

        // Nor a name that reads as another agency's DID.
        spoofed = new JsonObject { ["name"] = "did:peer:2.Ez6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc", ["terms"] = Json(TieTerms.Default) };
        Assert.Equal((400, "e.p.msg.bad-name"), await SendAsync(b, a, MessageTypes.TieAccept, spoofed));
        Assert.Equal(invited, await a.Store.Ties.GetTieAsync(b.Did));

        gate.Open();
        var established = await Eventually.UntilAsync(() => a.Store.Ties.GetTieAsync(b.Did), t => t?.Status == TieStatus.Established, Deadline,
            "Alpha holds the tie established");
        Assert.Equal("Bravo", established!.PeerName);
    }

    [Fact]
    public async Task An_acceptance_after_the_fingerprint_was_confirmed_keeps_the_name_the_officers_confirmed()
    {
        using var gate = new GatedTransport();
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo", transport: gate);
        gate.Close();
        await a.Agency.Ties.AcceptInvitationAsync((await b.Agency.Ties.CreateInvitationAsync()).Url);

        // Alpha's officers compare the fingerprint of "Bravo" while the tie awaits the acceptance; the acceptance that
        // follows names another agency, so that telegrams addressed to that name would reach Bravo.
        await a.Agency.Ties.VerifyTieAsync(b.Did);
        var accept = new JsonObject { ["name"] = "Central Bank", ["terms"] = Json(TieTerms.Default) };
        Assert.Equal(202, (await SendAsync(b, a, MessageTypes.TieAccept, accept)).Status);

        var tie = (await a.Store.Ties.GetTieAsync(b.Did))!;
        Assert.Equal(TieStatus.Established, tie.Status);
        Assert.True(tie.Verified);
        Assert.Equal("Bravo", tie.PeerName);
    }

    [Fact]
    public async Task An_acceptance_over_an_established_tie_changes_neither_its_terms_nor_the_counterparts_name()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(b, a);
        var tie = (await a.Store.Ties.GetTieAsync(b.Did))!;

        // A repeated acceptance is ignored; one that would rename Bravo and take terms Alpha never signed changes nothing.
        var accept = new JsonObject { ["name"] = "Central Bank", ["terms"] = Json(Generous(7)) };
        Assert.Equal(202, (await SendAsync(b, a, MessageTypes.TieAccept, accept)).Status);
        Assert.Equal(tie, await a.Store.Ties.GetTieAsync(b.Did));
    }

    [Fact]
    public async Task A_signature_on_terms_this_agency_did_not_propose_changes_nothing()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        var tie = (await a.Store.Ties.GetTieAsync(b.Did))!;

        // No proposal at all: Bravo "signs" terms of its own choosing.
        Assert.Equal(202, (await SendAsync(b, a, MessageTypes.TermsSign, new JsonObject { ["terms"] = Json(Generous(2)) })).Status);
        Assert.Equal(tie, await a.Store.Ties.GetTieAsync(b.Did));

        // Bravo's own proposal, signed by Bravo: it still waits for Alpha's officers.
        await b.Agency.Ties.ProposeTermsAsync(a.Did, TieTerms.Default with { MaxTelegramBytes = 4096 });
        var proposed = await Eventually.UntilAsync(() => a.Store.Ties.GetTieAsync(b.Did), t => t?.ProposedTerms is not null, Deadline, "Alpha has Bravo's proposal");
        var signed = new JsonObject { ["terms"] = Json(proposed!.ProposedTerms!) };
        Assert.Equal(202, (await SendAsync(b, a, MessageTypes.TermsSign, signed)).Status);
        var after = (await a.Store.Ties.GetTieAsync(b.Did))!;
        Assert.Equal(tie.Terms, after.Terms);
        Assert.Equal(proposed.ProposedTerms, after.ProposedTerms);
        Assert.False(after.ProposedByUs);
    }

    [Fact]
    public async Task Terms_signed_other_than_those_proposed_here_are_ignored_and_the_proposal_still_waits()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        var proposed = await a.Agency.Ties.ProposeTermsAsync(b.Did, TieTerms.Default with { MaxTelegramBytes = 2048 });

        // Bravo answers with a signature on other terms: the same version, a far larger limit and relays on.
        var other = Json(Generous(proposed.ProposedTerms!.Version));
        Assert.Equal(202, (await SendAsync(b, a, MessageTypes.TermsSign, new JsonObject { ["terms"] = other })).Status);
        var after = (await a.Store.Ties.GetTieAsync(b.Did))!;
        Assert.Equal(proposed.Terms, after.Terms);
        Assert.Equal(proposed.ProposedTerms, after.ProposedTerms);
        Assert.True(after.ProposedByUs);

        // Bravo's officers sign what was proposed: that takes effect.
        await Eventually.UntilAsync(() => b.Store.Ties.GetTieAsync(a.Did), t => t?.ProposedTerms is not null, Deadline, "Bravo has Alpha's proposal");
        await b.Agency.Ties.SignProposedTermsAsync(a.Did);
        var signed = await Eventually.UntilAsync(() => a.Store.Ties.GetTieAsync(b.Did), t => t?.ProposedTerms is null, Deadline, "Alpha has the signed terms");
        Assert.Equal(proposed.ProposedTerms, signed!.Terms);
    }

    [Theory]
    [InlineData("max_telegram_bytes", 10)]
    [InlineData("expiry_seconds", 0)]
    [InlineData("version", 0)]
    public async Task Invalid_proposed_terms_are_refused_and_nothing_is_left_for_the_officers_to_sign(string field, int value)
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        var tie = (await a.Store.Ties.GetTieAsync(b.Did))!;

        var terms = Json(TieTerms.Default with { Version = 2 });
        terms[field] = value;
        Assert.Equal((400, "e.p.msg.bad-request"), await SendAsync(b, a, MessageTypes.TermsPropose, new JsonObject { ["terms"] = terms }));
        Assert.Equal(tie, await a.Store.Ties.GetTieAsync(b.Did));
        await Assert.ThrowsAsync<Telex.Core.TelexException>(() => a.Agency.Ties.SignProposedTermsAsync(b.Did));
    }
}
