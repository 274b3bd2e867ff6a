using System.Text;

using Telex.Core.Model;
using Telex.Core.Storage;

namespace Telex.Storage.Compliance;

/// <summary>Releasing and registering telegrams: serials, registry numbers, exactly-once filing, every field kept.</summary>
public abstract partial class StoreComplianceTests
{
    private const int Workers = 8;
    private const int PerWorker = 25;

    private sealed class BuildFailed : Exception
    {
        public BuildFailed()
            : base("the build callback failed")
        {
        }
    }

    /// <summary>A record with every field set to something other than its default.</summary>
    private static TelegramRecord Full(TelegramRecord r) => r with
    {
        CreatedAt = r.RegisteredAt - TimeSpan.FromMilliseconds(61_001),
        ReleasedAt = r.RegisteredAt - TimeSpan.FromMilliseconds(1_234),
        Subject = "Nº 477 — establishing ties",
        Body = "Mao Zedong asked me to inform you…\nLine two, ünïcödé, 中文, emoji 📡.",
        Precedence = Precedence.Flash,
        IssueId = "issue-eastern-bureau",
        OnBehalfOf = "Mao Zedong",
        Drafter = "kovalev",
        ReleasingOfficer = "zhu",
        SenderName = "Kovalev",
        Attendees = ["Zhu De", "Liu Shaoqi", "Zhou Enlai"],
        References = [Guid.NewGuid(), Guid.NewGuid()],
        Attachments =
        [
            new AttachmentInfo("minutes.pdf", "application/pdf", 123_456, new string('a', 64)),
            new AttachmentInfo("map.png", "image/png", 0, new string('b', 64)),
        ],
        Plaintext = [0, 1, 2, 0xFE, 0xFF, .. Encoding.UTF8.GetBytes("{\"body\":\"…\"}")],
        SignedOriginal = [0xFF, 0, 0x7F, 0x80, .. r.SignedOriginal],
        Receipt = [0, 0, 0xAB, 0xCD],
        DeliveredAt = r.RegisteredAt + TimeSpan.FromMilliseconds(5_555),
        PeerRegistryNumber = 54611,
        FailureReason = "an earlier failure, kept as given",
        ReadAt = r.RegisteredAt + TimeSpan.FromMilliseconds(7_777),
    };

    [Fact]
    public async Task Released_telegrams_take_serials_from_one_on_each_tie()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        await Store.Ties.SaveTieAsync(NewTie(Bravo));

        var toAlpha = new List<long>();
        for (int i = 0; i < 3; i++)
        {
            toAlpha.Add((await ReleaseToAsync(Alpha)).Record.Serial);
        }

        long toBravo = (await ReleaseToAsync(Bravo)).Record.Serial;

