using System.Text;

using Telex.Core;
using Telex.Core.Model;
using Telex.Core.Register;

namespace Telex.Storage.Compliance;

public abstract partial class StoreComplianceTests
{
    private static CheckpointStatement? NoSignatures(byte[] signed) => null;

    private static ImportedCable Cable(long number, DateTimeOffset importedAt) => new()
    {
        Id = Guid.NewGuid(),
        RegistryNumber = number,
        ReceivedAt = new DateTimeOffset(1949, 5, 18, 17, 18, 0, TimeSpan.Zero),
        SenderSerial = 477,
        Signer = "Kovalev",
        SignedOn = "18 May",
        Text = "1. The situation in the Orient [SIC, Vostok].\n - 1. A sub-point.",
        Trailer = "[...]",
        ImportedAt = importedAt,
        Source = "cable.txt",
    };

    private async Task<OutboxItem> OutboxOfAsync(Guid telegramId) =>
        (await ClaimEverythingDueAsync()).Single(o => o.TelegramId == telegramId);

    [Fact]
    public async Task Every_write_the_register_records_extends_the_chain_once_and_in_order()
    {
        await Store.SaveTieAsync(NewTie(Alpha));
        var (delivered, _) = await ReleaseToAsync(Alpha);
        var (failed, _) = await ReleaseToAsync(Alpha);
        var inbound = (await ReceiveFromAsync(Bravo, 1)).Record;
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await Store.MarkDeliveredAsync(delivered.Id, [7, 0, 7], 54611, Now));
        Assert.True(await Store.MarkDeliveredAsync(delivered.Id, [7, 0, 7], 54611, Now + TimeSpan.FromMinutes(1)));
        Assert.True(await Store.MarkReadAsync(inbound.Id, Now));
        Assert.False(await Store.MarkReadAsync(inbound.Id, Now + TimeSpan.FromMinutes(1)));
        await Store.FailAsync(await OutboxOfAsync(failed.Id), "expired");

