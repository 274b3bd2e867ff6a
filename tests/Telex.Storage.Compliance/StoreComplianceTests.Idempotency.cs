using System.Text;

using Telex.Core.Model;
using Telex.Core.Storage;

namespace Telex.Storage.Compliance;

/// <summary>Client request ids (Idempotency-Key) kept in the transaction of the release they guard.</summary>
public abstract partial class StoreComplianceTests
{
    private IdempotencyClaim Claim(string officer, string key, string hash = "hash-1") =>
        new(Officer: officer, Key: key, RequestHash: hash, CreatedAt: Now, ExpiresAt: Now + TimeSpan.FromHours(24),
            Answer: released => Encoding.UTF8.GetBytes("answer for " + string.Join(",", released.Select(r => r.Id))));

    private Task<TelegramRecord> ReleaseWithAsync(string peerDid, IdempotencyClaim? claim) =>
        Store.Telegrams.ReleaseAsync(peerDid, serial =>
        {
            var entry = OutboundRecord(peerDid, serial, Now);
            return (entry, OutboxItemFor(entry, Now));
        }, claim);

    [Fact]
    public async Task A_release_keeps_its_key_with_its_telegram_and_answer_and_a_second_release_under_the_key_writes_nothing()
    {
        await Store.Ties.SaveTieAsync(NewTie(Bravo));
        var record = await ReleaseWithAsync(Bravo, Claim("kovalev", "key-1"));

        var kept = await Store.Idempotency.FindIdempotentReleaseAsync("kovalev", "key-1", Now);
        Assert.NotNull(kept);
        Assert.Equal(("kovalev", "key-1", "hash-1", Now, Now + TimeSpan.FromHours(24)), (kept.Officer, kept.Key, kept.RequestHash, kept.CreatedAt, kept.ExpiresAt));
        Assert.Equal([record.Id], kept.Telegrams);
        Assert.Equal("answer for " + record.Id, Encoding.UTF8.GetString(kept.Answer));

        var head = await Store.Register.GetRegisterHeadAsync();
        await Assert.ThrowsAsync<IdempotencyKeyTakenException>(() => ReleaseWithAsync(Bravo, Claim("kovalev", "key-1", "hash-2")));
        Assert.Equal(head, await Store.Register.GetRegisterHeadAsync());
        Assert.Equal(1, await Store.Register.CountAsync(new RegisterQuery()));
        Assert.Equal(1, (await Store.Ties.GetTieAsync(Bravo))!.LastSentSerial);
        Assert.Single(await ClaimEverythingDueAsync());
        Assert.Equal("hash-1", (await Store.Idempotency.FindIdempotentReleaseAsync("kovalev", "key-1", Now))!.RequestHash);

        // Keys are per officer; a release without a key keeps none.
        await ReleaseWithAsync(Bravo, Claim("roshchin", "key-1"));
        await ReleaseWithAsync(Bravo, null);
        Assert.Equal(3, await Store.Register.CountAsync(new RegisterQuery()));
        Assert.Null(await Store.Idempotency.FindIdempotentReleaseAsync("kovalev", "key-2", Now));
    }

    [Fact]
    public async Task A_release_that_fails_keeps_no_key()
    {
        await Store.Ties.SaveTieAsync(NewTie(Bravo));
        await Assert.ThrowsAsync<Refused>(() => Store.Telegrams.ReleaseAsync(Bravo, _ => throw new Refused(), Claim("kovalev", "key-1")));
        Assert.Null(await Store.Idempotency.FindIdempotentReleaseAsync("kovalev", "key-1", Now));

        // The same key then guards the release that succeeds.
        var record = await ReleaseWithAsync(Bravo, Claim("kovalev", "key-1"));
        Assert.Equal([record.Id], (await Store.Idempotency.FindIdempotentReleaseAsync("kovalev", "key-1", Now))!.Telegrams);
    }

