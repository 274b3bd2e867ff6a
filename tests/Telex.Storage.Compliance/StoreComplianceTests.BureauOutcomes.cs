using Telex.Core.Model;

namespace Telex.Storage.Compliance;

/// <summary>A bureau's vocabulary of outcomes: the newest version wins, with its outbox items in the same transaction.</summary>
public abstract partial class StoreComplianceTests
{
    [Fact]
    public async Task A_bureaus_outcomes_are_kept_only_when_newer_than_those_held_with_their_outbox_items_or_nothing()
    {
        var bureau = NewBureau();
        await Store.Bureaus.CreateBureauAsync(new BureauChange { Bureau = bureau, Log = [LogEntry("proposed")] });
        Assert.Null(await Store.Bureaus.GetBureauOutcomesAsync(bureau.Id));

        IReadOnlyList<OutcomeTerm> first = [new("noted", IssueStatus.Agreed), new("referred", IssueStatus.Referred)];
        Assert.True(await Store.Bureaus.SetBureauOutcomesAsync(new BureauOutcomes(bureau.Id, 1, first), [MessageItem(Bravo, Now), MessageItem(Charlie, Now)]));
        var held = await Store.Bureaus.GetBureauOutcomesAsync(bureau.Id);
        Assert.Equal(1L, held!.Version);
        Assert.Equal(first, held.Terms);
        Assert.Equal(2, (await ClaimEverythingDueAsync()).Count);

        // The same version again, or an older one, writes nothing: neither the terms nor the outbox items.
        IReadOnlyList<OutcomeTerm> other = [new("shelved", IssueStatus.Deferred)];
        Assert.False(await Store.Bureaus.SetBureauOutcomesAsync(new BureauOutcomes(bureau.Id, 1, other), [MessageItem(Bravo, Now)]));
        Assert.False(await Store.Bureaus.SetBureauOutcomesAsync(new BureauOutcomes(bureau.Id, 0, other), [MessageItem(Bravo, Now)]));
        Assert.Equal(first, (await Store.Bureaus.GetBureauOutcomesAsync(bureau.Id))!.Terms);
        Assert.Empty(await ClaimEverythingDueAsync());

        // A newer version replaces them; a bureau not held here takes none.
        Assert.True(await Store.Bureaus.SetBureauOutcomesAsync(new BureauOutcomes(bureau.Id, 3, other), []));
        held = await Store.Bureaus.GetBureauOutcomesAsync(bureau.Id);
        Assert.Equal(3L, held!.Version);
        Assert.Equal(other, held.Terms);
        var unknown = Guid.NewGuid();
        Assert.False(await Store.Bureaus.SetBureauOutcomesAsync(new BureauOutcomes(unknown, 1, first), [MessageItem(Bravo, Now)]));
        Assert.Null(await Store.Bureaus.GetBureauOutcomesAsync(unknown));
        Assert.Empty(await ClaimEverythingDueAsync());
    }

    [Fact]
    public async Task A_bureau_change_reads_the_outcomes_held_in_its_transaction_and_sets_them_with_its_outbox_items_keeping_retired_terms()
    {
        var bureau = NewBureau();
        await Store.Bureaus.CreateBureauAsync(new BureauChange { Bureau = bureau, Log = [LogEntry("proposed")] });
        BureauOutcomes? seen = new(bureau.Id, -1, []);
        await Store.Bureaus.ChangeBureauAsync(bureau.Id, (b, _, outcomes) =>
        {
            seen = outcomes;
            return null;
        });
        Assert.Null(seen);

        // A change sets the outcomes with its outbox items; a retired term keeps its flag.
        IReadOnlyList<OutcomeTerm> terms = [new("noted", IssueStatus.Agreed), new("premature", IssueStatus.Deferred, Retired: true)];
        await Store.Bureaus.ChangeBureauAsync(bureau.Id, (b, _, _) =>
            new BureauChange { Bureau = b, Outcomes = new BureauOutcomes(bureau.Id, 1, terms), Outbox = [MessageItem(Bravo, Now)] });
        var held = await Store.Bureaus.GetBureauOutcomesAsync(bureau.Id);
        Assert.Equal(1L, held!.Version);
        Assert.Equal(terms, held.Terms);
        Assert.True(held.Terms[1].Retired);
        Assert.Single(await ClaimEverythingDueAsync());

        // The next change reads them; one that throws writes neither outcomes nor outbox items.
        await Store.Bureaus.ChangeBureauAsync(bureau.Id, (b, _, outcomes) =>
        {
            seen = outcomes;
            return null;
        });
        Assert.Equal(terms, seen!.Terms);
        IReadOnlyList<OutcomeTerm> other = [new("shelved", IssueStatus.Deferred)];
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.Bureaus.ChangeBureauAsync(bureau.Id, (b, _, _) =>
            new BureauChange { Bureau = b, Outcomes = new BureauOutcomes(Guid.NewGuid(), 2, other), Outbox = [MessageItem(Bravo, Now)] }));
        Assert.Equal(terms, (await Store.Bureaus.GetBureauOutcomesAsync(bureau.Id))!.Terms);
        Assert.Empty(await ClaimEverythingDueAsync());

        // Outcomes of a version not above the one held are not kept.
        await Store.Bureaus.ChangeBureauAsync(bureau.Id, (b, _, _) => new BureauChange { Bureau = b, Outcomes = new BureauOutcomes(bureau.Id, 1, other) });
        Assert.Equal(terms, (await Store.Bureaus.GetBureauOutcomesAsync(bureau.Id))!.Terms);
    }
}
