using System.Text;

using Telex.Core.Model;
using Telex.Core.Register;

namespace Telex.Storage.Compliance;

/// <summary>The relay queue, and the relay path kept on telegrams.</summary>
public abstract partial class StoreComplianceTests
{
    private RelayItem Relayed(string from, string next, DateTimeOffset? dueAt = null, TimeSpan? retention = null) =>
        new(Id: Guid.NewGuid(), FromDid: from, NextDid: next, Endpoint: EndpointOf(next),
            Envelope: Encoding.UTF8.GetBytes("{\"ciphertext\":\"" + Guid.NewGuid() + "\"}"), ReceivedAt: Now, DueAt: dueAt ?? Now,
            ExpiresAt: Now + (retention ?? TimeSpan.FromDays(3)));

    [Fact]
    public async Task A_relayed_envelope_reads_back_with_every_field_when_claimed()
    {
        var item = Relayed(Alpha, Bravo);
        await Store.Relays.EnqueueRelayAsync(item);

        Assert.Equal(1, await Store.Relays.CountRelaysAsync());
        var claimed = Assert.Single(await Store.Relays.ClaimDueRelaysAsync(Now, 10, TimeSpan.FromMinutes(1), "node-1"));
        AssertSameFields(item, claimed);
    }

    [Fact]
    public async Task An_envelope_past_its_senders_share_of_the_queue_is_not_kept_and_other_senders_are_not_counted_against_it()
    {
        var first = Relayed(Alpha, Bravo);
        long share = first.Envelope.Length * 2L;
        Assert.True(await Store.Relays.EnqueueRelayAsync(first, share));
        Assert.True(await Store.Relays.EnqueueRelayAsync(Relayed(Alpha, Bravo), share));

        var over = Relayed(Alpha, Bravo);
        Assert.False(await Store.Relays.EnqueueRelayAsync(over, share));
        Assert.Equal(2, await Store.Relays.CountRelaysAsync());
        Assert.DoesNotContain(await Store.Relays.ClaimDueRelaysAsync(Now, 10, TimeSpan.FromMinutes(1), "node-1"), i => i.Id == over.Id);

        // Another sender has a share of its own; once the first sender's envelopes are passed on, it has room again.
        Assert.True(await Store.Relays.EnqueueRelayAsync(Relayed(Bravo, Alpha), share));
        await Store.Relays.ReleaseRelayClaimsAsync("node-1");
        foreach (var item in await Store.Relays.ClaimDueRelaysAsync(Now, 10, TimeSpan.FromMinutes(1), "node-1"))
        {
            await Store.Relays.CompleteRelayAsync(item.Id, accepted: item.FromDid == Alpha, Now);
        }

        Assert.True(await Store.Relays.EnqueueRelayAsync(over, share));
    }

    [Fact]
    public async Task A_claimed_envelope_is_not_claimed_again_until_its_lease_ends_or_its_node_restarts()
    {
        await Store.Relays.EnqueueRelayAsync(Relayed(Alpha, Bravo));
        Assert.Single(await Store.Relays.ClaimDueRelaysAsync(Now, 10, TimeSpan.FromMinutes(1), "node-1"));
        Assert.Empty(await Store.Relays.ClaimDueRelaysAsync(Now, 10, TimeSpan.FromMinutes(1), "node-2"));

        await Store.Relays.ReleaseRelayClaimsAsync("node-2");
        Assert.Empty(await Store.Relays.ClaimDueRelaysAsync(Now, 10, TimeSpan.FromMinutes(1), "node-2"));

        await Store.Relays.ReleaseRelayClaimsAsync("node-1");
        Assert.Single(await Store.Relays.ClaimDueRelaysAsync(Now, 10, TimeSpan.FromMinutes(1), "node-2"));

        Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Single(await Store.Relays.ClaimDueRelaysAsync(Now, 10, TimeSpan.FromMinutes(1), "node-1"));
    }

    [Fact]
    public async Task Only_due_envelopes_are_claimed_oldest_first_up_to_the_limit()
    {
        var later = Relayed(Alpha, Bravo, dueAt: Now + TimeSpan.FromMinutes(5));
        var second = Relayed(Alpha, Bravo, dueAt: Now - TimeSpan.FromSeconds(1));
        var first = Relayed(Bravo, Alpha, dueAt: Now - TimeSpan.FromSeconds(2));
        var third = Relayed(Alpha, Bravo);
        foreach (var item in new[] { later, second, first, third })
        {
            await Store.Relays.EnqueueRelayAsync(item);
        }

        var claimed = await Store.Relays.ClaimDueRelaysAsync(Now, 2, TimeSpan.FromMinutes(1), "node-1");
        Assert.Equal([first.Id, second.Id], claimed.Select(i => i.Id));
        Assert.Equal([third.Id], (await Store.Relays.ClaimDueRelaysAsync(Now, 10, TimeSpan.FromMinutes(1), "node-1")).Select(i => i.Id));
    }

