using System.Text;

using Telex.Core;
using Telex.Core.Model;
using Telex.Core.Register;
using Telex.Core.Storage;

namespace Telex.Storage.Compliance;

public abstract partial class StoreComplianceTests
{
    private static CheckpointStatement? NoSignatures(byte[] signed) => null;

    private static ImportedCable Cable(long number, DateTimeOffset importedAt) =>
        new(Id: Guid.NewGuid(), RegistryNumber: number, ReceivedAt: new DateTimeOffset(1949, 5, 18, 17, 18, 0, TimeSpan.Zero),
            SenderSerial: 477, Signer: "Kovalev", SignedOn: "18 May",
            Text: "1. The situation in the Orient [SIC, Vostok].\n - 1. A sub-point.", ImportedAt: importedAt, Trailer: "[...]",
            Source: "cable.txt");

    private async Task<OutboxItem> OutboxOfAsync(Guid telegramId) =>
        (await ClaimEverythingDueAsync()).Single(o => o.TelegramId == telegramId);

    [Fact]
    public async Task Every_write_the_register_records_extends_the_chain_once_and_in_order()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        var (delivered, _) = await ReleaseToAsync(Alpha);
        var (failed, _) = await ReleaseToAsync(Alpha);
        var inbound = (await ReceiveFromAsync(Bravo, 1)).Record;
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await Store.Telegrams.MarkDeliveredAsync(delivered.Id, [7, 0, 7], 54611, Now));
        Assert.True(await Store.Telegrams.MarkDeliveredAsync(delivered.Id, [7, 0, 7], 54611, Now + TimeSpan.FromMinutes(1)));
        Assert.True(await Store.Telegrams.MarkReadAsync(inbound.Id, Now));
        Assert.False(await Store.Telegrams.MarkReadAsync(inbound.Id, Now + TimeSpan.FromMinutes(1)));
        await Store.Outbox.FailAsync(await OutboxOfAsync(failed.Id), "expired");

        var register = await Store.Register.ReadRegisterAsync();
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

        Assert.Equal(new RegisterHead(7, prev), await Store.Register.GetRegisterHeadAsync());
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
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.Telegrams.ReleaseAsync(Alpha, _ => throw new InvalidOperationException("no")));
        var first = await ReceiveFromAsync(Bravo, 1);
        var again = await ReceiveFromAsync(Bravo, 1, id: first.Record.Id);
        Assert.False(again.IsNew);

        // The registration and the receipt it was filed with; nothing for the refused release or the repeat.
        Assert.Equal(2, (await Store.Register.GetRegisterHeadAsync()).Count);
    }

    [Fact]
    public async Task An_empty_register_has_the_genesis_head_and_verifies()
    {
        Assert.Equal(new RegisterHead(0, RegisterChain.Genesis), await Store.Register.GetRegisterHeadAsync());
        var register = await Store.Register.ReadRegisterAsync();
        Assert.Empty(register.Entries);
        Assert.True(RegisterVerifier.Verify(register, Alpha, NoSignatures).Ok);
    }

    [Fact]
    public async Task An_imported_cable_keeps_every_field_and_is_entered_in_the_chain()
    {
        var cable = Cable(54611, Now);
        var entry = await Store.Register.ImportCableAsync(cable);

        Assert.Equal(1, entry.Position);
        Assert.Equal(RegisterKinds.CableImported, entry.Kind);
        Assert.Equal(RegisterChain.CableReference(cable.Id), entry.Reference);
        Assert.Equal(CanonicalWriter.Sha256Hex(RegisterChain.CableContent(cable)), entry.ContentHash);
        var register = await Store.Register.ReadRegisterAsync();
        AssertSameFields(cable, Assert.Single(register.Cables));
        AssertSameFields(entry, Assert.Single(register.Entries));
    }

    [Fact]
    public async Task The_same_cable_imported_twice_is_refused_and_writes_nothing()
    {
        await Store.Register.ImportCableAsync(Cable(54611, Now));

        var e = await Assert.ThrowsAsync<TelexException>(() => Store.Register.ImportCableAsync(Cable(54611, Now)));
        Assert.Equal(TelexErrorKind.Conflict, e.Kind);
        Assert.Single((await Store.Register.ReadRegisterAsync()).Cables);
        Assert.Equal(1, (await Store.Register.GetRegisterHeadAsync()).Count);
    }

    private static Checkpoint NewCheckpoint(string agency, long count, DateTimeOffset at) =>
        new(AgencyDid: agency, Count: count, Head: new string('a', 64), Time: at,
            SignedMessage: Encoding.UTF8.GetBytes($"signed by {agency} over {count}"), StoredAt: at);

    [Fact]
    public async Task Checkpoints_are_kept_once_each_in_order_and_listed_by_agency()
    {
        var a1 = NewCheckpoint(Alpha, 1, Now);
        var b1 = NewCheckpoint(Bravo, 4, Now);
        var a2 = NewCheckpoint(Alpha, 2, Now + TimeSpan.FromHours(1));
        Assert.True(await Store.Register.AddCheckpointAsync(a1));
        Assert.True(await Store.Register.AddCheckpointAsync(b1));
        Assert.True(await Store.Register.AddCheckpointAsync(a2));
        Assert.False(await Store.Register.AddCheckpointAsync(a1 with { StoredAt = Now + TimeSpan.FromDays(1) }));

        var all = await Store.Register.ListCheckpointsAsync();
        Assert.Equal(3, all.Count);
        AssertSameFields(a1, all[0]);
        AssertSameFields(b1, all[1]);
        var alphas = await Store.Register.ListCheckpointsAsync(Alpha);
        Assert.Equal([1L, 2], alphas.Select(c => c.Count));
        Assert.Empty(await Store.Register.ListCheckpointsAsync(Charlie));
        Assert.Equal(3, (await Store.Register.ReadRegisterAsync()).Checkpoints.Count);
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

        await Store.Register.ImportRegisterAsync(foreign);

        var register = await Store.Register.ReadRegisterAsync();
        Assert.Equal(Charlie, register.OriginDid);
        Assert.Equal(foreign.Entries.Count, register.Entries.Count);
        for (int i = 0; i < foreign.Entries.Count; i++)
        {
            AssertSameFields(foreign.Entries[i], register.Entries[i]);
        }

        foreach (var t in foreign.Telegrams)
        {
            AssertSameFields(t, await Store.Telegrams.GetTelegramAsync(t.Id, t.Direction));
        }

        AssertSameFields(foreign.Cables[0], Assert.Single(register.Cables));
        AssertSameFields(foreign.Checkpoints[0], Assert.Single(register.Checkpoints));

        // New traffic continues the numbering and the chain.
        var next = await ReceiveFromAsync(Bravo, 1);
        Assert.Equal(42, next.Record.RegistryNumber);
        var head = await Store.Register.GetRegisterHeadAsync();
        Assert.Equal(foreign.Entries.Count + 2, head.Count);
        Assert.Equal(foreign.Entries[^1].Hash, (await Store.Register.ReadRegisterAsync()).Entries[foreign.Entries.Count].PrevHash);
    }

    [Fact]
    public async Task An_import_into_a_register_that_holds_anything_is_refused_and_writes_nothing()
    {
        await ReceiveFromAsync(Bravo, 1);

        var e = await Assert.ThrowsAsync<TelexException>(() => Store.Register.ImportRegisterAsync(ForeignRegister(Now)));
        Assert.Equal(TelexErrorKind.Conflict, e.Kind);
        var register = await Store.Register.ReadRegisterAsync();
        Assert.Single(register.Telegrams);
        Assert.Equal([RegisterKinds.TelegramIn, RegisterKinds.Receipt], register.Entries.Select(e => e.Kind));
        Assert.Empty(register.Cables);
        Assert.Empty(register.Checkpoints);
        Assert.Null(register.OriginDid);
    }

    [Fact]
    public async Task Every_issue_event_filed_appends_exactly_one_entry_in_order_and_the_register_verifies()
    {
        var opening = Opening(Guid.NewGuid().ToString(), Alpha, "Aid to the Orient");
        string id = opening.IssueId;
        Assert.True(await Store.Issues.OpenIssueAsync(IssueOf(opening, Bravo), opening, MessageItem(Bravo, Now)));
        Assert.Equal(1, (await Store.Register.GetRegisterHeadAsync()).Count);
        Assert.False(await Store.Issues.OpenIssueAsync(IssueOf(opening, Bravo), opening, MessageItem(Bravo, Now)));

        Clock.Advance(TimeSpan.FromSeconds(1));
        var referred = await Store.Issues.AppendIssueEventAsync(id, (_, clock) =>
            new IssueChange(Change(id, clock, Alpha, IssueStatus.Referred, "For the details", "Gao Gang"), [MessageItem(Bravo, Now)]));
        Assert.Equal(2, (await Store.Register.GetRegisterHeadAsync()).Count);
        await Assert.ThrowsAsync<Refused>(() => Store.Issues.AppendIssueEventAsync(id, (_, _) => throw new Refused()));

        Clock.Advance(TimeSpan.FromSeconds(1));
        var received = Change(id, 3, Bravo, IssueStatus.Agreed, "Agreed on the harvest");
        Assert.True(await Store.Issues.RecordIssueEventAsync(received));
        Assert.False(await Store.Issues.RecordIssueEventAsync(received));
        Assert.False(await Store.Issues.RecordIssueEventAsync(Change("unknown", 2, Bravo, IssueStatus.Closed, "x")));

        var register = await Store.Register.ReadRegisterAsync();
        IssueEvent[] filed = [opening, referred!, received];
        Assert.Equal(filed.Select(RegisterChain.IssueEventReference), register.Entries.Select(e => e.Reference));
        Assert.All(register.Entries, e => Assert.Equal(RegisterKinds.IssueStatus, e.Kind));
        Assert.Equal([1L, 2, 3], register.Entries.Select(e => e.Position));
        for (int i = 0; i < filed.Length; i++)
        {
            Assert.Equal(CanonicalWriter.Sha256Hex(RegisterChain.IssueEventContent(filed[i], Bravo)), register.Entries[i].ContentHash);
            Assert.Null(register.Entries[i].Content);
            AssertSameFields(filed[i], register.IssueEvents[i]);
        }

        AssertSameFields((await Store.Issues.GetIssueAsync(id))!, Assert.Single(register.Issues));
        var report = RegisterVerifier.Verify(register, Alpha, NoSignatures);
        Assert.True(report.Ok, string.Join("; ", report.Problems));
        Assert.Equal(3, report.IssueEvents);
    }

    [Fact]
    public async Task Every_clearance_step_written_appends_exactly_one_entry_in_order_and_the_register_verifies()
    {
        await Store.Ties.SaveTieAsync(NewTie(Bravo));
        var draft = NewDraft(new ClearanceStep { Kind = ClearerKind.Officer, Party = "chief" });
        await Store.Clearance.CreateDraftAsync(draft, new ClearanceLogEntry(draft.Id, Now, "drafter", "submitted", "awaiting chief"), []);
        Assert.Equal(1, (await Store.Register.GetRegisterHeadAsync()).Count);
        await Assert.ThrowsAsync<Refused>(() => Store.Clearance.ChangeDraftAsync(draft.Id, _ => throw new Refused()));

        Clock.Advance(TimeSpan.FromSeconds(1));
        await Store.Clearance.ChangeDraftAsync(draft.Id, d => new DraftChange(
            d with { Status = DraftStatus.Cleared, UpdatedAt = Now, Steps = [d.Steps[0] with { State = ClearanceState.Given, By = "chief", At = Now }] },
            new ClearanceLogEntry(d.Id, Now, "chief", "cleared", null)));
        Assert.Equal(2, (await Store.Register.GetRegisterHeadAsync()).Count);
        await Assert.ThrowsAsync<Refused>(() => Store.Clearance.ReleaseDraftAsync(draft.Id, Bravo, (_, _) => throw new Refused()));

        var telegram = await Store.Clearance.ReleaseDraftAsync(draft.Id, Bravo, (d, serial) =>
        {
            var entry = OutboundRecord(Bravo, serial, Now);
            var released = d with { Status = DraftStatus.Released, TelegramId = entry.Id, ReleasedBy = "releaser", ReleasedAt = Now };
            return (entry, OutboxItemFor(entry, Now), new DraftChange(released, new ClearanceLogEntry(d.Id, Now, "releaser", "released", "telegram " + entry.Id)));
        });

        // The release files the telegram and the step: one entry each, the telegram first.
        var register = await Store.Register.ReadRegisterAsync();
        Assert.Equal([RegisterKinds.Clearance, RegisterKinds.Clearance, RegisterKinds.TelegramOut, RegisterKinds.Clearance],
            register.Entries.Select(e => e.Kind));
        Assert.Equal(RegisterChain.TelegramReference(telegram!.Id, Direction.Outbound), register.Entries[2].Reference);
        Assert.Equal(["submitted", "cleared", "released"], register.ClearanceLog.Select(l => l.Step.Action));
        Assert.Equal([1L, 2, 3], register.ClearanceLog.Select(l => l.Seq));
        var stepEntries = register.Entries.Where(e => e.Kind == RegisterKinds.Clearance).ToList();
        for (int i = 0; i < register.ClearanceLog.Count; i++)
        {
            var row = register.ClearanceLog[i];
            Assert.Equal(draft.Id, row.Step.DraftId);
            Assert.Equal(RegisterChain.ClearanceReference(row), stepEntries[i].Reference);
            Assert.Equal(CanonicalWriter.Sha256Hex(RegisterChain.ClearanceContent(row)), stepEntries[i].ContentHash);
        }

        Assert.Equal(DraftStatus.Released, Assert.Single(register.Drafts).Status);
        var report = RegisterVerifier.Verify(register, Alpha, NoSignatures);
        Assert.True(report.Ok, string.Join("; ", report.Problems));
        Assert.Equal((3L, 1L), (report.ClearanceSteps, report.Telegrams));
    }

    /// <summary>Another agency's register holding an issue with two events and a draft with two steps, as its store wrote them.</summary>
    private static RegisterSnapshot ForeignIssueRegister(DateTimeOffset at)
    {
        var opening = new IssueEvent
        {
            Id = Guid.NewGuid(),
            IssueId = "issue-7",
            Clock = 1,
            Agency = Charlie,
            Officer = "kovalev",
            At = at,
            Status = IssueStatus.Open,
            Title = "Aid",
        };
        var referred = new IssueEvent
        {
            Id = Guid.NewGuid(),
            IssueId = "issue-7",
            Clock = 2,
            Agency = Bravo,
            Officer = "zhou",
            At = at + TimeSpan.FromMinutes(1),
            Status = IssueStatus.Referred,
            Outcome = "For the details",
            ReferredTo = "Gao Gang",
        };
        var issue = new Issue
        {
            Id = "issue-7",
            Counterpart = Bravo,
            Title = "Aid",
            OpenedBy = Charlie,
            OpenedAt = at,
            Status = IssueStatus.Referred,
            Outcome = "For the details",
            ReferredTo = "Gao Gang",
            Clock = 2,
            ChangedAt = referred.At,
        };
        var draftId = Guid.NewGuid();
        var draft = new DraftRecord
        {
            Id = draftId,
            Draft = new TelegramDraft { To = Bravo, Subject = "Coordinated steps", Body = "Only after coordinating them.", Precedence = Precedence.Flash },
            Drafter = "drafter",
            Status = DraftStatus.Cleared,
            CreatedAt = at,
            UpdatedAt = at,
            Steps = [new ClearanceStep { Kind = ClearerKind.Officer, Party = "chief", State = ClearanceState.Given, By = "chief", At = at }],
        };
        ClearanceLogRow[] log =
        [
            new(5, new ClearanceLogEntry(draftId, at, "drafter", "submitted", null)),
            new(9, new ClearanceLogEntry(draftId, at, "chief", "cleared", "as agreed")),
        ];
        var entries = new List<RegisterEntry>();
        void Append(string kind, string reference, byte[] content) =>
            entries.Add(RegisterChain.Next(entries.Count > 0 ? entries[^1] : null, kind, reference, at, content, keepContent: false));
        Append(RegisterKinds.IssueStatus, RegisterChain.IssueEventReference(opening), RegisterChain.IssueEventContent(opening, Bravo));
        Append(RegisterKinds.Clearance, RegisterChain.ClearanceReference(log[0]), RegisterChain.ClearanceContent(log[0]));
        Append(RegisterKinds.IssueStatus, RegisterChain.IssueEventReference(referred), RegisterChain.IssueEventContent(referred, Bravo));
        Append(RegisterKinds.Clearance, RegisterChain.ClearanceReference(log[1]), RegisterChain.ClearanceContent(log[1]));
        return new RegisterSnapshot
        {
            OriginDid = Charlie,
            Entries = entries,
            Telegrams = [],
            Cables = [],
            Checkpoints = [],
            Issues = [issue],
            IssueEvents = [opening, referred],
            Drafts = [draft],
            ClearanceLog = log,
        };
    }

    [Fact]
    public async Task An_imported_register_keeps_its_issue_histories_and_clearance_logs_and_new_steps_continue_both()
    {
        var foreign = ForeignIssueRegister(Now);
        Assert.True(RegisterVerifier.Verify(foreign, Alpha, NoSignatures).Ok);

        await Store.Register.ImportRegisterAsync(foreign);

        var register = await Store.Register.ReadRegisterAsync();
        Assert.True(RegisterVerifier.Verify(register, Alpha, NoSignatures).Ok);
        AssertSameFields(foreign.Issues[0] with { Number = 1 }, Assert.Single(register.Issues));
        Assert.Equal(2, register.IssueEvents.Count);
        for (int i = 0; i < 2; i++)
        {
            AssertSameFields(foreign.IssueEvents[i], register.IssueEvents[i]);
        }

        Assert.Equal(foreign.ClearanceLog, register.ClearanceLog);
        var draft = Assert.Single(register.Drafts);
        Assert.Equal((foreign.Drafts[0].Id, DraftStatus.Cleared, "Coordinated steps"), (draft.Id, draft.Status, draft.Draft.Subject));
        Assert.Equal(foreign.Drafts[0].Steps, draft.Steps);
        Assert.Equal(2, (await Store.Issues.ListIssueEventsAsync("issue-7")).Count);

        // Later steps take the next place in the log and extend the imported chain.
        await Store.Clearance.ChangeDraftAsync(draft.Id, d => new DraftChange(d, new ClearanceLogEntry(d.Id, Now, "chief", "noted", null)));
        Assert.True(await Store.Issues.RecordIssueEventAsync(Change("issue-7", 3, Bravo, IssueStatus.Closed, "Closed")));
        register = await Store.Register.ReadRegisterAsync();
        Assert.Equal(10, register.ClearanceLog[^1].Seq);
        Assert.Equal(foreign.Entries.Count + 2, register.Entries.Count);
        Assert.Equal(IssueStatus.Closed, Assert.Single(register.Issues).Status);
        Assert.True(RegisterVerifier.Verify(register, Alpha, NoSignatures).Ok);
    }
}
