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
        EnteredByOfficer = did is not null,
    };

    [Fact]
    public async Task Whether_an_officer_entered_a_directory_entry_is_kept_and_updated()
    {
        var entry = Entry("Bravo", Bravo) with { EnteredByOfficer = false };
        Assert.True(await Store.Directory.AddDirectoryEntryAsync(entry));
        Assert.False((await Store.Directory.FindDirectoryEntryAsync(Bravo))!.EnteredByOfficer);

        Assert.True(await Store.Directory.UpdateDirectoryEntryAsync(entry with { EnteredByOfficer = true }));

        Assert.True((await Store.Directory.FindDirectoryEntryAsync("bravo"))!.EnteredByOfficer);
        Assert.True((await Store.Directory.ListDirectoryAsync()).Single().EnteredByOfficer);
    }

    [Fact]
    public async Task A_directory_entry_reads_back_with_every_field_by_id_DID_or_name()
    {
        var withDid = Entry("Bravo Agency", Bravo);
        var nameOnly = Entry("Delta Bureau");
        Assert.True(await Store.Directory.AddDirectoryEntryAsync(withDid));
        Assert.True(await Store.Directory.AddDirectoryEntryAsync(nameOnly));

        AssertSameFields(withDid, await Store.Directory.GetDirectoryEntryAsync(withDid.Id));
        AssertSameFields(withDid, await Store.Directory.FindDirectoryEntryAsync(Bravo));
        AssertSameFields(withDid, await Store.Directory.FindDirectoryEntryAsync("bravo agency"));
        AssertSameFields(nameOnly, await Store.Directory.FindDirectoryEntryAsync("Delta Bureau"));
        Assert.Null(await Store.Directory.FindDirectoryEntryAsync(Alpha));
        Assert.Null(await Store.Directory.GetDirectoryEntryAsync(Guid.NewGuid()));
        Assert.Equal(["Bravo Agency", "Delta Bureau"], (await Store.Directory.ListDirectoryAsync()).Select(e => e.Name));
    }

    [Fact]
    public async Task A_name_or_DID_the_directory_holds_is_refused_and_nothing_is_written()
    {
        Assert.True(await Store.Directory.AddDirectoryEntryAsync(Entry("Bravo", Bravo)));
        Assert.False(await Store.Directory.AddDirectoryEntryAsync(Entry("BRAVO")));
        Assert.False(await Store.Directory.AddDirectoryEntryAsync(Entry("Another", Bravo)));
        var other = Entry("Other");
        Assert.True(await Store.Directory.AddDirectoryEntryAsync(other));
        Assert.False(await Store.Directory.UpdateDirectoryEntryAsync(other with { Name = "bravo" }));
        Assert.False(await Store.Directory.UpdateDirectoryEntryAsync(other with { Did = Bravo }));
        Assert.False(await Store.Directory.UpdateDirectoryEntryAsync(Entry("Missing")));

        Assert.Equal(2, (await Store.Directory.ListDirectoryAsync()).Count);
        AssertSameFields(other, await Store.Directory.GetDirectoryEntryAsync(other.Id));
    }

    [Fact]
    public async Task Notes_and_reviews_are_kept_in_order_and_an_update_keeps_them()
    {
        var entry = Entry("Bravo", Bravo);
        await Store.Directory.AddDirectoryEntryAsync(entry);
        var first = new DossierNote(Now, "kovalev", "Ties for now only with five.");
        Clock.Advance(TimeSpan.FromMinutes(1));
        var second = new DossierNote(Now, "officer", "We know little of the situation.");
        Assert.True(await Store.Directory.AddDossierNoteAsync(entry.Id, first));
        Assert.True(await Store.Directory.AddDossierNoteAsync(entry.Id, second));
        Assert.True(await Store.Directory.MarkReviewedAsync(entry.Id, Now));
        Assert.False(await Store.Directory.AddDossierNoteAsync(Guid.NewGuid(), first));
        Assert.False(await Store.Directory.MarkReviewedAsync(Guid.NewGuid(), Now));

        var updated = entry with { Name = "Bravo Agency", Endpoint = "https://bravo.example/new", KnownTies = [Alpha, Charlie] };
        Assert.True(await Store.Directory.UpdateDirectoryEntryAsync(updated));

        var expected = updated with { Notes = [first, second], ReviewedAt = Now };
        AssertSameFields(expected, await Store.Directory.GetDirectoryEntryAsync(entry.Id));
        AssertSameFields(expected, Assert.Single(await Store.Directory.ListDirectoryAsync()));
    }

    [Fact]
    public async Task Removing_an_entry_removes_its_notes_and_leaves_the_others()
    {
        var bravo = Entry("Bravo", Bravo);
        var delta = Entry("Delta");
        await Store.Directory.AddDirectoryEntryAsync(bravo);
        await Store.Directory.AddDirectoryEntryAsync(delta);
        await Store.Directory.AddDossierNoteAsync(bravo.Id, new DossierNote(Now, "officer", "A note."));
        await Store.Directory.AddDossierNoteAsync(delta.Id, new DossierNote(Now, "officer", "Another note."));

        Assert.True(await Store.Directory.RemoveDirectoryEntryAsync(bravo.Id));
        Assert.False(await Store.Directory.RemoveDirectoryEntryAsync(bravo.Id));
        Assert.Null(await Store.Directory.FindDirectoryEntryAsync(Bravo));
        var left = Assert.Single(await Store.Directory.ListDirectoryAsync());
        Assert.Equal("Another note.", Assert.Single(left.Notes).Text);

        // The name and DID are free again.
        Assert.True(await Store.Directory.AddDirectoryEntryAsync(Entry("Bravo", Bravo)));
    }
}
