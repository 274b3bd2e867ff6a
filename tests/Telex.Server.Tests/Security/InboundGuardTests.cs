using System.Text.Json.Nodes;

using Telex.Core.Model;
using Telex.Core.Protocol;
using Telex.Core.Storage;
using Telex.TestKit;

namespace Telex.Server.Tests.Security;

/// <summary>
/// Guards of the inbound path that a mutation run found no test needed: each test here fails when its guard is taken
/// out (see tools/mutants).
/// </summary>
public sealed class InboundGuardTests
{
    [Fact]
    public async Task A_telegram_over_a_tie_this_agency_suspended_is_refused_and_accepted_once_the_tie_is_resumed()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        await a.Agency.Ties.ChangeTieStatusAsync(b.Did, TieStatus.Suspended);

        // Bravo's own outbox holds telegrams on a suspended tie; a modified Bravo posts one anyway.
        var rogue = new RogueSender(b.Identity);
        var telegram = rogue.Telegram(a.Did, 1, "Sent while suspended.");
        Assert.Equal((403, "e.p.tie.none"), await HostilePeer.PostAsync(a.Identity.Endpoint, rogue.SignAndEncrypt(telegram, a.Did)));
        Assert.Equal(0, await a.Store.Register.CountAsync(new RegisterQuery()));

        await a.Agency.Ties.ChangeTieStatusAsync(b.Did, TieStatus.Established);
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, rogue.SignAndEncrypt(telegram, a.Did))).Status);
        Assert.Equal(1, await a.Store.Register.CountAsync(new RegisterQuery()));
    }

    [Fact]
    public async Task A_receipt_with_one_malformed_entry_is_refused_whole_and_marks_nothing_delivered()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var peer = HostilePeer.Create("Bravo");
        var invitation = await a.Agency.Ties.CreateInvitationAsync();
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, peer.TieRequest(invitation))).Status);
        var sent = await a.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = peer.Did, Subject = "Receipts", Body = "Acknowledge this." }, "officer");
        var record = await a.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound);

        var valid = new JsonObject
        {
            ["telegram"] = sent.Id.ToString(),
            ["content_hash"] = record!.ContentHash,
            ["registry_number"] = 7,
            ["received_time"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        };
        var malformed = new JsonObject { ["telegram"] = "not a telegram id", ["content_hash"] = record.ContentHash };
        var receipt = peer.Message(MessageTypes.Receipt, a.Did, new JsonObject { ["receipts"] = new JsonArray(valid, malformed) });
        Assert.Equal((400, "e.p.msg.bad-request"), await HostilePeer.PostAsync(a.Identity.Endpoint, peer.SignAndEncrypt(receipt, a.Did)));
        Assert.NotEqual(TelegramStatus.Delivered, (await a.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound))!.Status);

        // The valid entry alone delivers it: the refusal was for the malformed entry, not the receipt.
        var alone = peer.Message(MessageTypes.Receipt, a.Did, new JsonObject { ["receipts"] = new JsonArray(valid.DeepClone()) });
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, peer.SignAndEncrypt(alone, a.Did))).Status);
        Assert.Equal(TelegramStatus.Delivered, (await a.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound))!.Status);
    }
}
