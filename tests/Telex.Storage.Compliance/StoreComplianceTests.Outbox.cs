using Telex.Core.Model;

namespace Telex.Storage.Compliance;

/// <summary>The outbox: claims, attempts, receipts, failure, requeue; and read marks.</summary>
public abstract partial class StoreComplianceTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private async Task<TelegramStatus> StatusOfAsync(Guid outboundId) =>
        (await Store.Telegrams.GetTelegramAsync(outboundId, Direction.Outbound))!.Status;

    [Fact]
    public async Task A_receipt_marks_the_telegram_delivered_and_removes_its_outbox_item()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        var (record, _) = await ReleaseToAsync(Alpha);
        var other = await ReleaseToAsync(Alpha);
        Clock.Advance(TimeSpan.FromSeconds(3));

        Assert.True(await Store.Telegrams.MarkDeliveredAsync(record.Id, [7, 0, 7], 54611, Now));

        var delivered = await Store.Telegrams.GetTelegramAsync(record.Id, Direction.Outbound);
        Assert.Equal(TelegramStatus.Delivered, delivered!.Status);
        Assert.Equal([7, 0, 7], delivered.Receipt);
        Assert.Equal(54611, delivered.PeerRegistryNumber);
        Assert.Equal(Now, delivered.DeliveredAt);
        Assert.Equal(1, (await Store.Outbox.OutboxDepthAsync())[Alpha]);
        Assert.Equal(other.Outbox.Id, Assert.Single(await ClaimEverythingDueAsync()).Id);
        Assert.Equal(TelegramStatus.Queued, await StatusOfAsync(other.Record.Id));
    }

    [Fact]
    public async Task A_repeated_receipt_is_accepted_again_and_the_telegram_stays_delivered()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        var (record, _) = await ReleaseToAsync(Alpha);
        Assert.True(await Store.Telegrams.MarkDeliveredAsync(record.Id, [1], 12, Now));

        Assert.True(await Store.Telegrams.MarkDeliveredAsync(record.Id, [1], 12, Now + TimeSpan.FromMinutes(1)));

        var delivered = await Store.Telegrams.GetTelegramAsync(record.Id, Direction.Outbound);
        Assert.Equal(TelegramStatus.Delivered, delivered!.Status);
        Assert.Equal(12, delivered.PeerRegistryNumber);
        Assert.Empty(await ClaimEverythingDueAsync());
    }

    [Fact]
    public async Task A_receipt_for_an_unknown_or_inbound_telegram_is_refused_and_changes_nothing()
    {
        var inbound = (await ReceiveFromAsync(Alpha, 1)).Record;

        Assert.False(await Store.Telegrams.MarkDeliveredAsync(Guid.NewGuid(), [1], 5, Now));
        Assert.False(await Store.Telegrams.MarkDeliveredAsync(inbound.Id, [1], 5, Now));

        AssertSameFields(inbound, await Store.Telegrams.GetTelegramAsync(inbound.Id, Direction.Inbound));
        Assert.Null(await Store.Telegrams.GetTelegramAsync(inbound.Id, Direction.Outbound));
    }

    [Fact]
    public async Task A_receipt_after_failure_marks_the_telegram_delivered()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        var (record, outbox) = await ReleaseToAsync(Alpha);
        await Store.Outbox.FailAsync(outbox, "expired");

        Assert.True(await Store.Telegrams.MarkDeliveredAsync(record.Id, [1], 3, Now));

        Assert.Equal(TelegramStatus.Delivered, await StatusOfAsync(record.Id));
    }

    [Fact]
    public async Task An_inbound_telegram_is_marked_read_only_the_first_time()
    {
        var inbound = (await ReceiveFromAsync(Alpha, 1)).Record;
        var firstOpened = Now + TimeSpan.FromMinutes(3);

        Assert.True(await Store.Telegrams.MarkReadAsync(inbound.Id, firstOpened));
        Assert.False(await Store.Telegrams.MarkReadAsync(inbound.Id, firstOpened + TimeSpan.FromHours(1)));

        Assert.Equal(firstOpened, (await Store.Telegrams.GetTelegramAsync(inbound.Id, Direction.Inbound))!.ReadAt);
    }

    [Fact]
    public async Task Unknown_and_outbound_telegrams_are_not_marked_read()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        var (outbound, _) = await ReleaseToAsync(Alpha);

        Assert.False(await Store.Telegrams.MarkReadAsync(Guid.NewGuid(), Now));
        Assert.False(await Store.Telegrams.MarkReadAsync(outbound.Id, Now));

        Assert.Null((await Store.Telegrams.GetTelegramAsync(outbound.Id, Direction.Outbound))!.ReadAt);
    }

    [Fact]
    public async Task An_enqueued_item_is_claimed_with_every_field_only_once_due()
    {
        var item = MessageItem(Alpha, Now + TimeSpan.FromMinutes(10), Precedence.Priority) with { Attempts = 2, Payload = [0, 255, 1] };
        await Store.Outbox.EnqueueAsync(item);

        Assert.Empty(await Store.Outbox.ClaimDueAsync(Now, 10, Lease, "node-a"));
        Assert.Empty(await Store.Outbox.ClaimDueAsync(item.DueAt - TimeSpan.FromMilliseconds(1), 10, Lease, "node-a"));

        AssertSameFields(item, Assert.Single(await Store.Outbox.ClaimDueAsync(item.DueAt, 10, Lease, "node-a")));
    }

    /// <summary>Six items: two flash, one priority, two routine due, one flash not yet due.</summary>
    private async Task<OutboxItem[]> EnqueueMixedPrecedenceAsync()
    {
        var routineOldest = MessageItem(Alpha, Now - TimeSpan.FromMinutes(30));
        var flashLater = MessageItem(Alpha, Now - TimeSpan.FromMinutes(1), Precedence.Flash);
        var flashEarlier = MessageItem(Bravo, Now - TimeSpan.FromMinutes(2), Precedence.Flash);
        var priority = MessageItem(Bravo, Now - TimeSpan.FromMinutes(40), Precedence.Priority);
        var routineNewer = MessageItem(Charlie, Now - TimeSpan.FromMinutes(5));
        var flashNotDue = MessageItem(Charlie, Now + TimeSpan.FromMinutes(1), Precedence.Flash);
        foreach (var item in new[] { routineNewer, flashLater, routineOldest, flashNotDue, priority, flashEarlier })
        {
            await Store.Outbox.EnqueueAsync(item);
        }

        // In the order they must be claimed; the item not yet due last.
        return [flashEarlier, flashLater, priority, routineOldest, routineNewer, flashNotDue];
    }

    [Fact]
    public async Task Claims_take_the_highest_precedence_first_then_the_earliest_due()
    {
        var expected = await EnqueueMixedPrecedenceAsync();

        var firstTwo = await Store.Outbox.ClaimDueAsync(Now, 2, Lease, "node-a");
        var claimedOneByOne = new List<Guid>();
        for (int i = 0; i < 4; i++)
        {
            claimedOneByOne.AddRange((await Store.Outbox.ClaimDueAsync(Now, 1, Lease, "node-a")).Select(c => c.Id));
        }

        Assert.Equal(new[] { expected[0].Id, expected[1].Id }.Order(), firstTwo.Select(i => i.Id).Order());
        Assert.Equal([expected[2].Id, expected[3].Id, expected[4].Id], claimedOneByOne);
    }

    [Fact]
    public async Task Claimed_items_are_returned_highest_precedence_first_then_earliest_due()
    {
        var expected = await EnqueueMixedPrecedenceAsync();

        var claimed = await Store.Outbox.ClaimDueAsync(Now, 10, Lease, "node-a");

        Assert.Equal(expected[..5].Select(i => i.Id), claimed.Select(i => i.Id));
    }

    [Fact]
    public async Task A_claim_takes_no_more_than_its_limit()
    {
        for (int i = 0; i < 7; i++)
        {
            await Store.Outbox.EnqueueAsync(MessageItem(Alpha, Now - TimeSpan.FromSeconds(i)));
        }

        Assert.Equal(3, (await Store.Outbox.ClaimDueAsync(Now, 3, Lease, "node-a")).Count);
        Assert.Equal(3, (await Store.Outbox.ClaimDueAsync(Now, 3, Lease, "node-b")).Count);
        Assert.Single(await Store.Outbox.ClaimDueAsync(Now, 3, Lease, "node-c"));
        Assert.Empty(await Store.Outbox.ClaimDueAsync(Now, 3, Lease, "node-d"));
    }

    [Fact]
    public async Task A_claimed_item_is_not_claimed_by_another_node_until_the_lease_passes()
    {
        var item = MessageItem(Alpha, Now);
        await Store.Outbox.EnqueueAsync(item);

        Assert.Single(await Store.Outbox.ClaimDueAsync(Now, 10, Lease, "node-a"));
        Assert.Empty(await Store.Outbox.ClaimDueAsync(Now, 10, Lease, "node-b"));
        Assert.Empty(await Store.Outbox.ClaimDueAsync(Now + Lease - TimeSpan.FromSeconds(1), 10, Lease, "node-b"));

        var reclaimed = await Store.Outbox.ClaimDueAsync(Now + Lease + TimeSpan.FromSeconds(1), 10, Lease, "node-b");
        Assert.Equal(item.Id, Assert.Single(reclaimed).Id);
        Assert.Empty(await Store.Outbox.ClaimDueAsync(Now + Lease + TimeSpan.FromSeconds(2), 10, Lease, "node-a"));
    }

    [Fact]
    public async Task Eight_nodes_claiming_at_once_never_claim_one_item_twice()
    {
        const int items = 120;
        for (int i = 0; i < items; i++)
        {
            await Store.Outbox.EnqueueAsync(MessageItem(i % 2 == 0 ? Alpha : Bravo, Now - TimeSpan.FromSeconds(i), (Precedence)(i % 4)));
        }

        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var nodes = Enumerable.Range(0, Workers).Select(n => Task.Run(async () =>
        {
            await go.Task;
            var mine = new List<Guid>();

            // Bounded, so that a store handing out the same items again fails the test instead of hanging it.
            for (int round = 0; round < items; round++)
            {
                var claimed = await Store.Outbox.ClaimDueAsync(Now, 7, Lease, $"node-{n}");
                if (claimed.Count == 0)
                {
                    break;
                }

                mine.AddRange(claimed.Select(c => c.Id));
            }

            return mine;
        })).ToArray();
        go.SetResult();
        var all = (await Task.WhenAll(nodes)).SelectMany(ids => ids).ToList();

        Assert.Equal(items, all.Count);
        Assert.Equal(items, all.Distinct().Count());
    }

    [Fact]
    public async Task An_accepted_message_is_removed_from_the_outbox()
    {
        var item = MessageItem(Alpha, Now);
        await Store.Outbox.EnqueueAsync(item);
        var claimed = Assert.Single(await Store.Outbox.ClaimDueAsync(Now, 10, Lease, "node-a"));

        await Store.Outbox.CompleteAttemptAsync(claimed, accepted: true, Now + TimeSpan.FromMinutes(1));

        Assert.Empty(await Store.Outbox.OutboxDepthAsync());
        Assert.Empty(await Store.Outbox.ClaimDueAsync(Now + TimeSpan.FromDays(1), 10, Lease, "node-b"));
    }

    [Fact]
    public async Task A_message_not_accepted_is_rescheduled_and_its_attempt_counted()
    {
        var item = MessageItem(Alpha, Now);
        await Store.Outbox.EnqueueAsync(item);
        var claimed = Assert.Single(await Store.Outbox.ClaimDueAsync(Now, 10, Lease, "node-a"));
        var nextDue = Now + TimeSpan.FromMinutes(5);

        await Store.Outbox.CompleteAttemptAsync(claimed, accepted: false, nextDue);

        Assert.Empty(await Store.Outbox.ClaimDueAsync(nextDue - TimeSpan.FromMilliseconds(1), 10, Lease, "node-b"));
        var retried = Assert.Single(await Store.Outbox.ClaimDueAsync(nextDue, 10, Lease, "node-b"));
        Assert.Equal(1, retried.Attempts);
        Assert.Equal(nextDue, retried.DueAt);
        Assert.Equal(item.Id, retried.Id);
    }

    [Fact]
    public async Task An_accepted_telegram_is_marked_sent_and_rescheduled_for_a_check()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        var (record, _) = await ReleaseToAsync(Alpha);
        var claimed = Assert.Single(await Store.Outbox.ClaimDueAsync(Now, 10, Lease, "node-a"));
        var check = Now + TimeSpan.FromMinutes(10);

        await Store.Outbox.CompleteAttemptAsync(claimed, accepted: true, check);

        Assert.Equal(TelegramStatus.Sent, await StatusOfAsync(record.Id));
        Assert.Equal(1, (await Store.Outbox.OutboxDepthAsync())[Alpha]);
        Assert.Empty(await Store.Outbox.ClaimDueAsync(check - TimeSpan.FromSeconds(1), 10, Lease, "node-b"));
        var again = Assert.Single(await Store.Outbox.ClaimDueAsync(check, 10, Lease, "node-b"));
        Assert.Equal(record.Id, again.TelegramId);
        Assert.Equal(1, again.Attempts);
        Assert.Equal(check, again.DueAt);
    }

    [Fact]
    public async Task A_telegram_not_accepted_stays_queued_and_is_rescheduled_with_its_attempt_counted()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        var (record, _) = await ReleaseToAsync(Alpha);
        var claimed = Assert.Single(await Store.Outbox.ClaimDueAsync(Now, 10, Lease, "node-a"));
        var nextDue = Now + TimeSpan.FromSeconds(30);

        await Store.Outbox.CompleteAttemptAsync(claimed, accepted: false, nextDue);
        var second = Assert.Single(await Store.Outbox.ClaimDueAsync(nextDue, 10, Lease, "node-a"));
        await Store.Outbox.CompleteAttemptAsync(second, accepted: false, nextDue + TimeSpan.FromSeconds(60));

        Assert.Equal(TelegramStatus.Queued, await StatusOfAsync(record.Id));
        Assert.Empty(await Store.Outbox.ClaimDueAsync(nextDue + TimeSpan.FromSeconds(59), 10, Lease, "node-a"));
        Assert.Equal(2, Assert.Single(await Store.Outbox.ClaimDueAsync(nextDue + TimeSpan.FromSeconds(60), 10, Lease, "node-a")).Attempts);
    }

    [Fact]
    public async Task A_sent_telegram_is_not_set_back_by_a_later_failed_attempt()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        var (record, _) = await ReleaseToAsync(Alpha);
        var claimed = Assert.Single(await Store.Outbox.ClaimDueAsync(Now, 10, Lease, "node-a"));
        await Store.Outbox.CompleteAttemptAsync(claimed, accepted: true, Now);
        var check = Assert.Single(await Store.Outbox.ClaimDueAsync(Now, 10, Lease, "node-a"));

        await Store.Outbox.CompleteAttemptAsync(check, accepted: false, Now);

        Assert.Equal(TelegramStatus.Sent, await StatusOfAsync(record.Id));
    }

    [Fact]
    public async Task Completing_an_attempt_releases_the_claim()
    {
        await Store.Outbox.EnqueueAsync(MessageItem(Alpha, Now));
        var claimed = Assert.Single(await Store.Outbox.ClaimDueAsync(Now, 10, TimeSpan.FromHours(1), "node-a"));

        await Store.Outbox.CompleteAttemptAsync(claimed, accepted: false, Now);

        Assert.Equal(claimed.Id, Assert.Single(await Store.Outbox.ClaimDueAsync(Now, 10, Lease, "node-b")).Id);
    }

    [Fact]
    public async Task Completing_an_attempt_after_the_receipt_arrived_changes_nothing()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        var (record, _) = await ReleaseToAsync(Alpha);
        var claimed = Assert.Single(await Store.Outbox.ClaimDueAsync(Now, 10, Lease, "node-a"));
        Assert.True(await Store.Telegrams.MarkDeliveredAsync(record.Id, [1], 9, Now));

        await Store.Outbox.CompleteAttemptAsync(claimed, accepted: true, Now);
        await Store.Outbox.CompleteAttemptAsync(claimed, accepted: false, Now);

        Assert.Equal(TelegramStatus.Delivered, await StatusOfAsync(record.Id));
        Assert.Empty(await Store.Outbox.OutboxDepthAsync());
        Assert.Empty(await ClaimEverythingDueAsync());
    }

    [Fact]
    public async Task Failing_a_telegram_marks_it_failed_with_the_reason_and_removes_its_outbox_item()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        var (record, _) = await ReleaseToAsync(Alpha);
        var other = await ReleaseToAsync(Alpha);
        var claimed = (await Store.Outbox.ClaimDueAsync(Now, 10, Lease, "node-a")).Single(i => i.TelegramId == record.Id);

        await Store.Outbox.FailAsync(claimed, "not delivered before its expiry (12 attempts)");

        var failed = await Store.Telegrams.GetTelegramAsync(record.Id, Direction.Outbound);
        Assert.Equal(TelegramStatus.Failed, failed!.Status);
        Assert.Equal("not delivered before its expiry (12 attempts)", failed.FailureReason);
        Assert.Equal(1, (await Store.Outbox.OutboxDepthAsync())[Alpha]);
        Assert.Equal(TelegramStatus.Queued, await StatusOfAsync(other.Record.Id));
        Assert.Equal([TelegramStatus.Failed], (await Store.Register.QueryAsync(new() { Status = TelegramStatus.Failed })).Select(r => r.Status));
    }

    [Fact]
    public async Task Failing_a_sent_telegram_marks_it_failed()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        var (record, _) = await ReleaseToAsync(Alpha);
        var claimed = Assert.Single(await Store.Outbox.ClaimDueAsync(Now, 10, Lease, "node-a"));
        await Store.Outbox.CompleteAttemptAsync(claimed, accepted: true, Now);

        await Store.Outbox.FailAsync(claimed, "no receipt before its expiry");

        Assert.Equal(TelegramStatus.Failed, await StatusOfAsync(record.Id));
        Assert.Empty(await Store.Outbox.OutboxDepthAsync());
    }

    [Fact]
    public async Task Failing_a_message_removes_it_from_the_outbox()
    {
        var item = MessageItem(Alpha, Now);
        await Store.Outbox.EnqueueAsync(item);

        await Store.Outbox.FailAsync(item, "expired");

        Assert.Empty(await Store.Outbox.OutboxDepthAsync());
        Assert.Empty(await ClaimEverythingDueAsync());
    }

    [Fact]
    public async Task Failing_after_the_receipt_arrived_leaves_the_telegram_delivered()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        var (record, outbox) = await ReleaseToAsync(Alpha);
        Assert.True(await Store.Telegrams.MarkDeliveredAsync(record.Id, [1], 4, Now));

        await Store.Outbox.FailAsync(outbox, "expired");

        var delivered = await Store.Telegrams.GetTelegramAsync(record.Id, Direction.Outbound);
        Assert.Equal(TelegramStatus.Delivered, delivered!.Status);
        Assert.Null(delivered.FailureReason);
    }

    [Fact]
    public async Task Outbox_depth_is_counted_per_counterpart()
    {
        Assert.Empty(await Store.Outbox.OutboxDepthAsync());
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        await ReleaseToAsync(Alpha);
        await ReleaseToAsync(Alpha);
        await Store.Outbox.EnqueueAsync(MessageItem(Alpha, Now));
        await Store.Outbox.EnqueueAsync(MessageItem(Bravo, Now + TimeSpan.FromDays(1)));
        await Store.Outbox.ClaimDueAsync(Now, 1, Lease, "node-a");

        var depth = await Store.Outbox.OutboxDepthAsync();

        Assert.Equal(2, depth.Count);
        Assert.Equal(3, depth[Alpha]);
        Assert.Equal(1, depth[Bravo]);
    }

    [Fact]
    public async Task Requeue_makes_a_telegram_due_now()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        var (record, _) = await ReleaseToAsync(Alpha);
        var claimed = Assert.Single(await Store.Outbox.ClaimDueAsync(Now, 10, Lease, "node-a"));
        await Store.Outbox.CompleteAttemptAsync(claimed, accepted: true, Now + TimeSpan.FromHours(1));
        Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty(await Store.Outbox.ClaimDueAsync(Now, 10, Lease, "node-a"));

        Assert.True(await Store.Outbox.RequeueAsync(record.Id, Alpha, Now));

        var due = Assert.Single(await Store.Outbox.ClaimDueAsync(Now, 10, Lease, "node-a"));
        Assert.Equal(record.Id, due.TelegramId);
        Assert.Equal(Now, due.DueAt);
    }

    [Fact]
    public async Task Requeue_never_postpones_a_telegram_already_due_so_repeated_resend_requests_cannot_starve_it()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        var (first, _) = await ReleaseToAsync(Alpha);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var (second, _) = await ReleaseToAsync(Alpha);
        Clock.Advance(TimeSpan.FromMinutes(1));

        // The receiver asks for the first again (it is missing there) while it waits, overdue, behind nothing.
        Assert.True(await Store.Outbox.RequeueAsync(first.Id, Alpha, Now));

        var next = Assert.Single(await Store.Outbox.ClaimDueAsync(Now, 1, Lease, "node-a"));
        Assert.Equal(first.Id, next.TelegramId);
        Assert.Equal(Now - TimeSpan.FromMinutes(2), next.DueAt);
        Assert.NotEqual(second.Id, next.TelegramId);
    }

    [Fact]
    public async Task Requeue_is_refused_for_an_unknown_telegram_another_counterpart_or_a_failed_telegram()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        var (failed, failedItem) = await ReleaseToAsync(Alpha);
        await Store.Outbox.FailAsync(failedItem, "expired");
        var (queued, _) = await ReleaseToAsync(Alpha, dueAt: Now + TimeSpan.FromHours(1));
        var inbound = (await ReceiveFromAsync(Alpha, 1)).Record;

        Assert.False(await Store.Outbox.RequeueAsync(Guid.NewGuid(), Alpha, Now));
        Assert.False(await Store.Outbox.RequeueAsync(queued.Id, Bravo, Now));
        Assert.False(await Store.Outbox.RequeueAsync(failed.Id, Alpha, Now));
        Assert.False(await Store.Outbox.RequeueAsync(inbound.Id, Alpha, Now));

        Assert.Equal(TelegramStatus.Failed, await StatusOfAsync(failed.Id));
        Assert.Empty(await ClaimEverythingDueAsync());
    }

    [Fact]
    public async Task Releasing_claims_frees_only_that_nodes_claims()
    {
        var a = MessageItem(Alpha, Now);
        var b = MessageItem(Bravo, Now);
        await Store.Outbox.EnqueueAsync(a);
        Assert.Single(await Store.Outbox.ClaimDueAsync(Now, 10, TimeSpan.FromHours(1), "node-a"));
        await Store.Outbox.EnqueueAsync(b);
        Assert.Single(await Store.Outbox.ClaimDueAsync(Now, 10, TimeSpan.FromHours(1), "node-b"));

        await Store.Outbox.ReleaseClaimsAsync("node-a");

        var freed = await Store.Outbox.ClaimDueAsync(Now, 10, Lease, "node-c");
        Assert.Equal(a.Id, Assert.Single(freed).Id);
        await Store.Outbox.ReleaseClaimsAsync("node-z");
        Assert.Empty(await Store.Outbox.ClaimDueAsync(Now, 10, Lease, "node-d"));
    }

    [Fact]
    public async Task The_next_due_time_is_the_earliest_due_item_or_the_end_of_a_claim_and_none_when_the_outbox_is_empty()
    {
        Assert.Null(await Store.Outbox.NextDueAsync());

        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        await Store.Outbox.EnqueueAsync(MessageItem(Alpha, Now + TimeSpan.FromMinutes(10)));
        var later = Now + TimeSpan.FromMinutes(5);
        var (_, retry) = await ReleaseToAsync(Alpha, dueAt: later);
        Assert.Equal(later, await Store.Outbox.NextDueAsync());

        // An item due now is due now, and one past due keeps its past due time.
        var (_, now) = await ReleaseToAsync(Alpha);
        Assert.Equal(Now, await Store.Outbox.NextDueAsync());
        Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(now.DueAt, await Store.Outbox.NextDueAsync());

        // Claimed by a node, it counts from when the claim lapses, for another node to take over.
        var claimed = Assert.Single(await Store.Outbox.ClaimDueAsync(Now, 10, Lease, "node-a"));
        Assert.Equal(now.Id, claimed.Id);
        Assert.Equal(Now + Lease, await Store.Outbox.NextDueAsync());

        // Tried and failed, it is due at its backoff; delivered and receipted, the next item is.
        var backoff = Now + TimeSpan.FromMinutes(2);
        await Store.Outbox.CompleteAttemptAsync(claimed, accepted: false, backoff);
        Assert.Equal(backoff, await Store.Outbox.NextDueAsync());
        Assert.True(await Store.Telegrams.MarkDeliveredAsync(claimed.TelegramId!.Value, [1], 1, Now));
        Assert.Equal(retry.DueAt, await Store.Outbox.NextDueAsync());
    }
}
