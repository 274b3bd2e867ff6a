using System.Text.Json;
using System.Text.Json.Nodes;

using Telex.Core.Protocol;
using Telex.Core.Register;
using Telex.Core.Storage;
using Telex.DidComm;
using Telex.DidComm.Dids;
using Telex.DidComm.Keys;
using Telex.DidComm.Messages;
using Telex.TestKit;

namespace Telex.Server.Tests.Security;

/// <summary>
/// Values a peer chooses that the agency keeps or shows: times outside what a date can hold and names an officer would
/// misread (too long, with control or bidirectional-override characters). Each is refused as malformed, from a stranger
/// or from a tied peer, and nothing is stored.
/// </summary>
public sealed class PeerInputTests
{
    private const long FarFuture = 1_000_000_000_000_000;

    /// <summary>9999-12-31T23:59:59Z, the last second a date holds, in Unix seconds.</summary>
    private static readonly long LastSecondOf9999 = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    private static Task<(int Status, string? Code)> PostAsync(TestAgency to, HostilePeer from, Message message) =>
        HostilePeer.PostAsync(to.Identity.Endpoint, from.SignAndEncrypt(message, to.Did));

    private static Message WithBody(Message message, Action<JsonObject> change)
    {
        var body = JsonNode.Parse(message.Body.GetRawText())!.AsObject();
        change(body);
        return message with { Body = JsonSerializer.SerializeToElement(body) };
    }

