using System.Text.Json;
using System.Text.Json.Nodes;

using Telex.Core;
using Telex.Core.Model;
using Telex.Core.Protocol;
using Telex.DidComm;
using Telex.DidComm.Dids;
using Telex.DidComm.Messages;
using Telex.TestKit;

namespace Telex.Server.Tests.Federation;

/// <summary>Which side may change a tie's status: a suspension is lifted only by the side that made it.</summary>
public sealed class TieStatusTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>A tie-status message signed with <paramref name="sender"/>'s own key, as a modified agency would send it.</summary>
    private static byte[] SignedStatus(TestAgency sender, TestAgency to, string status)
    {
        var packer = new DidCommPacker(new DidResolver(), sender.Identity.Secrets);
        var message = new Message
        {
            Id = Guid.NewGuid().ToString(),
            Type = MessageTypes.TieStatus,
            From = sender.Did,
            To = [to.Did],
            CreatedTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            Body = JsonSerializer.SerializeToElement(new JsonObject { ["status"] = status }),
        };
        return packer.PackEncryptedPayload(packer.PackSigned(message, sender.Did).Packed, new PackEncryptedOptions { To = to.Did }).Packed;
    }

    [Fact]
    public async Task A_suspended_counterpart_cannot_lift_the_suspension_and_only_the_suspending_side_resumes()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);

        await a.Agency.Ties.ChangeTieStatusAsync(b.Did, TieStatus.Suspended);
        await Eventually.UntilAsync(() => b.Store.Ties.GetTieAsync(a.Did), t => t?.Status == TieStatus.Suspended, Deadline, "Bravo learned of the suspension");
        Assert.Equal(TieSide.ThisAgency, (await a.Store.Ties.GetTieAsync(b.Did))!.SuspendedBy);
        Assert.Equal(TieSide.Counterpart, (await b.Store.Ties.GetTieAsync(a.Did))!.SuspendedBy);

        // Bravo's officers cannot resume a suspension Alpha made...
        var local = await Assert.ThrowsAsync<TelexException>(() => b.Agency.Ties.ChangeTieStatusAsync(a.Did, TieStatus.Established));
        Assert.Equal(TelexErrorKind.Conflict, local.Kind);
        Assert.Equal(TieStatus.Suspended, (await b.Store.Ties.GetTieAsync(a.Did))!.Status);

        // ...and a resume Bravo signs with its own key anyway is refused by Alpha: the tie stays suspended there.
        Assert.Equal((403, "e.p.tie.suspended-here"), await HostilePeer.PostAsync(a.Identity.Endpoint, SignedStatus(b, a, "established")));
        var atAlpha = (await a.Store.Ties.GetTieAsync(b.Did))!;
        Assert.Equal(TieStatus.Suspended, atAlpha.Status);
        Assert.Equal(TieSide.ThisAgency, atAlpha.SuspendedBy);
        await Assert.ThrowsAsync<TelexException>(() => b.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = a.Did, Subject = "Still here", Body = "?" }, "officer"));

        // Alpha resumes: both ends established again, and telegrams flow.
        await a.Agency.Ties.ChangeTieStatusAsync(b.Did, TieStatus.Established);
        await Eventually.UntilAsync(() => b.Store.Ties.GetTieAsync(a.Did), t => t is { Status: TieStatus.Established, SuspendedBy: null }, Deadline,
            "Bravo learned of the resumption");
        Assert.Null((await a.Store.Ties.GetTieAsync(b.Did))!.SuspendedBy);
        var sent = await b.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = a.Did, Subject = "Resumed", Body = "Traffic again." }, "officer");
        await Eventually.UntilAsync(() => b.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound), t => t?.Status == TelegramStatus.Delivered, Deadline,
            "a telegram after the resumption delivered");
    }

    [Fact]
    public async Task A_counterpart_may_suspend_and_sever_but_its_resume_of_a_suspension_made_here_is_refused()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);

        // Bravo suspends: Alpha's officers may not resume it, Bravo may.
        await b.Agency.Ties.ChangeTieStatusAsync(a.Did, TieStatus.Suspended);
        await Eventually.UntilAsync(() => a.Store.Ties.GetTieAsync(b.Did), t => t?.Status == TieStatus.Suspended, Deadline, "Alpha learned of the suspension");
        Assert.Equal(TieSide.Counterpart, (await a.Store.Ties.GetTieAsync(b.Did))!.SuspendedBy);
        Assert.Equal(TelexErrorKind.Conflict,
            (await Assert.ThrowsAsync<TelexException>(() => a.Agency.Ties.ChangeTieStatusAsync(b.Did, TieStatus.Established))).Kind);
        await b.Agency.Ties.ChangeTieStatusAsync(a.Did, TieStatus.Established);
        await Eventually.UntilAsync(() => a.Store.Ties.GetTieAsync(b.Did), t => t is { Status: TieStatus.Established, SuspendedBy: null }, Deadline,
            "Alpha learned that Bravo resumed");

        // Either side may end the tie, suspended or not.
        await a.Agency.Ties.ChangeTieStatusAsync(b.Did, TieStatus.Suspended);
        await Eventually.UntilAsync(() => b.Store.Ties.GetTieAsync(a.Did), t => t?.Status == TieStatus.Suspended, Deadline, "Bravo learned of the suspension");
        await b.Agency.Ties.ChangeTieStatusAsync(a.Did, TieStatus.Severed);
        await Eventually.UntilAsync(() => a.Store.Ties.GetTieAsync(b.Did), t => t?.Status == TieStatus.Severed, Deadline, "Alpha learned of the severance");
    }

    [Fact]
    public async Task A_counterpart_cannot_resume_a_suspension_made_before_the_suspending_side_was_recorded()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        await a.Agency.Ties.ChangeTieStatusAsync(b.Did, TieStatus.Suspended);
        await Eventually.UntilAsync(() => b.Store.Ties.GetTieAsync(a.Did), t => t?.Status == TieStatus.Suspended, Deadline, "Bravo learned of the suspension");

        // A tie suspended before ties.suspended_by existed comes out of the migration with no suspending side.
        var legacy = (await a.Store.Ties.GetTieAsync(b.Did))! with { SuspendedBy = null };
        await a.Store.Ties.SaveTieAsync(legacy);

        Assert.Equal((403, "e.p.tie.suspended-here"), await HostilePeer.PostAsync(a.Identity.Endpoint, SignedStatus(b, a, "established")));
        Assert.Equal(legacy, await a.Store.Ties.GetTieAsync(b.Did));

        // Alpha's officers may resume it.
        await a.Agency.Ties.ChangeTieStatusAsync(b.Did, TieStatus.Established);
        await Eventually.UntilAsync(() => b.Store.Ties.GetTieAsync(a.Did), t => t?.Status == TieStatus.Established, Deadline, "Bravo learned of the resumption");
    }

    [Fact]
    public async Task A_severed_tie_is_not_revived_by_the_former_counterparts_status_messages()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        var severed = await a.Agency.Ties.ChangeTieStatusAsync(b.Did, TieStatus.Severed);

        Assert.Equal((403, "e.p.tie.none"), await HostilePeer.PostAsync(a.Identity.Endpoint, SignedStatus(b, a, "established")));
        Assert.Equal((403, "e.p.tie.none"), await HostilePeer.PostAsync(a.Identity.Endpoint, SignedStatus(b, a, "suspended")));
        Assert.Equal(severed, await a.Store.Ties.GetTieAsync(b.Did));
    }
}