    [Fact]
    public async Task An_accepted_envelope_is_removed_and_a_refused_one_is_rescheduled_with_its_attempt_counted()
    {
        var accepted = Relayed(Alpha, Bravo);
        var refused = Relayed(Alpha, Bravo);
        await Store.Relays.EnqueueRelayAsync(accepted);
        await Store.Relays.EnqueueRelayAsync(refused);
        await Store.Relays.ClaimDueRelaysAsync(Now, 10, TimeSpan.FromMinutes(1), "node-1");

        Assert.True(await Store.Relays.CompleteRelayAsync(accepted.Id, accepted: true, Now));
        Assert.True(await Store.Relays.CompleteRelayAsync(refused.Id, accepted: false, Now + TimeSpan.FromSeconds(30)));
        Assert.False(await Store.Relays.CompleteRelayAsync(accepted.Id, accepted: true, Now));
        Assert.Equal(1, await Store.Relays.CountRelaysAsync());

        Assert.Empty(await Store.Relays.ClaimDueRelaysAsync(Now, 10, TimeSpan.FromMinutes(1), "node-1"));
        Clock.Advance(TimeSpan.FromSeconds(30));
        var again = Assert.Single(await Store.Relays.ClaimDueRelaysAsync(Now, 10, TimeSpan.FromMinutes(1), "node-1"));
        Assert.Equal(refused.Id, again.Id);
        Assert.Equal(1, again.Attempts);
    }

    [Fact]
    public async Task Envelopes_past_their_retention_are_never_claimed_and_are_dropped()
    {
        await Store.Relays.EnqueueRelayAsync(Relayed(Alpha, Bravo, retention: TimeSpan.FromMinutes(1)));
        var kept = Relayed(Alpha, Bravo, retention: TimeSpan.FromHours(1));
        await Store.Relays.EnqueueRelayAsync(kept);

        Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal([kept.Id], (await Store.Relays.ClaimDueRelaysAsync(Now, 10, TimeSpan.FromSeconds(1), "node-1")).Select(i => i.Id));
        Assert.Equal(1, await Store.Relays.DropExpiredRelaysAsync(Now));
        Assert.Equal(0, await Store.Relays.DropExpiredRelaysAsync(Now));
        Assert.Equal(1, await Store.Relays.CountRelaysAsync());
    }

    [Fact]
    public async Task The_relay_path_of_a_telegram_reads_back_at_both_ends_and_is_in_its_register_entry()
    {
        await Store.Ties.SaveTieAsync(NewTie(Bravo) with { Status = TieStatus.None });
        var (sent, _) = await ReleaseToAsync(Bravo, r => r with { RelayPath = [Charlie] });
        var received = await ReceiveFromAsync(Alpha, 1, r => r with { RelayPath = [Charlie] });
        var direct = await ReceiveFromAsync(Bravo, 1);

        Assert.Equal([Charlie], (await Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound))!.RelayPath);
        Assert.Equal([Charlie], (await Store.Telegrams.GetTelegramAsync(received.Record.Id, Direction.Inbound))!.RelayPath);
        Assert.Empty((await Store.Telegrams.GetTelegramAsync(direct.Record.Id, Direction.Inbound))!.RelayPath);
        Assert.Equal(1, (await Store.Ties.GetTieAsync(Bravo))!.LastSentSerial);

        var register = await Store.Register.ReadRegisterAsync();
        Assert.True(RegisterVerifier.Verify(register, "did:example:self", _ => null).Ok);
        var entry = register.Entries.Single(e => e.Kind == RegisterKinds.TelegramIn
            && e.Reference == RegisterChain.TelegramReference(received.Record.Id, Direction.Inbound));
        Assert.Equal(CanonicalWriter.Sha256Hex(RegisterChain.TelegramContent(received.Record)), entry.ContentHash);
        Assert.NotEqual(CanonicalWriter.Sha256Hex(RegisterChain.TelegramContent(received.Record with { RelayPath = [] })), entry.ContentHash);
    }
}
