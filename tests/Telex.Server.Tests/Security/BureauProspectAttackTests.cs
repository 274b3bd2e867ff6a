using Telex.Core;
using Telex.Core.Register;
using Telex.TestKit;

namespace Telex.Server.Tests.Security;

/// <summary>
/// A bureau prospect is a name only. An agency that establishes a tie calling itself by that name (anyone holding one of
/// the founder's invitation codes can, under any name) does not take the prospect's place: the directory entry takes a
/// tie's DID only once the officers have compared the tie's fingerprint, and while the two stay apart the name is
/// refused as ambiguous rather than resolved to the tie.
/// </summary>
public sealed class BureauProspectAttackTests
{
    [Fact]
    public async Task An_agency_calling_itself_like_a_prospect_takes_its_place_only_once_its_tie_is_verified()
    {
        await using var moscow = await TestAgency.StartAsync("Moscow");
        await using var peking = await TestAgency.StartAsync("Peking");
        await TestAgency.TieAsync(moscow, peking);
        await moscow.Agency.Directory.AddToDirectoryAsync("Shenyang", did: null, endpoint: null, knownTies: null);
        var bureau = await moscow.Agency.Bureaus.ProposeBureauAsync("Eastern Information Bureau", "Information", ["Peking", "Shenyang"]);
        var other = await moscow.Agency.Bureaus.ProposeBureauAsync("Trade Bureau", "Trade", ["Peking"]);
        int chained = (await moscow.Store.Register.ReadRegisterAsync()).Entries.Count(e => e.Kind == RegisterKinds.Bureau);

        // Mallory was handed an invitation and calls itself Shenyang: its tie stands, unverified; the prospect stays a
        // prospect, the directory entry keeps no DID, readiness and the register's chain are as they were.
        using var mallory = await HostilePeer.TiedWithAsync(moscow, "Shenyang");
        Assert.False((await moscow.Store.Ties.GetTieAsync(mallory.Did))!.Verified);
        var held = (await moscow.Store.Bureaus.GetBureauAsync(bureau.Id))!;
        Assert.Equal("Shenyang", Assert.Single(held.Prospects).Name);
        Assert.Null(held.Member(mallory.Did));
        Assert.Null((await moscow.Store.Directory.FindDirectoryEntryAsync("Shenyang"))!.Did);
        Assert.Equal("premature: ties with 1 of 2; 1 known of, no tie", (await moscow.Agency.Bureaus.BureauReadinessAsync(bureau.Id)).Summary);
        await Assert.ThrowsAsync<TelexException>(() => moscow.Agency.Bureaus.CharterBureauAsync(bureau.Id));
        Assert.Equal(chained, (await moscow.Store.Register.ReadRegisterAsync()).Entries.Count(e => e.Kind == RegisterKinds.Bureau));

        // Naming "Shenyang" for a bureau now is ambiguous (the tie's claim, or the counterpart known of by name): refused,
        // pointing to the fingerprint and to linking, and nothing is named.
        var ambiguous = await Assert.ThrowsAsync<TelexException>(() => moscow.Agency.Bureaus.AddBureauMemberAsync(other.Id, "shenyang"));
        Assert.Equal(TelexErrorKind.Invalid, ambiguous.Kind);
        Assert.Contains("telex tie verify", ambiguous.Message, StringComparison.Ordinal);
        Assert.Contains("telex directory link \"Shenyang\"", ambiguous.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("did:peer", ambiguous.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<TelexException>(() => moscow.Agency.Bureaus.ProposeBureauAsync("Third Bureau", "p", ["Peking", "Shenyang"]));
        var untouched = (await moscow.Store.Bureaus.GetBureauAsync(other.Id))!;
        Assert.Equal([moscow.Did, peking.Did], untouched.Members.Select(m => m.Did));
        Assert.Empty(untouched.Prospects);
        Assert.Equal(2, (await moscow.Store.Bureaus.ListBureausAsync()).Count);

        // The officers compare the fingerprint and confirm it: the tie's agency is then the Shenyang the directory knew of.
        await moscow.Agency.Ties.VerifyTieAsync(mallory.Did);
        Assert.Equal(mallory.Did, (await moscow.Store.Directory.FindDirectoryEntryAsync("Shenyang"))!.Did);
        held = (await moscow.Store.Bureaus.GetBureauAsync(bureau.Id))!;
        Assert.Empty(held.Prospects);
        Assert.Equal(MemberState.Prospective, held.Member(mallory.Did)!.State);
        Assert.Equal("ready: ties with 2 of 2", (await moscow.Agency.Bureaus.BureauReadinessAsync(bureau.Id)).Summary);
    }
}
