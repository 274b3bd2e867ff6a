using Telex.Core.Model;

namespace Telex.Storage.Compliance;

/// <summary>Ties and their serial counters.</summary>
public abstract partial class StoreComplianceTests
{
    private static Tie FullTie(string peerDid) => NewTie(peerDid) with
    {
        Status = TieStatus.Suspended,
        Verified = true,
        Terms = new TieTerms
        {
            Version = 3,
            MaxTelegramBytes = 64 * 1024,
            MaxAttachmentBytes = 0,
            Expiry = TimeSpan.FromHours(36),
            MaxRetryInterval = TimeSpan.FromSeconds(90),
            ReadReceipts = true,
        },
        ProposedTerms = new TieTerms { Version = 4, Expiry = TimeSpan.FromDays(7) },
        ProposedByUs = true,
        EstablishedAt = Start - TimeSpan.FromDays(400),
        SuspendedBy = TieSide.Counterpart,
    };

    [Fact]
    public async Task Which_side_suspended_a_tie_is_kept_and_cleared_when_it_resumes()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha) with { Status = TieStatus.Suspended, SuspendedBy = TieSide.ThisAgency });
        await Store.Ties.SaveTieAsync(NewTie(Bravo) with { Status = TieStatus.Suspended, SuspendedBy = TieSide.Counterpart });
        Assert.Equal(TieSide.ThisAgency, (await Store.Ties.GetTieAsync(Alpha))!.SuspendedBy);
        Assert.Equal(TieSide.Counterpart, (await Store.Ties.GetTieAsync(Bravo))!.SuspendedBy);

        await Store.Ties.SaveTieAsync((await Store.Ties.GetTieAsync(Alpha))! with { Status = TieStatus.Established, SuspendedBy = null });

        Assert.Null((await Store.Ties.GetTieAsync(Alpha))!.SuspendedBy);
        Assert.Equal(TieSide.Counterpart, (await Store.Ties.ListTiesAsync()).Single(t => t.PeerDid == Bravo).SuspendedBy);
    }

    [Fact]
    public async Task Only_an_invited_tie_that_never_carried_a_telegram_is_forgotten()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha) with { Status = TieStatus.Invited });
        await Store.Ties.SaveTieAsync(NewTie(Bravo) with { Status = TieStatus.Established });
        await Store.Ties.SaveTieAsync(NewTie(Charlie) with { Status = TieStatus.Invited });
        await Store.Telegrams.ReleaseAsync(Charlie, serial =>
        {
            var record = OutboundRecord(Charlie, serial, Now);
            return (record, OutboxItemFor(record, Now));
        });
        await Store.Ties.SaveTieAsync((await Store.Ties.GetTieAsync(Charlie))! with { Status = TieStatus.Invited });

        Assert.True(await Store.Ties.ForgetInvitedTieAsync(Alpha));
        Assert.False(await Store.Ties.ForgetInvitedTieAsync(Alpha));
        Assert.False(await Store.Ties.ForgetInvitedTieAsync(Bravo));
        Assert.False(await Store.Ties.ForgetInvitedTieAsync(Charlie));

        Assert.Null(await Store.Ties.GetTieAsync(Alpha));
        Assert.Equal([Bravo, Charlie], (await Store.Ties.ListTiesAsync()).Select(t => t.PeerDid).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_tie_reads_back_with_every_field()
    {
        var full = FullTie(Alpha);
        var plain = NewTie(Bravo);

        await Store.Ties.SaveTieAsync(full);
        await Store.Ties.SaveTieAsync(plain);

        AssertSameFields(full, await Store.Ties.GetTieAsync(Alpha));
        AssertSameFields(plain, await Store.Ties.GetTieAsync(Bravo));
    }

    [Fact]
    public async Task An_unknown_counterpart_has_no_tie()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));

        Assert.Null(await Store.Ties.GetTieAsync(Bravo));
    }

    [Fact]
    public async Task Saving_a_tie_again_replaces_it_by_peer_did()
    {
        await Store.Ties.SaveTieAsync(FullTie(Alpha));
        await Store.Ties.SaveTieAsync(NewTie(Bravo));
        var replaced = NewTie(Alpha) with { PeerName = "Renamed", PeerEndpoint = "https://moved.example/didcomm", Status = TieStatus.Severed };

        await Store.Ties.SaveTieAsync(replaced);

        AssertSameFields(replaced, await Store.Ties.GetTieAsync(Alpha));
        AssertSameFields(NewTie(Bravo), await Store.Ties.GetTieAsync(Bravo));
        Assert.Equal(2, (await Store.Ties.ListTiesAsync()).Count);
    }

    [Fact]
    public async Task Every_known_counterpart_is_listed()
    {
        Assert.Empty(await Store.Ties.ListTiesAsync());
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        await Store.Ties.SaveTieAsync(FullTie(Bravo));
        await Store.Ties.SaveTieAsync(NewTie(Charlie) with { Status = TieStatus.None });

        var ties = (await Store.Ties.ListTiesAsync()).ToDictionary(t => t.PeerDid);

        Assert.Equal([Alpha, Bravo, Charlie], ties.Keys.Order(StringComparer.Ordinal));
        AssertSameFields(FullTie(Bravo), ties[Bravo]);
        Assert.Equal(TieStatus.None, ties[Charlie].Status);
    }

    [Fact]
    public async Task Saving_an_existing_tie_does_not_reset_its_serial_counter()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        for (int i = 0; i < 3; i++)
        {
            await ReleaseToAsync(Alpha);
        }

        var stale = NewTie(Alpha) with { Status = TieStatus.Suspended, LastSentSerial = 0 };
        await Store.Ties.SaveTieAsync(stale);

        var tie = await Store.Ties.GetTieAsync(Alpha);
        Assert.Equal(3, tie!.LastSentSerial);
        Assert.Equal(TieStatus.Suspended, tie.Status);
        Assert.Equal(4, (await ReleaseToAsync(Alpha)).Record.Serial);

        await Store.Ties.SaveTieAsync(stale with { LastSentSerial = 99 });
        Assert.Equal(4, (await Store.Ties.GetTieAsync(Alpha))!.LastSentSerial);
        Assert.Equal(5, (await ReleaseToAsync(Alpha)).Record.Serial);
    }

    [Fact]
    public async Task A_new_tie_saved_with_a_serial_counter_continues_from_it()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha) with { LastSentSerial = 41 });

        Assert.Equal(41, (await Store.Ties.GetTieAsync(Alpha))!.LastSentSerial);
        Assert.Equal(42, (await ReleaseToAsync(Alpha)).Record.Serial);
    }

    [Fact]
    public async Task Text_holding_the_NUL_character_is_refused_alike_by_every_engine_and_nothing_is_written()
    {
        // PostgreSQL's text and jsonb cannot hold U+0000: every engine refuses it the same way, as invalid input.
        var tie = await Assert.ThrowsAsync<Telex.Core.TelexException>(() => Store.Ties.SaveTieAsync(NewTie(Alpha) with { PeerName = "Bra\0vo" }));
        Assert.Equal(Telex.Core.TelexErrorKind.Invalid, tie.Kind);
        Assert.Null(await Store.Ties.GetTieAsync(Alpha));
        await Assert.ThrowsAsync<Telex.Core.TelexException>(() => Store.Ties.GetTieAsync("did:peer:2\0"));

        // In a value kept as JSON (a draft) as well: the escape that stands for it is refused, an escaped backslash before "u0000" is text.
        var draft = NewDraft();
        var refused = NewDraft() with { Draft = draft.Draft with { Body = "first\0second" } };
        await Assert.ThrowsAsync<Telex.Core.TelexException>(() => Store.Clearance.CreateDraftAsync(refused, new ClearanceLogEntry(refused.Id, Now, "drafter", "submitted", ""), []));
        Assert.Null(await Store.Clearance.GetDraftAsync(refused.Id));
        var kept = NewDraft() with { Draft = draft.Draft with { Body = "a path: C:\\u0000" } };
        await Store.Clearance.CreateDraftAsync(kept, new ClearanceLogEntry(kept.Id, Now, "drafter", "submitted", ""), []);
        Assert.Equal("a path: C:\\u0000", (await Store.Clearance.GetDraftAsync(kept.Id))!.Draft.Body);
    }
}

