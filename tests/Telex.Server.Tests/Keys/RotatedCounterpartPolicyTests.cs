using Telex.Core;
using Telex.Core.Model;
using Telex.TestKit;

namespace Telex.Server.Tests.Keys;

/// <summary>Policies name a counterpart, not one of its DIDs: they hold across its key rotation, whatever DID is used.</summary>
public sealed class RotatedCounterpartPolicyTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static TelegramDraft Draft(string to) => new() { To = to, Subject = "Routine", Body = "Text." };

    private static async Task AssertClearanceRequiredAsync(TestAgency a, string to)
    {
        Assert.NotEmpty(await a.Agency.RequiredClearancesAsync(to, Precedence.Routine));
        var refused = await Assert.ThrowsAsync<TelexException>(() => a.Agency.ReleaseAsync(Draft(to), "officer"));
        Assert.Equal(TelexErrorKind.Conflict, refused.Kind);
        Assert.Contains("requires clearance", refused.Message, StringComparison.Ordinal);
        var draft = await a.Agency.SubmitDraftAsync(Draft(to), "clerk");
        Assert.Equal(DraftStatus.AwaitingClearance, draft.Status);
    }

    [Fact]
    public async Task A_clearance_rule_applies_to_the_counterpart_under_its_old_and_its_new_DID()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        string oldB = b.Did;
        var before = await a.Agency.AddClearanceRuleAsync(new ClearanceRule { Id = Guid.Empty, Counterpart = oldB, AnyReleasingOfficer = true });

        var rotation = await b.Agency.RotateKeysAsync();
        await Eventually.UntilAsync(() => a.Store.GetTieAsync(oldB), t => t?.PeerDid == rotation.NewDid, Deadline, "Alpha switched to Bravo's new DID");

        // The rule written under the old DID covers telegrams addressed either way.
        await AssertClearanceRequiredAsync(a, oldB);
        await AssertClearanceRequiredAsync(a, rotation.NewDid);

        // A rule written under the new DID covers a telegram still addressed to the old one.
        Assert.True(await a.Agency.RemoveClearanceRuleAsync(before.Id));
        Assert.Empty(await a.Agency.RequiredClearancesAsync(oldB, Precedence.Routine));
        await a.Agency.AddClearanceRuleAsync(new ClearanceRule { Id = Guid.Empty, Counterpart = rotation.NewDid, AnyReleasingOfficer = true });
        await AssertClearanceRequiredAsync(a, oldB);
        await AssertClearanceRequiredAsync(a, rotation.NewDid);
    }
}
