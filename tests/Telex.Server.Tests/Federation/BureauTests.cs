using System.Text.Json.Nodes;

using Telex.Core;
using Telex.Core.Model;
using Telex.Core.Protocol;
using Telex.Core.Register;
using Telex.Core.Storage;
using Telex.DidComm;
using Telex.DidComm.Dids;
using Telex.Server.Federation;
using Telex.TestKit;

namespace Telex.Server.Tests.Federation;

public sealed class BureauTests
{
    private static readonly TimeSpan Deadline = BureauNetwork.Deadline;

    [Fact]
    public async Task Charter_is_refused_while_premature_with_its_coverage_and_accepted_once_the_founder_is_tied_with_every_member()
    {
        await using var founder = await TestAgency.StartAsync("Moscow");
        var members = new List<TestAgency>();
        try
        {
            foreach (string name in new[] { "Peking", "Warsaw", "Prague", "Sofia", "Budapest" })
            {
                members.Add(await TestAgency.StartAsync(name));
            }

            // Ties for now with only two of the five.
            await TestAgency.TieAsync(founder, members[0]);
            await TestAgency.TieAsync(founder, members[1]);
            var bureau = await founder.Agency.Bureaus.ProposeBureauAsync("Eastern Information Bureau", "Information on the situation in each country",
                members.Select(m => m.Did).ToList());
            var readiness = await founder.Agency.Bureaus.BureauReadinessAsync(bureau.Id);
            Assert.False(readiness.Ready);
            Assert.Equal((2, 5), (readiness.Covered, readiness.Total));
            Assert.Equal("premature: ties with 2 of 5", readiness.Summary);
            Assert.Equal(["Prague", "Sofia", "Budapest"], readiness.Missing.Select(m => members.Single(x => x.Did == m.Did).Identity.Name));

            // The ties' own messages leave first, so an outbox item after the refusal could only be the refused charter's.
            await Eventually.UntilAsync(() => founder.Store.Outbox.OutboxDepthAsync(), d => d.Count == 0, Deadline, "the ties' messages have left");
            var head = await founder.Store.Register.GetRegisterHeadAsync();
            var refused = await Assert.ThrowsAsync<TelexException>(() => founder.Agency.Bureaus.CharterBureauAsync(bureau.Id));
            Assert.Equal(TelexErrorKind.Conflict, refused.Kind);
            Assert.StartsWith("premature: ties with 2 of 5; missing: ", refused.Message, StringComparison.Ordinal);
            Assert.Equal(BureauStatus.Proposed, (await founder.Store.Bureaus.GetBureauAsync(bureau.Id))!.Status);
            Assert.Equal(head, await founder.Store.Register.GetRegisterHeadAsync());
            Assert.Empty(await founder.Store.Outbox.OutboxDepthAsync());

            // A quorum of two would hold already; this bureau's rule is every member. Tie the rest, and it is ready.
            foreach (var m in members.Skip(2))
            {
                await TestAgency.TieAsync(founder, m);
            }

            readiness = await founder.Agency.Bureaus.BureauReadinessAsync(bureau.Id);
            Assert.True(readiness.Ready);
            Assert.Equal("ready: ties with 5 of 5", readiness.Summary);
            Assert.Empty(readiness.Missing);
            var chartered = await founder.Agency.Bureaus.CharterBureauAsync(bureau.Id);
            Assert.Equal(BureauStatus.Chartered, chartered.Status);
            Assert.Equal(1, chartered.Epoch);
            await Assert.ThrowsAsync<TelexException>(() => founder.Agency.Bureaus.CharterBureauAsync(bureau.Id));

            foreach (var m in members)
            {
                var held = await Eventually.UntilAsync(() => m.Store.Bureaus.GetBureauAsync(bureau.Id), b => b is not null, Deadline, $"{m.Identity.Name} holds the charter");
                Assert.Equal(("Eastern Information Bureau", founder.Did, BureauStatus.Chartered), (held!.Name, held.Founder, held.Status));
                Assert.Equal(6, held.Members.Count);
            }

            var entries = (await founder.Store.Register.ReadRegisterAsync()).Entries.Where(e => e.Kind == RegisterKinds.Bureau).Select(e => e.Reference.Split('/')[2]);
            Assert.Equal(["proposed", "chartered", "epoch"], entries);
            Assert.True((await founder.Agency.Register.VerifyRegisterAsync()).Ok);
        }
        finally
        {
            foreach (var m in members)
            {
                await m.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_quorum_rule_charters_with_ties_to_the_quorum_and_bad_proposals_change_nothing()
    {
        await using var founder = await TestAgency.StartAsync("Founder");
        await using var tied = await TestAgency.StartAsync("Tied");
        await using var untied = await TestAgency.StartAsync("Untied");
        await TestAgency.TieAsync(founder, tied);

        await Assert.ThrowsAsync<TelexException>(() => founder.Agency.Bureaus.ProposeBureauAsync("", "purpose", [tied.Did]));
        await Assert.ThrowsAsync<TelexException>(() => founder.Agency.Bureaus.ProposeBureauAsync("Name", "purpose", []));
        await Assert.ThrowsAsync<TelexException>(() => founder.Agency.Bureaus.ProposeBureauAsync("Name", "purpose", ["did:example:123"]));
        await Assert.ThrowsAsync<TelexException>(() => founder.Agency.Bureaus.ProposeBureauAsync("Name", "purpose", [tied.Did], new ReadinessRule(2)));
        await Assert.ThrowsAsync<TelexException>(() => founder.Agency.Bureaus.ProposeBureauAsync("Name", "purpose", [tied.Did], secretariat: untied.Did));
        Assert.Empty(await founder.Store.Bureaus.ListBureausAsync());

        var bureau = await founder.Agency.Bureaus.ProposeBureauAsync("Quorum", "purpose", [tied.Did, untied.Did], new ReadinessRule(1));
        var readiness = await founder.Agency.Bureaus.BureauReadinessAsync(bureau.Id);
        Assert.Equal("ready: ties with 1 of 2 (quorum 1)", readiness.Summary);
        Assert.Equal(untied.Did, Assert.Single(readiness.Missing).Did);
        await founder.Agency.Bureaus.CharterBureauAsync(bureau.Id);
        await Eventually.UntilAsync(() => tied.Store.Bureaus.GetBureauAsync(bureau.Id), b => b is not null, Deadline, "the tied member holds the charter");
        await tied.Agency.Bureaus.AcceptBureauAsync(bureau.Id);
        await Eventually.UntilAsync(() => tied.Store.Bureaus.GetBureauAsync(bureau.Id), b => b!.Epoch == 2, Deadline, "the tied member is in epoch 2");
        Assert.Null(await untied.Store.Bureaus.GetBureauAsync(bureau.Id));
    }

    [Fact]
    public async Task A_member_that_leaves_gets_nothing_of_the_next_epoch_and_refuses_a_bulletin_naming_it()
    {
        await using var net = await BureauNetwork.StartAsync(3, "Small Bureau");
        var (founder, leaver) = (net.Founder, net.Members[2]);
        var stayers = net.Members.Take(2).ToList();

        // Epoch 4 has all three members; the third leaves and the secretariat opens epoch 5 without it.
        await leaver.Agency.Bureaus.LeaveBureauAsync(net.Bureau.Id);
        await Eventually.UntilAsync(() => founder.Store.Bureaus.GetBureauAsync(net.Bureau.Id), b => b!.Epoch == 5, Deadline, "the secretariat opened epoch 5");
        foreach (var m in net.Members)
        {
            await Eventually.UntilAsync(() => m.Store.Bureaus.GetBureauEpochAsync(net.Bureau.Id, 5), e => e is not null, Deadline, $"{m.Identity.Name} holds epoch 5");
        }

        var epoch5 = (await founder.Store.Bureaus.GetBureauEpochAsync(net.Bureau.Id, 5))!;
        Assert.Equal(new[] { founder.Did }.Concat(stayers.Select(s => s.Did)).Order(StringComparer.Ordinal),
            epoch5.Members.Select(m => m.Did).Order(StringComparer.Ordinal));
        Assert.Equal(MemberState.Left, (await leaver.Store.Bureaus.GetBureauAsync(net.Bureau.Id))!.Member(leaver.Did)!.State);
        await Assert.ThrowsAsync<TelexException>(() => leaver.Agency.BureauTraffic.SendBulletinAsync(net.Bureau.Id,
            new TelegramDraft { To = "", Subject = "Still here?", Body = "No." }, "x"));

        var sent = await founder.Agency.BureauTraffic.SendBulletinAsync(net.Bureau.Id, new TelegramDraft { To = "", Subject = "Epoch five", Body = "Without the third." }, "kovalev");
        Assert.Equal(stayers.Select(s => s.Did).Order(StringComparer.Ordinal), sent.Select(t => t.Counterpart).Order(StringComparer.Ordinal));
        foreach (var t in sent)
        {
            await Eventually.UntilAsync(() => founder.Store.Telegrams.GetTelegramAsync(t.Id, Direction.Outbound), x => x?.Status == TelegramStatus.Delivered, Deadline,
                "the epoch-5 bulletin is delivered");
        }

        foreach (var s in stayers)
        {
            var held = await s.Store.Register.QueryAsync(new RegisterQuery { Text = "\"Epoch five\"" });
            Assert.Equal(5, Assert.Single(held).BureauEpoch);
        }

        Assert.Empty(await leaver.Store.Register.QueryAsync(new RegisterQuery { Text = "\"Epoch five\"" }));

        // A bulletin naming epoch 5 sent to the one who left (as a misbehaving founder might) is refused and nothing is stored.
        long before = (await leaver.Store.Register.GetRegisterHeadAsync()).Count;
        var tie = (await founder.Store.Ties.GetTieAsync(leaver.Did))!;
        var draft = new TelegramDraft { To = leaver.Did, Subject = "Forged", Body = "Epoch five for you too.", BureauId = net.Bureau.Id, BureauEpoch = 5 };
        var message = TelegramWire.ToMessage(Guid.NewGuid(), founder.Did, "Founder", draft, tie.LastSentSerial + 1, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow,
            null, DateTimeOffset.UtcNow.AddHours(1));
        var packer = new DidCommPacker(new DidResolver(), founder.Identity.Secrets);
        byte[] packed = packer.PackEncryptedPayload(packer.PackSigned(message, founder.Did).Packed, new PackEncryptedOptions { To = leaver.Did }).Packed;
        var result = await leaver.Agency.ReceiveAsync(packed);
        Assert.Equal((403, "e.p.bureau.not-member"), (result.Status, result.Code));

        // The same to a stayer naming an epoch not announced yet is refused for now (409), so its sender tries again.
        var early = draft with { To = stayers[0].Did, BureauEpoch = 9 };
        var stayerTie = (await founder.Store.Ties.GetTieAsync(stayers[0].Did))!;
        message = TelegramWire.ToMessage(Guid.NewGuid(), founder.Did, "Founder", early, stayerTie.LastSentSerial + 1, DateTimeOffset.UtcNow,
            DateTimeOffset.UtcNow, null, DateTimeOffset.UtcNow.AddHours(1));
        result = await stayers[0].Agency.ReceiveAsync(packer.PackEncryptedPayload(packer.PackSigned(message, founder.Did).Packed, new PackEncryptedOptions { To = stayers[0].Did }).Packed);
        Assert.Equal((409, "e.p.bureau.epoch-unknown"), (result.Status, result.Code));
        Assert.Equal(before, (await leaver.Store.Register.GetRegisterHeadAsync()).Count);
        Assert.Empty(await leaver.Store.Register.QueryAsync(new RegisterQuery { Text = "Forged" }));

        // Every register still verifies, bureau entries included.
        foreach (var a in net.Members.Append(founder))
        {
            Assert.True((await a.Agency.Register.VerifyRegisterAsync()).Ok);
        }

        // The founder's register exports and imports elsewhere with its bureau, its epochs and its bulletins, and verifies there.
        using var export = new MemoryStream();
        await founder.Agency.Register.ExportRegisterAsync(export);
        export.Position = 0;
        await using var restored = await TestAgency.StartAsync("Restored");
        Assert.True((await restored.Agency.Register.ImportRegisterAsync(export)).Ok);
        Assert.True((await restored.Agency.Register.VerifyRegisterAsync()).Ok);
        Assert.Equal(5, (await restored.Store.Bureaus.GetBureauAsync(net.Bureau.Id))!.Epoch);
        Assert.Equal([1L, 2L, 3L, 4L, 5L], (await restored.Store.Bureaus.ListBureauEpochsAsync(net.Bureau.Id)).Select(e => e.Number));
        Assert.Equal(2, (await restored.Store.Register.QueryAsync(new RegisterQuery { Text = "\"Epoch five\"" })).Count(t => t.BureauEpoch == 5));
    }

    [Fact]
    public async Task A_secretariat_other_than_the_founder_opens_the_first_epoch_once_it_accepts_with_everyone_who_accepted_before()
    {
        await using var founder = await TestAgency.StartAsync("Founder");
        await using var secretariat = await TestAgency.StartAsync("Secretariat");
        await using var member = await TestAgency.StartAsync("Member");
        await TestAgency.TieAsync(founder, secretariat);
        await TestAgency.TieAsync(founder, member);
        await TestAgency.TieAsync(secretariat, member);

        var bureau = await founder.Agency.Bureaus.ProposeBureauAsync("Delegated", "purpose", [secretariat.Did, member.Did], secretariat: secretariat.Did);
        var chartered = await founder.Agency.Bureaus.CharterBureauAsync(bureau.Id);
        Assert.Equal(0, chartered.Epoch);
        await Assert.ThrowsAsync<TelexException>(() => founder.Agency.BureauTraffic.SendBulletinAsync(bureau.Id, new TelegramDraft { To = "", Subject = "s", Body = "b" }, "x"));

        // The member accepts first: the secretariat files it and waits for its own acceptance to open epoch 1.
        await Eventually.UntilAsync(() => member.Store.Bureaus.GetBureauAsync(bureau.Id), b => b is not null, Deadline, "the member holds the charter");
        await member.Agency.Bureaus.AcceptBureauAsync(bureau.Id);
        await Eventually.UntilAsync(() => secretariat.Store.Bureaus.GetBureauAsync(bureau.Id), b => b?.Member(member.Did)?.State == MemberState.Accepted, Deadline,
            "the secretariat filed the member's acceptance");
        Assert.Equal(0, (await secretariat.Store.Bureaus.GetBureauAsync(bureau.Id))!.Epoch);
        await Assert.ThrowsAsync<TelexException>(() => member.Agency.Bureaus.LeaveBureauAsync(Guid.NewGuid()));
        await Assert.ThrowsAsync<TelexException>(() => secretariat.Agency.Bureaus.BureauReadinessAsync(bureau.Id));

        await secretariat.Agency.Bureaus.AcceptBureauAsync(bureau.Id);
        await Assert.ThrowsAsync<TelexException>(() => secretariat.Agency.Bureaus.LeaveBureauAsync(bureau.Id));
        foreach (var a in new[] { founder, secretariat, member })
        {
            var epoch = await Eventually.UntilAsync(() => a.Store.Bureaus.GetBureauEpochAsync(bureau.Id, 1), e => e is not null, Deadline, $"{a.Identity.Name} holds epoch 1");
            Assert.Equal(new[] { founder.Did, secretariat.Did, member.Did }.Order(StringComparer.Ordinal), epoch!.Members.Select(m => m.Did).Order(StringComparer.Ordinal));
        }

        // The founder, a member of epoch 1 now, sends a bulletin to both others.
        var sent = await founder.Agency.BureauTraffic.SendBulletinAsync(bureau.Id, new TelegramDraft { To = "", Subject = "First", Body = "Epoch one." }, "kovalev");
        Assert.Equal(2, sent.Count);
        foreach (var t in sent)
        {
            await Eventually.UntilAsync(() => founder.Store.Telegrams.GetTelegramAsync(t.Id, Direction.Outbound), x => x?.Status == TelegramStatus.Delivered, Deadline,
                "the bulletin is delivered");
        }
    }

    [Fact]
    public async Task Bureau_messages_from_a_member_out_of_turn_are_refused_and_change_nothing()
    {
        await using var net = await BureauNetwork.StartAsync(2, "Guarded Bureau");
        var (founder, member) = (net.Founder, net.Members[0]);
        var packer = new DidCommPacker(new DidResolver(), member.Identity.Secrets);
        byte[] Pack(string type, JsonObject body) => packer.PackEncryptedPayload(packer.PackSigned(new Telex.DidComm.Messages.Message
        {
            Id = Guid.NewGuid().ToString(),
            Type = type,
            From = member.Did,
            To = [founder.Did],
            CreatedTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            Body = System.Text.Json.JsonSerializer.SerializeToElement(body),
        }, member.Did).Packed, new PackEncryptedOptions { To = founder.Did }).Packed;

        long head = (await founder.Store.Register.GetRegisterHeadAsync()).Count;

        // Only the secretariat opens epochs; an unknown bureau is refused for now; a bureau id must be a UUID.
        var epoch = await founder.Agency.ReceiveAsync(Pack(MessageTypes.BureauEpoch, new JsonObject
        {
            ["bureau"] = net.Bureau.Id.ToString(),
            ["epoch"] = 99,
            ["members"] = new JsonArray(new JsonObject { ["did"] = member.Did, ["name"] = "Me" }),
        }));
        Assert.Equal((403, "e.p.bureau.not-secretariat"), (epoch.Status, epoch.Code));
        var unknown = await founder.Agency.ReceiveAsync(Pack(MessageTypes.BureauJoin, new JsonObject { ["bureau"] = Guid.NewGuid().ToString() }));
        Assert.Equal((409, "e.p.bureau.unknown"), (unknown.Status, unknown.Code));
        var malformed = await founder.Agency.ReceiveAsync(Pack(MessageTypes.BureauLeave, new JsonObject { ["bureau"] = "not-a-uuid" }));
        Assert.Equal(400, malformed.Status);

        // A join from a member already in the epoch is answered, and changes nothing.
        var again = await founder.Agency.ReceiveAsync(Pack(MessageTypes.BureauJoin, new JsonObject { ["bureau"] = net.Bureau.Id.ToString() }));
        Assert.True(again.IsAccepted);
        Assert.Equal(head, (await founder.Store.Register.GetRegisterHeadAsync()).Count);
        Assert.Equal(net.Epoch, (await founder.Store.Bureaus.GetBureauAsync(net.Bureau.Id))!.Epoch);
    }
}
