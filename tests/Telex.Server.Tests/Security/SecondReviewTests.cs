using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

using Microsoft.Data.Sqlite;

using Telex.Core;
using Telex.Core.Model;
using Telex.Core.Protocol;
using Telex.Core.Storage;
using Telex.DidComm.Messages;
using Telex.TestKit;

namespace Telex.Server.Tests.Security;

/// <summary>
/// A second outside review's attacks after the first review's findings were closed: what a tied counterpart, or whoever
/// holds its rotated-away key, can make an agency store, send or change.
/// </summary>
public sealed class SecondReviewTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_gap_a_counterpart_leaves_open_is_asked_for_once_not_again_at_every_gap_check()
    {
        // The counterpart's endpoint is a closed port: nothing queued for it ever leaves the outbox before it expires.
        await using var a = await TestAgency.StartAsync("Alpha");
        using var peer = HostilePeer.Create("Bravo");
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, peer.TieRequest(await a.Agency.Ties.CreateInvitationAsync()))).Status);

        // Serial 3 leaves 1 and 2 missing, for good: the counterpart never sends them.
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, peer.SignAndEncrypt(peer.Telegram(a.Did, 3), a.Did))).Status);
        await Eventually.UntilAsync(() => ResendRequestsAsync(a, peer.Did), r => r.Any(s => s.Contains(1L)), Deadline,
            "serials 1 and 2 asked for");

        // Serial 6 opens a second gap; by the time 4 and 5 are asked for, the gap checks have run at least twice more.
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, peer.SignAndEncrypt(peer.Telegram(a.Did, 6), a.Did))).Status);
        var requests = await Eventually.UntilAsync(() => ResendRequestsAsync(a, peer.Did), r => r.Any(s => s.Contains(4L)), Deadline,
            "serials 4 and 5 asked for");

        // Each missing serial is asked for once within the tie's retry interval: a request per gap check would fill the
        // outbox with one request every few seconds for as long as the counterpart leaves the gap open.
        Assert.Single(requests, r => r.Contains(1L));
        Assert.Single(requests, r => r.Contains(4L));
        Assert.All(requests, r => Assert.Subset(new HashSet<long> { 1, 2, 4, 5 }, r.ToHashSet()));
    }

    [Fact]
    public async Task Whoever_holds_a_rotated_away_key_cannot_rotate_the_tie_to_a_did_of_its_own()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var bravo = HostilePeer.Create("Bravo");
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, bravo.TieRequest(await a.Agency.Ties.CreateInvitationAsync()))).Status);

        // Bravo rotates: its new DID, introduced by a from_prior its old key signed.
        using var rotated = bravo.Identity.Rotate(DateTimeOffset.UtcNow);
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, Rotation(rotated, a.Did))).Status);
        Assert.Equal(rotated.Did, (await a.Store.Ties.GetTieAsync(bravo.Did))!.PeerDid);
        var head = await a.Store.Register.GetRegisterHeadAsync();

        // A thief of the old key, within the grace period, introduces a DID of its own with a from_prior that key signed.
        using var thief = bravo.Identity.Rotate(DateTimeOffset.UtcNow);
        Assert.Equal((409, "e.p.keys.conflict"), await HostilePeer.PostAsync(a.Identity.Endpoint, Rotation(thief, a.Did)));

        Assert.Equal(rotated.Did, (await a.Store.Ties.GetTieAsync(bravo.Did))!.PeerDid);
        Assert.Null(await a.Store.Ties.GetTieAsync(thief.Did));
        Assert.Single(await a.Store.Keys.ListKeyRotationsAsync());
        Assert.Equal(head, await a.Store.Register.GetRegisterHeadAsync());

        // The thief's DID is a stranger: its telegram is refused.
        var telegram = new RogueSender(thief).Telegram(a.Did, 1, "I am Bravo now.");
        Assert.Equal((403, "e.p.tie.none"), await HostilePeer.PostAsync(a.Identity.Endpoint, new RogueSender(thief).SignAndEncrypt(telegram, a.Did)));
        Assert.Equal(0, await a.Store.Register.CountAsync(new RegisterQuery()));
    }

    [Fact]
    public async Task A_telegram_padded_past_the_ties_terms_outside_its_text_is_refused_and_nothing_is_stored()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var peer = HostilePeer.Create("Bravo");
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, peer.TieRequest(await a.Agency.Ties.CreateInvitationAsync()))).Status);
        var terms = (await a.Store.Ties.GetTieAsync(peer.Did))!.Terms;
        int padding = terms.MaxTelegramBytes * 4;

        // A short text within the terms, and four times the terms' size in a member no telegram has, in its issue label,
        // or in its attendees; and an issue label an officer would misread.
        var refused = new[]
        {
            RogueSender.WithBody(peer.Telegram(a.Did, 1), "padding", new string('x', padding)),
            RogueSender.WithBody(peer.Telegram(a.Did, 1), "issue", new string('x', padding)),
            RogueSender.WithBody(peer.Telegram(a.Did, 1), "attendees", new JsonArray(Enumerable.Range(0, 256).Select(_ => (JsonNode?)new string('x', 4096)).ToArray())),
            RogueSender.WithBody(peer.Telegram(a.Did, 1), "issue", "BERLIN\u202E-1949"),
            RogueSender.WithBody(peer.Telegram(a.Did, 1), "issue", new string('x', TelegramWire.MaxIssueLabelLength + 1)),
        };
        foreach (var telegram in refused)
        {
            Assert.Equal((400, "e.p.msg.bad-telegram"), await HostilePeer.PostAsync(a.Identity.Endpoint, peer.SignAndEncrypt(telegram, a.Did)));
        }

        Assert.Equal(0, await a.Store.Register.CountAsync(new RegisterQuery()));

        // Within the rule — the text at the terms' limit and as much again besides, escaped or not — it is registered.
        var full = RogueSender.WithBody(peer.Telegram(a.Did, 1), "text", new string('"', terms.MaxTelegramBytes));
        full = RogueSender.WithBody(full, "note", new string('\\', terms.MaxTelegramBytes / 2));
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, peer.SignAndEncrypt(full, a.Did))).Status);
    }

    [Fact]
    public async Task A_sender_refuses_to_release_what_the_receiver_would_refuse_for_its_size_or_its_issue_label()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);

        // 256 attendees of 4,000 characters: each a name the receiver accepts, together four times the default terms.
        var crowded = new TelegramDraft
        {
            To = b.Did,
            Subject = "Crowded",
            Body = "Short.",
            Attendees = Enumerable.Range(0, 256).Select(i => $"{i} " + new string('x', 4000)).ToList(),
        };
        var tooLarge = await Assert.ThrowsAsync<TelexException>(() => a.Agency.Telegrams.ReleaseAsync(crowded, "officer"));
        Assert.Equal(TelexErrorKind.Invalid, tooLarge.Kind);
        var badLabel = await Assert.ThrowsAsync<TelexException>(() =>
            a.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = b.Did, Subject = "Label", Body = "x", IssueId = new string('i', 201) }, "officer"));
        Assert.Equal(TelexErrorKind.Invalid, badLabel.Kind);
        Assert.Equal(0, await a.Store.Register.CountAsync(new RegisterQuery()));
    }

    [Fact]
    public async Task A_secretariat_cannot_make_this_agency_a_member_before_it_accepts_the_charter_or_after_it_leaves()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var secretariat = HostilePeer.Create("Bravo");
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, secretariat.TieRequest(await a.Agency.Ties.CreateInvitationAsync()))).Status);
        var bureauId = Guid.NewGuid();
        JsonArray Members() => new(new JsonObject { ["did"] = secretariat.Did, ["name"] = "Bravo" }, new JsonObject { ["did"] = a.Did, ["name"] = "Alpha" });
        Task<(int, string?)> PostAsync(string type, JsonObject body) =>
            HostilePeer.PostAsync(a.Identity.Endpoint, secretariat.SignAndEncrypt(secretariat.Message(type, a.Did, body), a.Did));
        JsonObject Epoch(long number) => new() { ["bureau"] = bureauId.ToString(), ["name"] = "Pressed", ["epoch"] = number, ["members"] = Members() };
        byte[] Bulletin(long serial, long epoch)
        {
            var telegram = RogueSender.WithBody(secretariat.Telegram(a.Did, serial), "bureau", bureauId.ToString());
            return secretariat.SignAndEncrypt(RogueSender.WithBody(telegram, "bureau_epoch", epoch), a.Did);
        }

        Assert.Equal(202, (await PostAsync(MessageTypes.BureauCharter, new JsonObject
        {
            ["bureau"] = bureauId.ToString(),
            ["name"] = "Pressed",
            ["purpose"] = "Members whether they like it or not.",
            ["founder"] = secretariat.Did,
            ["secretariat"] = secretariat.Did,
            ["rule"] = "all",
            ["members"] = Members(),
        })).Item1);

        // Alpha's officers have not accepted the charter: an epoch naming Alpha is refused, and its bulletins with it.
        Assert.Equal((403, "e.p.bureau.not-member"), await PostAsync(MessageTypes.BureauEpoch, Epoch(1)));
        Assert.NotEqual(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, Bulletin(1, 1))).Status);
        var bureau = (await a.Store.Bureaus.GetBureauAsync(bureauId))!;
        Assert.Equal((MemberState.Prospective, 0L), (bureau.Member(a.Did)!.State, bureau.Epoch));

        // Once they accept, the epoch is taken; once they leave, the next epoch naming Alpha is refused, and its bulletins.
        await a.Agency.Bureaus.AcceptBureauAsync(bureauId);
        Assert.Equal(202, (await PostAsync(MessageTypes.BureauEpoch, Epoch(1))).Item1);
        Assert.Equal(MemberState.Joined, (await a.Store.Bureaus.GetBureauAsync(bureauId))!.Member(a.Did)!.State);
        await a.Agency.Bureaus.LeaveBureauAsync(bureauId);
        Assert.Equal((403, "e.p.bureau.not-member"), await PostAsync(MessageTypes.BureauEpoch, Epoch(2)));
        Assert.Equal((403, "e.p.bureau.not-member"), await HostilePeer.PostAsync(a.Identity.Endpoint, Bulletin(2, 2)));
        bureau = (await a.Store.Bureaus.GetBureauAsync(bureauId))!;
        Assert.Equal((MemberState.Left, 1L), (bureau.Member(a.Did)!.State, bureau.Epoch));
        Assert.Null(await a.Store.Bureaus.GetBureauEpochAsync(bureauId, 2));
        Assert.Equal(0, await a.Store.Register.CountAsync(new RegisterQuery()));
    }

    [Fact]
    public async Task An_invitation_naming_its_inviter_in_a_way_an_officer_would_misread_is_refused_before_anything_is_stored_or_sent()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        var genuine = await b.Agency.Ties.CreateInvitationAsync();

        // The label is the inviter's own word, unsigned: a right-to-left override makes "Bravo" read as another agency.
        foreach (string label in new[] { "Meri\u202Ediran", "Bravo\nVerified by your administrator", new string('B', 201), "did:peer:2.Ez6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc" })
        {
            var error = await Assert.ThrowsAsync<Core.TelexException>(() => a.Agency.Ties.AcceptInvitationAsync((genuine with { InviterName = label }).Url));
            Assert.Equal(Core.TelexErrorKind.Invalid, error.Kind);
        }

        Assert.Empty(await a.Store.Ties.ListTiesAsync());
        Assert.Empty(await b.Store.Ties.ListTiesAsync());

        // The genuine code still works: nothing was used up.
        await a.Agency.Ties.AcceptInvitationAsync(genuine.Url);
        await Eventually.UntilAsync(() => a.Store.Ties.GetTieAsync(b.Did), t => t?.Status == TieStatus.Established, Deadline, "the tie established");
        Assert.Equal("Bravo", (await a.Store.Ties.GetTieAsync(b.Did))!.PeerName);
    }

    [Fact]
    public async Task An_invitation_from_a_did_without_a_key_to_encrypt_to_is_refused_and_leaves_no_tie()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var signing = DidComm.Keys.SecretJwk.Generate(DidComm.Keys.KeyCurve.Ed25519);
        string did = DidComm.Dids.DidPeer.Create([signing.PublicKey], [], "http://127.0.0.1:9/didcomm");
        var invitation = new InvitationCode(Guid.NewGuid().ToString(), did, "Keyless", "secret", DateTimeOffset.UtcNow.AddDays(1));

        var error = await Assert.ThrowsAsync<Core.TelexException>(() => a.Agency.Ties.AcceptInvitationAsync(invitation.Url));
        Assert.Equal(Core.TelexErrorKind.Invalid, error.Kind);
        Assert.Empty(await a.Store.Ties.ListTiesAsync());
    }

    [Fact]
    public async Task An_inviter_cannot_set_the_new_ties_terms_relays_included_in_its_acceptance()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var inviter = HostilePeer.Create("Bravo");

        // Alpha's officers accepted Bravo's invitation and Bravo took the request: the tie waits for Bravo's acceptance.
        await a.Store.Ties.SaveTieAsync(new Tie { PeerDid = inviter.Did, PeerName = "Bravo", PeerEndpoint = inviter.Identity.Endpoint, Status = TieStatus.Invited });
        JsonObject Acceptance(bool relays, int maxTelegramBytes) => new()
        {
            ["name"] = "Bravo",
            ["terms"] = new JsonObject
            {
                ["version"] = 1,
                ["max_telegram_bytes"] = maxTelegramBytes,
                ["max_attachment_bytes"] = TieTerms.Default.MaxAttachmentBytes,
                ["expiry_seconds"] = (long)TieTerms.Default.Expiry.TotalSeconds,
                ["max_retry_interval_ms"] = (long)TieTerms.Default.MaxRetryInterval.TotalMilliseconds,
                ["read_receipts"] = false,
                ["relays"] = relays,
            },
        };
        Task<(int, string?)> AcceptAsync(JsonObject body) =>
            HostilePeer.PostAsync(a.Identity.Endpoint, inviter.SignAndEncrypt(inviter.Message(MessageTypes.TieAccept, a.Did, body), a.Did));

        // Terms Alpha's officers never signed: relays permitted, telegrams of 64 MiB.
        Assert.Equal(400, (await AcceptAsync(Acceptance(relays: true, 64 * 1024 * 1024))).Item1);
        var tie = (await a.Store.Ties.GetTieAsync(inviter.Did))!;
        Assert.Equal((TieStatus.Invited, TieTerms.Default), (tie.Status, tie.Terms));

        // A new tie starts on the default terms; changing them takes a proposal the other side signs.
        Assert.Equal(202, (await AcceptAsync(Acceptance(relays: false, TieTerms.Default.MaxTelegramBytes))).Item1);
        tie = (await a.Store.Ties.GetTieAsync(inviter.Did))!;
        Assert.Equal((TieStatus.Established, TieTerms.Default), (tie.Status, tie.Terms));

        // So Bravo cannot pass off a stranger's telegram as relayed.
        using var stranger = HostilePeer.Create("Meridian");
        byte[] inner = stranger.SignAndEncrypt(stranger.RelayedTelegram(a.Did, 1, inviter.Did, "Meridian"), a.Did);
        Assert.Equal((403, "e.p.tie.none"), await HostilePeer.PostAsync(a.Identity.Endpoint, inviter.RelayDelivery(a.Did, stranger.Did, inner)));
        Assert.Equal(0, await a.Store.Register.CountAsync(new RegisterQuery()));
    }

    /// <summary>A key rotation announced by <paramref name="next"/> (its from_prior signed by its last prior's key) to <paramref name="to"/>.</summary>
    private static byte[] Rotation(Core.Identity.AgencyIdentity next, string to)
    {
        var message = new Message
        {
            Id = Guid.NewGuid().ToString(),
            Type = MessageTypes.KeysRotate,
            From = next.Did,
            To = [to],
            CreatedTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            FromPrior = next.Priors[^1].FromPrior,
            Body = JsonSerializer.SerializeToElement(new JsonObject { ["name"] = next.Name }),
        };
        return new RogueSender(next).SignAndEncrypt(message, to);
    }

    /// <summary>The serials each resend request queued for <paramref name="peerDid"/> asks for, read from the agency's database file.</summary>
    private static async Task<IReadOnlyList<IReadOnlyList<long>>> ResendRequestsAsync(TestAgency agency, string peerDid)
    {
        string file = Path.Combine(agency.Directory, "telex.db");
        await using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT payload FROM outbox WHERE peer_did = $p";
        cmd.Parameters.AddWithValue("$p", peerDid);
        var requests = new List<IReadOnlyList<long>>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            using var jws = JsonDocument.Parse((byte[])reader[0]);
            using var message = JsonDocument.Parse(Base64Url.DecodeFromChars(jws.RootElement.GetProperty("payload").GetString()));
            if (message.RootElement.GetProperty("type").GetString() == MessageTypes.Resend)
            {
                requests.Add(message.RootElement.GetProperty("body").GetProperty("missing").EnumerateArray().Select(s => s.GetInt64()).ToList());
            }
        }

        return requests;
    }
}
