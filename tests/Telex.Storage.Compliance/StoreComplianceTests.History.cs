using Telex.Core;
using Telex.Core.Model;
using Telex.Core.Register;
using Telex.Core.Storage;

namespace Telex.Storage.Compliance;

/// <summary>Imported history: historical cables listed, searched and found by number beside the traffic, in a numbering space of their own.</summary>
public abstract partial class StoreComplianceTests
{
    private static ImportedCable HistoricalCable(long number, string signer, string text, DateTimeOffset receivedAt, DateTimeOffset importedAt) =>
        new(Id: Guid.NewGuid(), RegistryNumber: number, ReceivedAt: receivedAt, SenderSerial: 477, Signer: signer,
            SignedOn: receivedAt.ToString("d MMMM", System.Globalization.CultureInfo.InvariantCulture), Text: text, ImportedAt: importedAt,
            Trailer: "[...]", Source: "cable.txt");

    private static readonly DateTimeOffset May1949 = new(1949, 5, 18, 17, 18, 0, TimeSpan.Zero);

    /// <summary>Two telegrams (out to Alpha, in from Alpha) and two imported cables, the 1949 one and an older one.</summary>
    private async Task<(TelegramRecord Out, TelegramRecord In, ImportedCable Kovalev, ImportedCable Older)> TrafficAndHistoryAsync()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        var sent = (await ReleaseToAsync(Alpha, r => r with { Subject = "Ties", Body = "Permanent ties with five countries." })).Record;
        Clock.Advance(TimeSpan.FromMinutes(1));
        var received = (await ReceiveFromAsync(Alpha, 1, r => r with { Subject = "Answer", Body = "Premature, said the Chair." })).Record;
        var kovalev = HistoricalCable(54611, "Kovalev",
            "Yesterday, 17 May, Mao Zedong asked me to inform you of the following:\n\n3. Come to an agreement on these issues with Cde. Gao Gang.",
            May1949, Now);
        var older = HistoricalCable(1203, "Roshchin", "The aid was discussed in Moscow.", May1949.AddMonths(-2), Now);
        await Store.Register.ImportCableAsync(kovalev);
        await Store.Register.ImportCableAsync(older);
        return (sent, received, kovalev, older);
    }

    [Fact]
    public async Task Imported_cables_follow_the_traffic_in_a_listing_that_asks_for_them_and_a_plain_listing_is_traffic_only()
    {
        var (sent, received, kovalev, older) = await TrafficAndHistoryAsync();

        var traffic = await Store.Register.QueryAsync(new RegisterQuery());
        Assert.Equal([received.Id, sent.Id], traffic.Select(t => t.Id));
        Assert.Equal(2, await Store.Register.CountAsync(new RegisterQuery()));

        var all = await Store.Register.QueryAsync(new RegisterQuery { Imported = ImportedScope.Included });
        Assert.Equal([received.Id, sent.Id, kovalev.Id, older.Id], all.Select(t => t.Id));
        Assert.Equal(4, await Store.Register.CountAsync(new RegisterQuery { Imported = ImportedScope.Included }));

        // An imported entry is the cable under its own number, marked imported, from its signer, with no DID.
        var entry = all[2];
        Assert.Equal(54611, entry.RegistryNumber);
        Assert.Equal(477, entry.Serial);
        Assert.Equal(Direction.Inbound, entry.Direction);
        Assert.Equal("Kovalev", entry.SenderName);
        Assert.Equal("", entry.Counterpart);
        Assert.Equal(May1949, entry.RegisteredAt);
        Assert.Equal("Yesterday, 17 May, Mao Zedong asked me to inform you of the following:", entry.Subject);
        AssertSameFields(kovalev, entry.Imported);
        Assert.Null(traffic[0].Imported);

        var only = await Store.Register.QueryAsync(new RegisterQuery { Imported = ImportedScope.Only });
        Assert.Equal([kovalev.Id, older.Id], only.Select(t => t.Id));
        Assert.Equal(2, await Store.Register.CountAsync(new RegisterQuery { Imported = ImportedScope.Only }));
    }

    [Fact]
    public async Task Pages_run_from_the_traffic_into_the_imported_history_without_losing_or_repeating_an_entry()
    {
        var (sent, received, kovalev, older) = await TrafficAndHistoryAsync();
        var ids = new List<Guid>();
        for (int offset = 0; offset < 5; offset++)
        {
            ids.AddRange((await Store.Register.QueryAsync(new RegisterQuery { Imported = ImportedScope.Included, Limit = 1, Offset = offset })).Select(t => t.Id));
        }

        Assert.Equal([received.Id, sent.Id, kovalev.Id, older.Id], ids);
        var page = await Store.Register.QueryAsync(new RegisterQuery { Imported = ImportedScope.Included, Limit = 3, Offset = 1 });
        Assert.Equal([sent.Id, kovalev.Id, older.Id], page.Select(t => t.Id));
        Assert.Equal([older.Id], (await Store.Register.QueryAsync(new RegisterQuery { Imported = ImportedScope.Only, Offset = 1 })).Select(t => t.Id));
    }

    [Fact]
    public async Task Imported_cables_are_found_by_the_words_of_their_text_and_their_signer_and_only_by_filters_they_can_meet()
    {
        var (_, _, kovalev, older) = await TrafficAndHistoryAsync();

        Assert.Equal([kovalev.Id], (await Store.Register.QueryAsync(new RegisterQuery { Text = "Kovalev", Imported = ImportedScope.Included })).Select(t => t.Id));
        Assert.Equal([kovalev.Id], (await Store.Register.QueryAsync(new RegisterQuery { Text = "Gao Gang", Imported = ImportedScope.Included })).Select(t => t.Id));
        Assert.Equal([older.Id], (await Store.Register.QueryAsync(new RegisterQuery { Text = "roshchin", Imported = ImportedScope.Included })).Select(t => t.Id));
        Assert.Equal(1, await Store.Register.CountAsync(new RegisterQuery { Text = "Kovalev", Imported = ImportedScope.Included }));
        Assert.Empty(await Store.Register.QueryAsync(new RegisterQuery { Text = "Kovalev" }));

        // The words of the traffic find the traffic, not the history; "premature" is in a telegram only.
        var premature = await Store.Register.QueryAsync(new RegisterQuery { Text = "premature", Imported = ImportedScope.Included });
        Assert.Null(Assert.Single(premature).Imported);

        // Dates apply to the cable's own date; the filters of traffic leave imported history out.
        var may = await Store.Register.QueryAsync(new RegisterQuery { Imported = ImportedScope.Only, From = May1949.AddDays(-1), Until = May1949.AddDays(1) });
        Assert.Equal([kovalev.Id], may.Select(t => t.Id));
        Assert.Empty(await Store.Register.QueryAsync(new RegisterQuery { Imported = ImportedScope.Only, Direction = Direction.Inbound }));
        Assert.Empty(await Store.Register.QueryAsync(new RegisterQuery { Imported = ImportedScope.Only, Status = TelegramStatus.Registered }));
        Assert.Empty(await Store.Register.QueryAsync(new RegisterQuery { Imported = ImportedScope.Only, Counterpart = Alpha }));
        Assert.Empty(await Store.Register.QueryAsync(new RegisterQuery { Imported = ImportedScope.Only, Precedence = Precedence.Routine }));
        Assert.Equal(0, await Store.Register.CountAsync(new RegisterQuery { Imported = ImportedScope.Only, IssueId = "issue-1" }));
    }

    [Fact]
    public async Task An_imported_number_is_its_own_and_the_agencys_registry_counter_stays_gap_free_beside_it()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        var cable = HistoricalCable(2, "Kovalev", "Nº 2 of the old register.", May1949, Now);
        await Store.Register.ImportCableAsync(cable);

        var first = (await ReceiveFromAsync(Alpha, 1)).Record;
        var second = (await ReceiveFromAsync(Alpha, 2)).Record;
        Assert.Equal([1L, 2L], new[] { first.RegistryNumber, second.RegistryNumber });

        Assert.Equal(second.Id, (await Store.Register.GetByRegistryNumberAsync(2))!.Id);
        AssertSameFields(cable, await Store.Register.GetImportedCableByNumberAsync(2));
        AssertSameFields(cable, await Store.Register.GetImportedCableAsync(cable.Id));
        Assert.Null(await Store.Register.GetImportedCableByNumberAsync(1));
        Assert.Null(await Store.Register.GetImportedCableAsync(first.Id));
        Assert.Null(await Store.Telegrams.GetTelegramAsync(cable.Id, Direction.Inbound));
    }

    [Fact]
    public async Task A_cable_whose_number_an_imported_cable_holds_is_refused_and_changes_nothing()
    {
        await Store.Register.ImportCableAsync(HistoricalCable(54611, "Kovalev", "The first text.", May1949, Now));
        var head = await Store.Register.GetRegisterHeadAsync();

        var other = HistoricalCable(54611, "Vyshinsky", "Another text under the same number.", May1949.AddDays(3), Now);
        var e = await Assert.ThrowsAsync<TelexException>(() => Store.Register.ImportCableAsync(other));

        Assert.Equal(TelexErrorKind.Conflict, e.Kind);
        Assert.Contains("Nº 54611", e.Message, StringComparison.Ordinal);
        Assert.Equal(head, await Store.Register.GetRegisterHeadAsync());
        Assert.Single((await Store.Register.ReadRegisterAsync()).Cables);
        Assert.Null(await Store.Register.GetImportedCableAsync(other.Id));
        Assert.Empty(await Store.Register.QueryAsync(new RegisterQuery { Text = "Vyshinsky", Imported = ImportedScope.Included }));
    }
}