        var register = await Store.ReadRegisterAsync();
        Assert.Equal(
            [RegisterKinds.TelegramOut, RegisterKinds.TelegramOut, RegisterKinds.TelegramIn, RegisterKinds.Receipt, RegisterKinds.Delivery,
                RegisterKinds.Read, RegisterKinds.Failure],
            register.Entries.Select(e => e.Kind));
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7], register.Entries.Select(e => e.Position));
        string prev = RegisterChain.Genesis;
        foreach (var e in register.Entries)
        {
            Assert.Equal(prev, e.PrevHash);
            Assert.Equal(RegisterChain.HashOf(e.Position, e.Kind, e.Reference, e.Time, e.ContentHash, e.PrevHash), e.Hash);
            prev = e.Hash;
        }

        Assert.Equal(new RegisterHead(7, prev), await Store.GetRegisterHeadAsync());
        Assert.Equal(RegisterChain.TelegramReference(inbound.Id, Direction.Inbound), register.Entries[2].Reference);
        Assert.Equal(CanonicalWriter.Sha256Hex(RegisterChain.TelegramContent(inbound)), register.Entries[2].ContentHash);
        Assert.Null(register.Entries[2].Content);
        Assert.Equal(RegisterChain.ReceiptContent(inbound.Id, inbound.Receipt!), register.Entries[3].Content);
        Assert.Equal(RegisterChain.DeliveryContent(delivered.Id, [7, 0, 7], 54611, Now), register.Entries[4].Content);
        Assert.Equal(RegisterChain.FailureContent(failed.Id, "expired"), register.Entries[6].Content);
        Assert.True(RegisterVerifier.Verify(register, Alpha, NoSignatures).Ok);
    }

    [Fact]
    public async Task A_release_or_registration_that_writes_nothing_appends_no_entry()
    {
        await Store.SaveTieAsync(NewTie(Alpha));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.ReleaseAsync(Alpha, _ => throw new InvalidOperationException("no")));
        var first = await ReceiveFromAsync(Bravo, 1);
        var again = await ReceiveFromAsync(Bravo, 1, id: first.Record.Id);
        Assert.False(again.IsNew);

        // The registration and the receipt it was filed with; nothing for the refused release or the repeat.
        Assert.Equal(2, (await Store.GetRegisterHeadAsync()).Count);
    }

    [Fact]
    public async Task An_empty_register_has_the_genesis_head_and_verifies()
    {
        Assert.Equal(new RegisterHead(0, RegisterChain.Genesis), await Store.GetRegisterHeadAsync());
        var register = await Store.ReadRegisterAsync();
        Assert.Empty(register.Entries);
        Assert.True(RegisterVerifier.Verify(register, Alpha, NoSignatures).Ok);
    }

    [Fact]
    public async Task An_imported_cable_keeps_every_field_and_is_entered_in_the_chain()
    {
        var cable = Cable(54611, Now);
        var entry = await Store.ImportCableAsync(cable);

        Assert.Equal(1, entry.Position);
        Assert.Equal(RegisterKinds.CableImported, entry.Kind);
        Assert.Equal(RegisterChain.CableReference(cable.Id), entry.Reference);
        Assert.Equal(CanonicalWriter.Sha256Hex(RegisterChain.CableContent(cable)), entry.ContentHash);
        var register = await Store.ReadRegisterAsync();
        AssertSameFields(cable, Assert.Single(register.Cables));
        AssertSameFields(entry, Assert.Single(register.Entries));
    }

    [Fact]
    public async Task The_same_cable_imported_twice_is_refused_and_writes_nothing()
    {
        await Store.ImportCableAsync(Cable(54611, Now));

        var e = await Assert.ThrowsAsync<TelexException>(() => Store.ImportCableAsync(Cable(54611, Now)));
        Assert.Equal(TelexErrorKind.Conflict, e.Kind);
        Assert.Single((await Store.ReadRegisterAsync()).Cables);
        Assert.Equal(1, (await Store.GetRegisterHeadAsync()).Count);
    }

    private static Checkpoint NewCheckpoint(string agency, long count, DateTimeOffset at) => new()
    {
        AgencyDid = agency,
        Count = count,
        Head = new string('a', 64),
        Time = at,
        SignedMessage = Encoding.UTF8.GetBytes($"signed by {agency} over {count}"),
        StoredAt = at,
    };

    [Fact]
    public async Task Checkpoints_are_kept_once_each_in_order_and_listed_by_agency()
    {
        var a1 = NewCheckpoint(Alpha, 1, Now);
        var b1 = NewCheckpoint(Bravo, 4, Now);
        var a2 = NewCheckpoint(Alpha, 2, Now + TimeSpan.FromHours(1));
        Assert.True(await Store.AddCheckpointAsync(a1));
        Assert.True(await Store.AddCheckpointAsync(b1));
        Assert.True(await Store.AddCheckpointAsync(a2));
        Assert.False(await Store.AddCheckpointAsync(a1 with { StoredAt = Now + TimeSpan.FromDays(1) }));

        var all = await Store.ListCheckpointsAsync();
        Assert.Equal(3, all.Count);
        AssertSameFields(a1, all[0]);
        AssertSameFields(b1, all[1]);
        var alphas = await Store.ListCheckpointsAsync(Alpha);
        Assert.Equal([1L, 2], alphas.Select(c => c.Count));
        Assert.Empty(await Store.ListCheckpointsAsync(Charlie));
        Assert.Equal(3, (await Store.ReadRegisterAsync()).Checkpoints.Count);
    }

    /// <summary>A register as another agency's store would have written it: two telegrams, a delivery, a cable.</summary>
    private static RegisterSnapshot ForeignRegister(DateTimeOffset at)
    {
        var outbound = OutboundRecord(Bravo, 1, at) with
        {
            Status = TelegramStatus.Delivered,
            Receipt = [1, 2, 3],
            PeerRegistryNumber = 9,
            DeliveredAt = at + TimeSpan.FromSeconds(1),
        };
        var inbound = InboundRecord(Guid.NewGuid(), Charlie, 1, 41, at);
        var cable = Cable(54611, at);
        var entries = new List<RegisterEntry>();
        void Append(string kind, string reference, byte[] content, bool keep) =>
            entries.Add(RegisterChain.Next(entries.Count > 0 ? entries[^1] : null, kind, reference, at, content, keep));
        Append(RegisterKinds.TelegramOut, RegisterChain.TelegramReference(outbound.Id, Direction.Outbound), RegisterChain.TelegramContent(outbound), false);
        Append(RegisterKinds.TelegramIn, RegisterChain.TelegramReference(inbound.Id, Direction.Inbound), RegisterChain.TelegramContent(inbound), false);
        Append(RegisterKinds.Receipt, RegisterChain.TelegramReference(inbound.Id, Direction.Inbound), RegisterChain.ReceiptContent(inbound.Id, inbound.Receipt!), true);
        Append(RegisterKinds.Delivery, RegisterChain.TelegramReference(outbound.Id, Direction.Outbound),
            RegisterChain.DeliveryContent(outbound.Id, [1, 2, 3], 9, at + TimeSpan.FromSeconds(1)), true);
        Append(RegisterKinds.CableImported, RegisterChain.CableReference(cable.Id), RegisterChain.CableContent(cable), false);
        return new RegisterSnapshot
        {
            OriginDid = Charlie,
            Entries = entries,
            Telegrams = [outbound, inbound],
            Cables = [cable],
            Checkpoints = [NewCheckpoint(Charlie, 4, at)],
        };
    }

    [Fact]
    public async Task An_imported_register_is_read_back_exactly_and_the_registry_continues_after_it()
    {
        var foreign = ForeignRegister(Now);
        Assert.True(RegisterVerifier.Verify(foreign, Alpha, NoSignatures) is { } r && r.Problems.All(p => p.Problem == "checkpoint"));

        await Store.ImportRegisterAsync(foreign);

        var register = await Store.ReadRegisterAsync();
        Assert.Equal(Charlie, register.OriginDid);
        Assert.Equal(foreign.Entries.Count, register.Entries.Count);
        for (int i = 0; i < foreign.Entries.Count; i++)
        {
            AssertSameFields(foreign.Entries[i], register.Entries[i]);
        }

        foreach (var t in foreign.Telegrams)
        {
            AssertSameFields(t, await Store.GetTelegramAsync(t.Id, t.Direction));
        }

        AssertSameFields(foreign.Cables[0], Assert.Single(register.Cables));
        AssertSameFields(foreign.Checkpoints[0], Assert.Single(register.Checkpoints));

        // New traffic continues the numbering and the chain.
        var next = await ReceiveFromAsync(Bravo, 1);
        Assert.Equal(42, next.Record.RegistryNumber);
        var head = await Store.GetRegisterHeadAsync();
        Assert.Equal(foreign.Entries.Count + 2, head.Count);
        Assert.Equal(foreign.Entries[^1].Hash, (await Store.ReadRegisterAsync()).Entries[foreign.Entries.Count].PrevHash);
    }

    [Fact]
    public async Task An_import_into_a_register_that_holds_anything_is_refused_and_writes_nothing()
    {
        await ReceiveFromAsync(Bravo, 1);

        var e = await Assert.ThrowsAsync<TelexException>(() => Store.ImportRegisterAsync(ForeignRegister(Now)));
        Assert.Equal(TelexErrorKind.Conflict, e.Kind);
        var register = await Store.ReadRegisterAsync();
        Assert.Single(register.Telegrams);
        Assert.Equal([RegisterKinds.TelegramIn, RegisterKinds.Receipt], register.Entries.Select(e => e.Kind));
        Assert.Empty(register.Cables);
        Assert.Empty(register.Checkpoints);
        Assert.Null(register.OriginDid);
    }
}