    private static async Task AssertNothingStoredAsync(TestAgency agency, RegisterHead head)
    {
        Assert.Equal(0, await agency.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Inbound }));
        Assert.Equal(head, await agency.Store.Register.GetRegisterHeadAsync());
    }

    [Fact]
    public async Task Times_beyond_the_year_9999_from_a_stranger_or_a_tied_peer_are_refused_as_malformed()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var stranger = HostilePeer.Create("Stranger");
        using var tied = await HostilePeer.TiedWithAsync(a);
        var head = await a.Store.Register.GetRegisterHeadAsync();

        foreach (var peer in new[] { stranger, tied })
        {
            var telegram = peer.Telegram(a.Did, 1);
            Assert.Equal((400, "e.p.msg.bad-time"), await PostAsync(a, peer, telegram with { ExpiresTime = FarFuture }));
            Assert.Equal((400, "e.p.msg.bad-time"), await PostAsync(a, peer, telegram with { CreatedTime = FarFuture }));
            Assert.Equal((400, "e.p.msg.bad-time"), await PostAsync(a, peer, telegram with { ExpiresTime = long.MaxValue }));

            // Times before 1970 the wire format itself refuses as malformed.
            Assert.Equal(400, (await PostAsync(a, peer, telegram with { CreatedTime = -FarFuture })).Status);
            Assert.Equal(400, (await PostAsync(a, peer, telegram with { ExpiresTime = long.MinValue })).Status);
            var control = peer.Message(MessageTypes.TieStatus, a.Did, new JsonObject { ["status"] = "suspended" }) with { ExpiresTime = FarFuture };
            Assert.Equal((400, "e.p.msg.bad-time"), await PostAsync(a, peer, control));

            // One second past the last one a date holds is as far out of range as the year 31 million.
            Assert.Equal((400, "e.p.msg.bad-time"), await PostAsync(a, peer, telegram with { ExpiresTime = LastSecondOf9999 + 1 }));
            Assert.Equal((400, "e.p.msg.bad-time"), await PostAsync(a, peer, telegram with { CreatedTime = LastSecondOf9999 + 1 }));
        }

        // A release time out of range inside a tied peer's telegram is a malformed telegram.
        var released = WithBody(tied.Telegram(a.Did, 1), b => b["released_time"] = FarFuture * 1000);
        Assert.Equal((400, "e.p.msg.bad-telegram"), await PostAsync(a, tied, released));
        await AssertNothingStoredAsync(a, head);
        Assert.Equal(TieStatus.Established, (await a.Store.Ties.GetTieAsync(tied.Did))!.Status);

        // The same telegram with sound times is registered, also one expiring in the last second of 9999.
        Assert.Equal(202, (await PostAsync(a, tied, tied.Telegram(a.Did, 1) with { ExpiresTime = LastSecondOf9999 })).Status);
    }

    [Fact]
    public async Task Serials_below_one_in_a_telegram_or_a_resend_request_are_refused_as_malformed_and_change_nothing()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var peer = await HostilePeer.TiedWithAsync(a);
        var head = await a.Store.Register.GetRegisterHeadAsync();

        // Serials count from 1: a telegram numbered 0 or below would sit outside the sequence gaps are found in.
        foreach (long serial in new long[] { 0, -1, long.MinValue })
        {
            Assert.Equal((400, "e.p.msg.bad-telegram"), await PostAsync(a, peer, peer.Telegram(a.Did, serial)));
            var resend = peer.Message(MessageTypes.Resend, a.Did, new JsonObject { ["missing"] = new JsonArray(1, serial) });
            Assert.Equal((400, "e.p.msg.bad-request"), await PostAsync(a, peer, resend));
        }

        await AssertNothingStoredAsync(a, head);
        Assert.Equal(TieStatus.Established, (await a.Store.Ties.GetTieAsync(peer.Did))!.Status);

        // Serial 1, in a telegram and in a resend request, is sound.
        Assert.Equal(202, (await PostAsync(a, peer, peer.Telegram(a.Did, 1))).Status);
        Assert.Equal(202, (await PostAsync(a, peer, peer.Message(MessageTypes.Resend, a.Did, new JsonObject { ["missing"] = new JsonArray(1) }))).Status);
    }

    [Fact]
    public async Task A_telegram_whose_attachment_is_not_the_content_its_signed_hash_names_is_refused_and_nothing_is_stored()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var peer = await HostilePeer.TiedWithAsync(a);
        var head = await a.Store.Register.GetRegisterHeadAsync();
        byte[] content = "The minutes as agreed."u8.ToArray();
        string hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content));
        string otherHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("The minutes as first drafted."u8));
        Message WithAttachment(string stated) => peer.Telegram(a.Did, 1) with
        {
            Attachments = [RogueSender.Inline("minutes.txt", content) with { Data = new AttachmentData { Base64 = Convert.ToBase64String(content), Hash = stated } }],
        };

        // The sender signed one document's hash over another's bytes: which of the two it meant, nobody can tell.
        Assert.Equal((400, "e.p.msg.bad-telegram"), await PostAsync(a, peer, WithAttachment(otherHash)));
        await AssertNothingStoredAsync(a, head);

        // With the hash of its content (in either case of hex), the same telegram is registered with the attachment.
        Assert.Equal(202, (await PostAsync(a, peer, WithAttachment(hash.ToUpperInvariant()))).Status);
        var received = Assert.Single(await a.Store.Register.QueryAsync(new RegisterQuery { Direction = Direction.Inbound }));
        Assert.Equal(hash, Assert.Single(received.Attachments).Sha256);
    }

    [Fact]
    public async Task A_telegram_holding_the_NUL_character_or_a_media_type_with_control_characters_is_refused_and_nothing_is_stored()
    {
        // PostgreSQL cannot store U+0000 at all: refused at the gate for every message type, before anything is written.
        await using var a = await TestAgency.StartAsync("Alpha");
        using var peer = await HostilePeer.TiedWithAsync(a);
        var head = await a.Store.Register.GetRegisterHeadAsync();
        byte[] content = "The minutes."u8.ToArray();

        Assert.Equal((400, "e.p.msg.bad-request"), await PostAsync(a, peer, WithBody(peer.Telegram(a.Did, 1), b => b["text"] = "Before\0after")));
        Assert.Equal((400, "e.p.msg.bad-request"), await PostAsync(a, peer, WithBody(peer.Telegram(a.Did, 1), b => b["attendees"] = new JsonArray("Zhu\0De"))));
        var badType = peer.Telegram(a.Did, 1) with { Attachments = [RogueSender.Inline("minutes.txt", content) with { MediaType = "text/plain\r\nX: 1" }] };
        Assert.Equal((400, "e.p.msg.bad-telegram"), await PostAsync(a, peer, badType));
        await AssertNothingStoredAsync(a, head);

        Assert.Equal(202, (await PostAsync(a, peer, badType with { Attachments = [RogueSender.Inline("minutes.txt", content) with { MediaType = "text/plain" }] })).Status);
    }

    [Fact]
    public async Task Numbers_a_tied_peer_states_as_text_and_entries_that_are_not_objects_are_refused_as_malformed_and_change_nothing()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var peer = await HostilePeer.TiedWithAsync(a);
        var head = await a.Store.Register.GetRegisterHeadAsync();
        string hash = new('0', 64);

        // Each of these once escaped the handler as an exception (a number read from a string) instead of a refusal.
        var telegrams = new[]
        {
            WithBody(peer.Telegram(a.Did, 1), b => b["serial"] = "1"),
            WithBody(peer.Telegram(a.Did, 1), b => b["serial"] = 1.5),
            WithBody(peer.Telegram(a.Did, 1), b => b["released_time"] = "1780000000000"),
            WithBody(peer.Telegram(a.Did, 1), b => (b["bureau"], b["bureau_epoch"]) = (Guid.NewGuid().ToString(), "1")),
        };
        foreach (var telegram in telegrams)
        {
            Assert.Equal((400, "e.p.msg.bad-telegram"), await PostAsync(a, peer, telegram));
        }

        var others = new[]
        {
            peer.Message(MessageTypes.Receipt, a.Did, new JsonObject
            {
                ["receipts"] = new JsonArray(new JsonObject { ["telegram"] = Guid.NewGuid().ToString(), ["content_hash"] = hash, ["registry_number"] = "1" }),
            }),
            peer.Message(MessageTypes.Receipt, a.Did, new JsonObject { ["receipts"] = new JsonArray(new JsonArray(1)) }),
            peer.Message(MessageTypes.Resend, a.Did, new JsonObject { ["missing"] = new JsonArray("1") }),
            peer.Message(MessageTypes.IssueOpen, a.Did, new JsonObject
            {
                ["issue"] = "BERLIN-1949", ["event"] = Guid.NewGuid().ToString(), ["clock"] = "1", ["time"] = 1_780_000_000_000, ["subject"] = "Berlin",
            }),
            peer.Message(MessageTypes.Checkpoint, a.Did, new JsonObject { ["count"] = "1", ["time"] = 1_780_000_000_000, ["head"] = hash }),
        };
        foreach (var message in others)
        {
            var (status, code) = await PostAsync(a, peer, message);
            Assert.True(status == 400, $"{message.Type} answered {status} {code}");
        }

        await AssertNothingStoredAsync(a, head);
        Assert.Null(await a.Store.Issues.GetIssueAsync("BERLIN-1949"));
        Assert.Equal(TieStatus.Established, (await a.Store.Ties.GetTieAsync(peer.Did))!.Status);
        Assert.Equal(202, (await PostAsync(a, peer, peer.Telegram(a.Did, 1))).Status);
    }

    public static TheoryData<string> BadNames() => new()
    {
        new string('N', PeerText.MaxNameLength + 1),
        "Meridian\u202Eteg",
        "Meri\u2066dian\u2069",
        "Line\nbreak",
        "Bell\u0007",
        "Para\u2029graph",
        "   ",
        // Would list the tie under what reads as another agency's DID.
        "did:peer:2.Ez6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc",
        "DID:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
    };

    [Theory]
    [MemberData(nameof(BadNames))]
    public async Task A_tie_request_with_a_name_an_officer_would_misread_is_refused_and_the_invitation_stays_usable(string name)
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var peer = HostilePeer.Create("Mallory");
        var invitation = await a.Agency.Ties.CreateInvitationAsync();
        var request = peer.Message(MessageTypes.TieRequest, a.Did, new JsonObject
        {
            ["invitation"] = invitation.Id,
            ["secret"] = invitation.Secret,
            ["name"] = name,
        });

        Assert.Equal((400, "e.p.msg.bad-name"), await PostAsync(a, peer, request));
        Assert.Empty(await a.Store.Ties.ListTiesAsync());

        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, peer.TieRequest(invitation))).Status);
        Assert.Equal("Mallory", (await a.Store.Ties.GetTieAsync(peer.Did))!.PeerName);
    }

    [Fact]
    public async Task A_telegram_whose_sender_officer_or_attendee_names_an_officer_would_misread_is_refused_and_nothing_is_stored()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var peer = await HostilePeer.TiedWithAsync(a);
        var head = await a.Store.Register.GetRegisterHeadAsync();

        foreach (string field in new[] { "sender_name", "drafter", "releasing_officer" })
        {
            foreach (string bad in new[] { new string('N', PeerText.MaxNameLength + 1), "Meridian\u202Eteg", "Two\r\nlines" })
            {
                var telegram = WithBody(peer.Telegram(a.Did, 1), b => b[field] = bad);
                Assert.Equal((400, "e.p.msg.bad-telegram"), await PostAsync(a, peer, telegram));
            }
        }

        var attendees = WithBody(peer.Telegram(a.Did, 1), b => b["attendees"] = new JsonArray("Gao Gang", "Zhou\u202E"));
        Assert.Equal((400, "e.p.msg.bad-telegram"), await PostAsync(a, peer, attendees));
        var behalf = WithBody(peer.Telegram(a.Did, 1), b => b["on_behalf_of"] = new string('M', TelegramWire.MaxNameListLength + 1));
        Assert.Equal((400, "e.p.msg.bad-telegram"), await PostAsync(a, peer, behalf));
        await AssertNothingStoredAsync(a, head);

        // Names within the rule, in any script, are kept as sent.
        var good = WithBody(peer.Telegram(a.Did, 1), b => b["sender_name"] = new string('N', PeerText.MaxNameLength - 8) + " 北京 عربي");
        Assert.Equal(202, (await PostAsync(a, peer, good)).Status);
        var filed = Assert.Single(await a.Store.Register.QueryAsync(new RegisterQuery { Direction = Direction.Inbound }));
        Assert.Equal(new string('N', PeerText.MaxNameLength - 8) + " 北京 عربي", filed.SenderName);
    }

    [Fact]
    public async Task A_tie_request_signed_and_encrypted_by_a_did_key_sender_is_refused_and_the_invitation_stays_usable()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        var invitation = await a.Agency.Ties.CreateInvitationAsync();

        // A did:key names no endpoint and cannot rotate: Telex agencies are did:peer:2, and nothing else may tie.
        using var generated = SecretJwk.Generate(KeyCurve.Ed25519);
        string did = DidKey.Create(generated.PublicKey);
        using var signing = generated.WithKid(did + "#" + did["did:key:".Length..]);
        var secrets = new SecretResolver();
        secrets.Add(signing);
        var packer = new DidCommPacker(new DidResolver(), secrets);
        var request = new Message
        {
            Id = Guid.NewGuid().ToString(),
            Type = MessageTypes.TieRequest,
            From = did,
            To = [a.Did],
            CreatedTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            Body = JsonSerializer.SerializeToElement(new JsonObject
            {
                ["invitation"] = invitation.Id,
                ["secret"] = invitation.Secret,
                ["name"] = "Keyed",
            }),
        };
        byte[] packed = packer.PackEncryptedPayload(packer.PackSigned(request, did).Packed, new PackEncryptedOptions { To = a.Did }).Packed;
        Assert.Equal((400, "e.p.msg.unprotected"), await HostilePeer.PostAsync(a.Identity.Endpoint, packed));
        Assert.Empty(await a.Store.Ties.ListTiesAsync());

        using var peer = HostilePeer.Create("Bravo");
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, peer.TieRequest(invitation))).Status);
    }
}
