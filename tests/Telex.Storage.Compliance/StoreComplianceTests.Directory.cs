using Telex.Core.Model;

namespace Telex.Storage.Compliance;

/// <summary>The directory: counterparts known of, tied or not, with their dossiers.</summary>
public abstract partial class StoreComplianceTests
{
    private DirectoryEntry Entry(string name, string? did = null) => new()
    {
        Id = Guid.NewGuid(),
        Name = name,
        Did = did,
        Endpoint = did is null ? null : EndpointOf(did),
        KnownTies = did is null ? [] : [Charlie],
        AddedAt = Now,
    };

    [Fact]
    public async Task A_directory_entry_reads_back_with_every_field_by_id_DID_or_name()
    {
        var withDid = Entry("Bravo Agency", Bravo);
        var nameOnly = Entry("Delta Bureau");
        Assert.True(await Store.AddDirectoryEntryAsync(withDid));
        Assert.True(await Store.AddDirectoryEntryAsync(nameOnly));

        AssertSameFields(withDid, await Store.GetDirectoryEntryAsync(withDid.Id));
        AssertSameFields(withDid, await Store.FindDirectoryEntryAsync(Bravo));
        AssertSameFields(withDid, await Store.FindDirectoryEntryAsync("bravo agency"));
        AssertSameFields(nameOnly, await Store.FindDirectoryEntryAsync("Delta Bureau"));
        Assert.Null(await Store.FindDirectoryEntryAsync(Alpha));
        Assert.Null(await Store.GetDirectoryEntryAsync(Guid.NewGuid()));
        Assert.Equal(["Bravo Agency", "Delta Bureau"], (await Store.ListDirectoryAsync()).Select(e => e.Name));
    }

    [Fact]
    public async Task A_name_or_DID_the_directory_holds_is_refused_and_nothing_is_written()
    {
        Assert.True(await Store.AddDirectoryEntryAsync(Entry("Bravo", Bravo)));
        Assert.False(await Store.AddDirectoryEntryAsync(Entry("BRAVO")));
        Assert.False(await Store.AddDirectoryEntryAsync(Entry("Another", Bravo)));
        var other = Entry("Other");
        Assert.True(await Store.AddDirectoryEntryAsync(other));
        Assert.False(await Store.UpdateDirectoryEntryAsync(other with { Name = "bravo" }));
        Assert.False(await Store.UpdateDirectoryEntryAsync(other with { Did = Bravo }));
        Assert.False(await Store.UpdateDirectoryEntryAsync(Entry("Missing")));

        Assert.Equal(2, (await Store.ListDirectoryAsync()).Count);
        AssertSameFields(other, await Store.GetDirectoryEntryAsync(other.Id));
    }

    [Fact]
    public async Task Notes_and_reviews_are_kept_in_order_and_an_update_keeps_them()
    {
        var entry = Entry("Bravo", Bravo);
        await Store.AddDirectoryEntryAsync(entry);
        var first = new DossierNote(Now, "kovalev", "Ties for now only with five.");
        Clock.Advance(TimeSpan.FromMinutes(1));
        var second = new DossierNote(Now, "officer", "We know little of the situation.");
        Assert.True(await Store.AddDossierNoteAsync(entry.Id, first));
        Assert.True(await Store.AddDossierNoteAsync(entry.Id, second));
        Assert.True(await Store.MarkReviewedAsync(entry.Id, Now));
        Assert.False(await Store.AddDossierNoteAsync(Guid.NewGuid(), first));
        Assert.False(await Store.MarkReviewedAsync(Guid.NewGuid(), Now));

        var updated = entry with { Name = "Bravo Agency", Endpoint = "https://bravo.example/new", KnownTies = [Alpha, Charlie] };
        Assert.True(await Store.UpdateDirectoryEntryAsync(updated));

        var expected = updated with { Notes = [first, second], ReviewedAt = Now };
        AssertSameFields(expected, await Store.GetDirectoryEntryAsync(entry.Id));
        AssertSameFields(expected, Assert.Single(await Store.ListDirectoryAsync()));
    }

    [Fact]
    public async Task Removing_an_entry_removes_its_notes_and_leaves_the_others()
    {
        var bravo = Entry("Bravo", Bravo);
        var delta = Entry("Delta");
        await Store.AddDirectoryEntryAsync(bravo);
        await Store.AddDirectoryEntryAsync(delta);
        await Store.AddDossierNoteAsync(bravo.Id, new DossierNote(Now, "officer", "A note."));
        await Store.AddDossierNoteAsync(delta.Id, new DossierNote(Now, "officer", "Another note."));

        Assert.True(await Store.RemoveDirectoryEntryAsync(bravo.Id));
        Assert.False(await Store.RemoveDirectoryEntryAsync(bravo.Id));
        Assert.Null(await Store.FindDirectoryEntryAsync(Bravo));
        var left = Assert.Single(await Store.ListDirectoryAsync());
        Assert.Equal("Another note.", Assert.Single(left.Notes).Text);

        // The name and DID are free again.
        Assert.True(await Store.AddDirectoryEntryAsync(Entry("Bravo", Bravo)));
    }
}