    [Fact]
    public async Task An_expired_key_is_free_again_and_the_officers_expired_keys_are_dropped()
    {
        await Store.Ties.SaveTieAsync(NewTie(Bravo));
        var first = await ReleaseWithAsync(Bravo, Claim("kovalev", "key-1"));
        await ReleaseWithAsync(Bravo, Claim("kovalev", "key-2"));
        Clock.Advance(TimeSpan.FromHours(24));
        Assert.Null(await Store.Idempotency.FindIdempotentReleaseAsync("kovalev", "key-1", Now));

        var second = await ReleaseWithAsync(Bravo, Claim("kovalev", "key-1", "hash-2"));
        var kept = await Store.Idempotency.FindIdempotentReleaseAsync("kovalev", "key-1", Now);
        Assert.Equal([second.Id], kept!.Telegrams);
        Assert.NotEqual(first.Id, second.Id);
        Assert.Null(await Store.Idempotency.FindIdempotentReleaseAsync("kovalev", "key-2", Now - TimeSpan.FromHours(1)));
    }

    [Fact]
    public async Task A_draft_release_and_a_fan_out_keep_their_keys_and_refuse_a_second_release_under_them()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        await Store.Ties.SaveTieAsync(NewTie(Bravo));
        var draft = NewDraft() with { Status = DraftStatus.Cleared };
        await Store.Clearance.CreateDraftAsync(draft, new ClearanceLogEntry(draft.Id, Now, "drafter", "submitted", null), []);
        (TelegramRecord, OutboxItem, DraftChange) Build(DraftRecord d, long serial)
        {
            var entry = OutboundRecord(Bravo, serial, Now);
            var released = d with { Status = DraftStatus.Released, TelegramId = entry.Id, ReleasedBy = "releaser", ReleasedAt = Now };
            return (entry, OutboxItemFor(entry, Now), new DraftChange(released, new ClearanceLogEntry(d.Id, Now, "releaser", "released", null)));
        }

        // An unknown draft keeps no key.
        Assert.Null(await Store.Clearance.ReleaseDraftAsync(Guid.NewGuid(), Bravo, Build, Claim("kovalev", "draft-key")));
        Assert.Null(await Store.Idempotency.FindIdempotentReleaseAsync("kovalev", "draft-key", Now));

        var record = await Store.Clearance.ReleaseDraftAsync(draft.Id, Bravo, Build, Claim("kovalev", "draft-key"));
        Assert.Equal([record!.Id], (await Store.Idempotency.FindIdempotentReleaseAsync("kovalev", "draft-key", Now))!.Telegrams);
        await Assert.ThrowsAsync<IdempotencyKeyTakenException>(() => Store.Clearance.ReleaseDraftAsync(draft.Id, Bravo, Build, Claim("kovalev", "draft-key")));

        var bulletin = await Store.Telegrams.ReleaseFanOutAsync([Alpha, Bravo], (peer, serial) =>
        {
            var entry = OutboundRecord(peer, serial, Now);
            return (entry, OutboxItemFor(entry, Now));
        }, Claim("kovalev", "bulletin-key"));
        var kept = await Store.Idempotency.FindIdempotentReleaseAsync("kovalev", "bulletin-key", Now);
        Assert.Equal(bulletin.Select(r => r.Id), kept!.Telegrams);
        Assert.Equal("answer for " + string.Join(",", bulletin.Select(r => r.Id)), Encoding.UTF8.GetString(kept.Answer));
        await Assert.ThrowsAsync<IdempotencyKeyTakenException>(() => Store.Telegrams.ReleaseFanOutAsync([Alpha, Bravo], (peer, serial) =>
        {
            var entry = OutboundRecord(peer, serial, Now);
            return (entry, OutboxItemFor(entry, Now));
        }, Claim("kovalev", "bulletin-key")));
        Assert.Equal(3, await Store.Register.CountAsync(new RegisterQuery()));
        Assert.Equal((1, 2), ((await Store.Ties.GetTieAsync(Alpha))!.LastSentSerial, (await Store.Ties.GetTieAsync(Bravo))!.LastSentSerial));
    }
}