        Assert.Equal([1, 2, 3], toAlpha);
        Assert.Equal(1, toBravo);
        Assert.Equal(3, (await Store.Ties.GetTieAsync(Alpha))!.LastSentSerial);
        Assert.Equal(1, (await Store.Ties.GetTieAsync(Bravo))!.LastSentSerial);
    }

    [Fact]
    public async Task Eight_concurrent_releasers_take_serials_one_to_two_hundred_without_gaps()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            await go.Task;
            var mine = new List<TelegramRecord>();
            for (int i = 0; i < PerWorker; i++)
            {
                mine.Add((await ReleaseToAsync(Alpha)).Record);
            }

            return mine;
        })).ToArray();
        go.SetResult();
        var released = (await Task.WhenAll(workers)).SelectMany(r => r).ToList();

        const int n = Workers * PerWorker;
        Assert.Equal(Enumerable.Range(1, n).Select(i => (long)i), released.Select(r => r.Serial).Order());
        Assert.Equal(n, (await Store.Ties.GetTieAsync(Alpha))!.LastSentSerial);
        Assert.Equal(n, (await Store.Outbox.OutboxDepthAsync())[Alpha]);
        var sample = released[n / 2];
        Assert.Equal(sample.Serial, (await Store.Telegrams.GetTelegramAsync(sample.Id, Direction.Outbound))!.Serial);
        var all = await Store.Telegrams.OutboundIdsBySerialAsync(Alpha, Enumerable.Range(1, n).Select(i => (long)i).ToArray());
        Assert.Equal(released.Select(r => r.Id).Order(), all.Order());
    }

    [Fact]
    public async Task A_release_files_the_entry_and_its_outbox_item_and_returns_the_entry()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        var outbox = default(OutboxItem);
        var built = default(TelegramRecord);

        var returned = await Store.Telegrams.ReleaseAsync(Alpha, serial =>
        {
            built = OutboundRecord(Alpha, serial, Now);
            outbox = OutboxItemFor(built, Now) with { Attempts = 0, Precedence = Precedence.Immediate };
            return (built, outbox);
        });

        AssertSameFields(built!, returned);
        AssertSameFields(built!, await Store.Telegrams.GetTelegramAsync(built!.Id, Direction.Outbound));
        var claimed = Assert.Single(await ClaimEverythingDueAsync());
        AssertSameFields(outbox!, claimed);
    }

    [Fact]
    public async Task A_release_whose_build_throws_writes_nothing_and_leaves_the_serial_unused()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        var id = Guid.NewGuid();

        await Assert.ThrowsAsync<BuildFailed>(() => Store.Telegrams.ReleaseAsync(Alpha, serial =>
        {
            _ = OutboundRecord(Alpha, serial, Now) with { Id = id };
            throw new BuildFailed();
        }));

        Assert.Null(await Store.Telegrams.GetTelegramAsync(id, Direction.Outbound));
        Assert.Equal(0, (await Store.Outbox.OutboxDepthAsync()).GetValueOrDefault(Alpha));
        Assert.Empty(await Store.Register.QueryAsync(new RegisterQuery()));
        Assert.Equal(0, (await Store.Ties.GetTieAsync(Alpha))!.LastSentSerial);
        Assert.Equal(1, (await ReleaseToAsync(Alpha)).Record.Serial);
    }

    [Fact]
    public async Task A_release_whose_entry_does_not_carry_its_serial_is_refused_and_writes_nothing()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        TelegramRecord? built = null;

        await Assert.ThrowsAnyAsync<Exception>(() => Store.Telegrams.ReleaseAsync(Alpha, serial =>
        {
            built = OutboundRecord(Alpha, serial + 1, Now);
            return (built, OutboxItemFor(built, Now));
        }));

        Assert.Null(await Store.Telegrams.GetTelegramAsync(built!.Id, Direction.Outbound));
        Assert.Empty(await Store.Outbox.OutboxDepthAsync());
        Assert.Equal(1, (await ReleaseToAsync(Alpha)).Record.Serial);
    }

    [Fact]
    public async Task Releasing_to_a_counterpart_without_a_tie_throws_and_writes_nothing()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));

        await Assert.ThrowsAnyAsync<Exception>(() => ReleaseToAsync(Bravo));

        Assert.Empty(await Store.Register.QueryAsync(new RegisterQuery()));
        Assert.Empty(await Store.Outbox.OutboxDepthAsync());
        Assert.Null(await Store.Ties.GetTieAsync(Bravo));
    }

    [Fact]
    public async Task An_outbound_entry_keeps_every_field()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));

        var (record, _) = await ReleaseToAsync(Alpha, Full);

        Assert.NotNull(record.ReadAt);
        AssertSameFields(record, await Store.Telegrams.GetTelegramAsync(record.Id, Direction.Outbound));
        AssertSameFields(record, Assert.Single(await Store.Register.QueryAsync(new RegisterQuery())));
    }

    [Fact]
    public async Task An_outbound_entry_with_no_optional_field_keeps_them_empty()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));

        var (record, _) = await ReleaseToAsync(Alpha, r => r with { Receipt = null, Plaintext = [], SignedOriginal = [0] });

        Assert.Null(record.IssueId);
        AssertSameFields(record, await Store.Telegrams.GetTelegramAsync(record.Id, Direction.Outbound));
    }

    [Fact]
    public async Task An_inbound_entry_keeps_every_field_found_by_id_or_registry_number()
    {
        var result = await ReceiveFromAsync(Alpha, 7, Full);

        Assert.True(result.IsNew);
        Assert.Equal(54611, result.Record.PeerRegistryNumber);
        AssertSameFields(result.Record, await Store.Telegrams.GetTelegramAsync(result.Record.Id, Direction.Inbound));
        AssertSameFields(result.Record, await Store.Register.GetByRegistryNumberAsync(1));
        AssertSameFields(result.Record, Assert.Single(await Store.Register.QueryAsync(new RegisterQuery())));
    }

    [Fact]
    public async Task An_inbound_entry_with_no_optional_field_keeps_them_empty()
    {
        var result = await ReceiveFromAsync(Alpha, 1, r => r with { Receipt = null });

        Assert.Null(result.Record.Receipt);
        AssertSameFields(result.Record, await Store.Telegrams.GetTelegramAsync(result.Record.Id, Direction.Inbound));
    }

    [Fact]
    public async Task A_telegram_is_found_only_in_its_own_direction()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        var outbound = (await ReleaseToAsync(Alpha)).Record;
        var inbound = (await ReceiveFromAsync(Alpha, 1)).Record;

        Assert.Null(await Store.Telegrams.GetTelegramAsync(outbound.Id, Direction.Inbound));
        Assert.Null(await Store.Telegrams.GetTelegramAsync(inbound.Id, Direction.Outbound));
        Assert.NotNull(await Store.Telegrams.GetTelegramAsync(outbound.Id, Direction.Outbound));
        Assert.NotNull(await Store.Telegrams.GetTelegramAsync(inbound.Id, Direction.Inbound));
    }

    [Fact]
    public async Task The_same_id_may_be_filed_once_in_each_direction()
    {
        // An agency can tie with itself only in tests, but nothing in the register forbids it.
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        var outbound = (await ReleaseToAsync(Alpha)).Record;

        var inbound = await ReceiveFromAsync(Alpha, 1, id: outbound.Id);

        Assert.True(inbound.IsNew);
        Assert.Equal(Direction.Inbound, (await Store.Telegrams.GetTelegramAsync(outbound.Id, Direction.Inbound))!.Direction);
        Assert.Equal(Direction.Outbound, (await Store.Telegrams.GetTelegramAsync(outbound.Id, Direction.Outbound))!.Direction);
    }

    [Fact]
    public async Task Unknown_ids_and_registry_numbers_find_nothing()
    {
        await ReceiveFromAsync(Alpha, 1);

        Assert.Null(await Store.Telegrams.GetTelegramAsync(Guid.NewGuid(), Direction.Inbound));
        Assert.Null(await Store.Telegrams.GetTelegramAsync(Guid.NewGuid(), Direction.Outbound));
        Assert.Null(await Store.Register.GetByRegistryNumberAsync(2));
        Assert.Null(await Store.Register.GetByRegistryNumberAsync(0));
    }

    [Fact]
    public async Task Outbound_entries_take_no_registry_number()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        await ReleaseToAsync(Alpha);
        await ReleaseToAsync(Alpha);

        var first = await ReceiveFromAsync(Alpha, 1);

        Assert.Equal(1, first.Record.RegistryNumber);
        Assert.Equal(first.Record.Id, (await Store.Register.GetByRegistryNumberAsync(1))!.Id);
    }

    [Fact]
    public async Task Inbound_telegrams_take_registry_numbers_one_to_two_hundred_without_gaps_under_concurrency()
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var workers = Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
        {
            await go.Task;
            var mine = new List<RegistrationResult>();
            for (int i = 0; i < PerWorker; i++)
            {
                string peer = w % 2 == 0 ? Alpha : Bravo;
                mine.Add(await ReceiveFromAsync(peer, (w * PerWorker) + i + 1));
            }

            return mine;
        })).ToArray();
        go.SetResult();
        var results = (await Task.WhenAll(workers)).SelectMany(r => r).ToList();

        const int n = Workers * PerWorker;
        Assert.All(results, r => Assert.True(r.IsNew));
        Assert.Equal(Enumerable.Range(1, n).Select(i => (long)i), results.Select(r => r.Record.RegistryNumber).Order());
        foreach (var r in results.Where((_, i) => i % 17 == 0))
        {
            Assert.Equal(r.Record.Id, (await Store.Register.GetByRegistryNumberAsync(r.Record.RegistryNumber))!.Id);
        }

        Assert.Equal(n + 1, (await ReceiveFromAsync(Charlie, 1)).Record.RegistryNumber);
    }

    [Fact]
    public async Task Registration_passes_the_store_clock_as_the_received_time()
    {
        Clock.Advance(TimeSpan.FromMilliseconds(86_400_123));
        var seen = DateTimeOffset.MinValue;
        var id = Guid.NewGuid();

        var result = await Store.Telegrams.RegisterInboundAsync(id, (number, receivedAt) =>
        {
            seen = receivedAt;
            return InboundRecord(id, Alpha, 1, number, receivedAt);
        });

        Assert.Equal(Start + TimeSpan.FromMilliseconds(86_400_123), seen);
        Assert.Equal(seen, (await Store.Telegrams.GetTelegramAsync(id, Direction.Inbound))!.RegisteredAt);
        Assert.Equal(1, result.Record.RegistryNumber);
    }

    [Fact]
    public async Task A_telegram_arriving_twice_is_registered_once_and_the_first_entry_returned()
    {
        var id = Guid.NewGuid();
        var first = await ReceiveFromAsync(Alpha, 1, id: id);
        Clock.Advance(TimeSpan.FromMinutes(5));

        var again = await ReceiveFromAsync(Alpha, 1, r => r with { Subject = "a different subject", Receipt = [9, 9] }, id);

        Assert.True(first.IsNew);
        Assert.False(again.IsNew);
        AssertSameFields(first.Record, again.Record);
        AssertSameFields(first.Record, await Store.Telegrams.GetTelegramAsync(id, Direction.Inbound));
        Assert.Single(await Store.Register.QueryAsync(new RegisterQuery()));
        Assert.Equal(2, (await ReceiveFromAsync(Alpha, 2)).Record.RegistryNumber);
    }

    [Fact]
    public async Task Eight_concurrent_arrivals_of_one_telegram_register_it_once()
    {
        var id = Guid.NewGuid();
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var arrivals = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            await go.Task;
            return await ReceiveFromAsync(Alpha, 1, id: id);
        })).ToArray();
        go.SetResult();
        var results = await Task.WhenAll(arrivals);

        Assert.Single(results, r => r.IsNew);
        Assert.All(results, r => Assert.Equal(1, r.Record.RegistryNumber));
        Assert.All(results, r => Assert.Equal(id, r.Record.Id));
        Assert.Equal(2, (await ReceiveFromAsync(Alpha, 2)).Record.RegistryNumber);
    }

    [Fact]
    public async Task A_different_telegram_with_a_serial_already_registered_from_that_counterpart_is_not_registered()
    {
        var first = await ReceiveFromAsync(Alpha, 5);
        var impostor = Guid.NewGuid();

        var second = await ReceiveFromAsync(Alpha, 5, id: impostor);

        Assert.False(second.IsNew);
        AssertSameFields(first.Record, second.Record);
        Assert.Null(await Store.Telegrams.GetTelegramAsync(impostor, Direction.Inbound));
        Assert.True((await ReceiveFromAsync(Bravo, 5)).IsNew);
        Assert.Equal(3, (await ReceiveFromAsync(Alpha, 6)).Record.RegistryNumber);
    }

    [Fact]
    public async Task A_registration_whose_build_throws_writes_nothing_and_leaves_the_number_unused()
    {
        var id = Guid.NewGuid();

        await Assert.ThrowsAsync<BuildFailed>(() => Store.Telegrams.RegisterInboundAsync(id, (_, _) => throw new BuildFailed()));

        Assert.Null(await Store.Telegrams.GetTelegramAsync(id, Direction.Inbound));
        Assert.Null(await Store.Register.GetByRegistryNumberAsync(1));
        Assert.Empty(await Store.Telegrams.ReceivedSerialsAsync(Alpha));
        var retried = await ReceiveFromAsync(Alpha, 1, id: id);
        Assert.True(retried.IsNew);
        Assert.Equal(1, retried.Record.RegistryNumber);
    }

    [Fact]
    public async Task Received_serials_are_listed_ascending_for_one_counterpart_inbound_only()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        foreach (long serial in new long[] { 4, 1, 7, 2 })
        {
            await ReceiveFromAsync(Alpha, serial);
        }

        await ReceiveFromAsync(Bravo, 3);
        await ReleaseToAsync(Alpha);
        await ReleaseToAsync(Alpha);
        await ReleaseToAsync(Alpha);

        Assert.Equal([1, 2, 4, 7], await Store.Telegrams.ReceivedSerialsAsync(Alpha));
        Assert.Equal([3], await Store.Telegrams.ReceivedSerialsAsync(Bravo));
        Assert.Empty(await Store.Telegrams.ReceivedSerialsAsync(Charlie));
    }

    [Fact]
    public async Task Outbound_telegrams_are_found_by_serial()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        await Store.Ties.SaveTieAsync(NewTie(Bravo));
        var toAlpha = new List<TelegramRecord>();
        for (int i = 0; i < 4; i++)
        {
            toAlpha.Add((await ReleaseToAsync(Alpha)).Record);
        }

        await ReleaseToAsync(Bravo);
        await ReceiveFromAsync(Alpha, 3);

        var found = await Store.Telegrams.OutboundIdsBySerialAsync(Alpha, [1, 3, 99]);

        Assert.Equal(new[] { toAlpha[0].Id, toAlpha[2].Id }.Order(), found.Order());
        Assert.Empty(await Store.Telegrams.OutboundIdsBySerialAsync(Alpha, []));
        Assert.Empty(await Store.Telegrams.OutboundIdsBySerialAsync(Charlie, [1]));
        Assert.Single(await Store.Telegrams.OutboundIdsBySerialAsync(Bravo, [1, 2, 3]));
    }
}
