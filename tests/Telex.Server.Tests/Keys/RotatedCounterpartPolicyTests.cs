using Telex.Core;
using Telex.Core.Model;
using Telex.Server.Tests.Relay;
using Telex.TestKit;

namespace Telex.Server.Tests.Keys;

/// <summary>Policies name a counterpart, not one of its DIDs: they hold across its key rotation, whatever DID is used.</summary>
public sealed class RotatedCounterpartPolicyTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static TelegramDraft Draft(string to) => new() { To = to, Subject = "Routine", Body = "Text." };

    private static async Task AssertClearanceRequiredAsync(TestAgency a, string to)
    {
        Assert.NotEmpty(await a.Agency.Clearance.RequiredClearancesAsync(to, Precedence.Routine));
        var refused = await Assert.ThrowsAsync<TelexException>(() => a.Agency.Telegrams.ReleaseAsync(Draft(to), "officer"));
        Assert.Equal(TelexErrorKind.Conflict, refused.Kind);
        Assert.Contains("requires clearance", refused.Message, StringComparison.Ordinal);
        var draft = await a.Agency.Clearance.SubmitDraftAsync(Draft(to), "clerk");
        Assert.Equal(DraftStatus.AwaitingClearance, draft.Status);
    }

    [Fact]
    public async Task A_clearance_rule_applies_to_the_counterpart_under_its_old_and_its_new_DID()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        string oldB = b.Did;
        var before = await a.Agency.Clearance.AddClearanceRuleAsync(new ClearanceRule { Id = Guid.Empty, Counterpart = oldB, AnyReleasingOfficer = true });

        var rotation = await b.Agency.Keys.RotateKeysAsync();
        await Eventually.UntilAsync(() => a.Store.Ties.GetTieAsync(oldB), t => t?.PeerDid == rotation.NewDid, Deadline, "Alpha switched to Bravo's new DID");

        // The rule written under the old DID covers telegrams addressed either way.
        await AssertClearanceRequiredAsync(a, oldB);
        await AssertClearanceRequiredAsync(a, rotation.NewDid);

        // A rule written under the new DID covers a telegram still addressed to the old one.
        Assert.True(await a.Agency.Clearance.RemoveClearanceRuleAsync(before.Id));
        Assert.Empty(await a.Agency.Clearance.RequiredClearancesAsync(oldB, Precedence.Routine));
        await a.Agency.Clearance.AddClearanceRuleAsync(new ClearanceRule { Id = Guid.Empty, Counterpart = rotation.NewDid, AnyReleasingOfficer = true });
        await AssertClearanceRequiredAsync(a, oldB);
        await AssertClearanceRequiredAsync(a, rotation.NewDid);
    }

    [Fact]
    public async Task A_relay_pair_permitted_before_a_counterpart_rotated_still_names_it_under_its_new_DID()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var r = await TestAgency.StartAsync("Relay");
        await using var b = await TestAgency.StartAsync("Bravo");
        await RelayNetwork.ConnectAsync(a, r, b);
        string oldA = a.Did;
        await r.Agency.Relays.AllowAsync(oldA, b.Did);

        var rotation = await a.Agency.Keys.RotateKeysAsync();
        await Eventually.UntilAsync(() => r.Store.Ties.GetTieAsync(oldA), t => t?.PeerDid == rotation.NewDid, Deadline, "the relay switched to Alpha's new DID");

        // The pair names Alpha by its old DID; Alpha's forward now comes from its new one and is still relayed.
        var sent = await a.Agency.Telegrams.ReleaseAsync(RelayNetwork.Draft(b.Did, "After the rotation", "Relayed under the new DID.", via: "Relay"), "officer");
        var delivered = await Eventually.UntilAsync(() => a.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound),
            t => t?.Status is TelegramStatus.Delivered or TelegramStatus.Failed, Deadline, "the relayed telegram settled");
        Assert.True(delivered!.Status == TelegramStatus.Delivered, delivered.FailureReason);
        Assert.Equal(rotation.NewDid, (await b.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Inbound))!.Counterpart);
    }
}
