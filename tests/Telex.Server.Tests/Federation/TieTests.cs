using Telex.Core;
using Telex.Core.Model;
using Telex.TestKit;

namespace Telex.Server.Tests.Federation;

public sealed class TieTests
{
    [Fact]
    public async Task An_invitation_establishes_a_tie_both_sides_see_the_same_fingerprint_and_verify_it()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        var invitation = await a.Agency.Ties.CreateInvitationAsync();

        var pending = await b.Agency.Ties.AcceptInvitationAsync(invitation.Code);
        Assert.Equal(TieStatus.Invited, pending.Status);
        var atB = await Eventually.UntilAsync(() => b.Store.Ties.GetTieAsync(a.Did), t => t?.Status == TieStatus.Established,
            TimeSpan.FromSeconds(20), "B holds the tie");
        var atA = await a.Store.Ties.GetTieAsync(b.Did);

        Assert.Equal(TieStatus.Established, atA!.Status);
        Assert.Equal("Alpha", atB!.PeerName);
        Assert.Equal("Bravo", atA.PeerName);
        Assert.False(atA.Verified);
        Assert.Equal(a.Agency.Ties.FingerprintWith(b.Did), b.Agency.Ties.FingerprintWith(a.Did));
        Assert.Matches(@"^(\d{5} ){5}\d{5}$", a.Agency.Ties.FingerprintWith(b.Did));
        Assert.True((await a.Agency.Ties.VerifyTieAsync(b.Did)).Verified);
    }

    [Fact]
    public async Task Terms_proposed_by_one_side_take_effect_on_both_when_the_other_signs()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);

        var proposed = await a.Agency.Ties.ProposeTermsAsync(b.Did, TieTerms.Default with { MaxTelegramBytes = 2048, ReadReceipts = true });
        Assert.Equal(1, proposed.Terms.Version);
        await Eventually.UntilAsync(() => b.Store.Ties.GetTieAsync(a.Did), t => t?.ProposedTerms is not null, TimeSpan.FromSeconds(20), "B sees the proposal");
        Assert.Equal(1, (await b.Store.Ties.GetTieAsync(a.Did))!.Terms.Version);

        await b.Agency.Ties.SignProposedTermsAsync(a.Did);

        var atA = await Eventually.UntilAsync(() => a.Store.Ties.GetTieAsync(b.Did), t => t?.Terms.Version == 2, TimeSpan.FromSeconds(20), "A has the signed terms");
        Assert.Equal(2048, atA!.Terms.MaxTelegramBytes);
        Assert.True(atA.Terms.ReadReceipts);
        Assert.Null(atA.ProposedTerms);
        Assert.Equal(2048, (await b.Store.Ties.GetTieAsync(a.Did))!.Terms.MaxTelegramBytes);

        // The new limit holds at both ends: neither side releases more, and Bravo refuses more from Alpha even when
        // a modified Alpha sends it signed with its real key.
        var refusedAtA = await Assert.ThrowsAsync<TelexException>(() => a.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = b.Did, Subject = "Long", Body = new string('x', 2049) }, "officer"));
        Assert.Contains("2048", refusedAtA.Message, StringComparison.Ordinal);
        var refusedAtB = await Assert.ThrowsAsync<TelexException>(() => b.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = a.Did, Subject = "Long", Body = new string('x', 2049) }, "officer"));
        Assert.Contains("2048", refusedAtB.Message, StringComparison.Ordinal);
        var rogue = new RogueSender(a.Identity);
        var refused = await HostilePeer.PostAsync(b.Identity.Endpoint, rogue.SignAndEncrypt(rogue.Telegram(b.Did, 1, new string('x', 2049)), b.Did));
        Assert.Equal((400, "e.p.msg.bad-telegram"), refused);
        Assert.Equal(0, await b.Store.Register.CountAsync(new Telex.Core.Storage.RegisterQuery()));

        // At the limit both sides release, and each registers the other's telegram.
        var fromA = await a.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = b.Did, Subject = "At the limit", Body = new string('a', 2048) }, "officer");
        var fromB = await b.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = a.Did, Subject = "At the limit", Body = new string('b', 2048) }, "officer");
        await Eventually.UntilAsync(() => b.Store.Telegrams.GetTelegramAsync(fromA.Id, Direction.Inbound), t => t is not null, TimeSpan.FromSeconds(20), "Bravo registers Alpha's");
        await Eventually.UntilAsync(() => a.Store.Telegrams.GetTelegramAsync(fromB.Id, Direction.Inbound), t => t is not null, TimeSpan.FromSeconds(20), "Alpha registers Bravo's");
    }

    [Fact]
    public async Task Suspending_holds_telegrams_resuming_releases_them_and_severing_is_final()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);

        // Retries at most a second apart, so that a held telegram is tried again soon after the tie is resumed.
        await a.Agency.Ties.ProposeTermsAsync(b.Did, TieTerms.Default with { Version = 2, MaxRetryInterval = TimeSpan.FromSeconds(1) });
        await Eventually.UntilAsync(() => b.Store.Ties.GetTieAsync(a.Did), t => t?.ProposedTerms is not null, TimeSpan.FromSeconds(20), "B sees the proposal");
        await b.Agency.Ties.SignProposedTermsAsync(a.Did);
        await Eventually.UntilAsync(() => a.Store.Ties.GetTieAsync(b.Did), t => t?.Terms.Version == 2, TimeSpan.FromSeconds(20), "A has the signed terms");

        // A telegram released while Bravo is away is still in Alpha's outbox when Alpha suspends the tie.
        await b.StopAsync();
        var held = await a.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = b.Did, Subject = "Held", Body = "Released before the suspension." }, "officer");
        await a.Agency.Ties.ChangeTieStatusAsync(b.Did, TieStatus.Suspended);

        // An attempt claimed before the suspension may still be on its way (on a loaded machine, until after Bravo is
        // back): that one would deliver. Two attempts finishing after the suspension mean the second began after it.
        long suspendedAt = OutboxAttempts(a, held.Id);
        await Eventually.UntilAsync(() => Task.FromResult(OutboxAttempts(a, held.Id)), n => n >= suspendedAt + 2, TimeSpan.FromSeconds(20),
            "Alpha's outbox tries the telegram twice after the suspension");
        await b.RestartAsync();
        await Eventually.UntilAsync(() => b.Store.Ties.GetTieAsync(a.Did), t => t?.Status == TieStatus.Suspended, TimeSpan.FromSeconds(20), "B sees the suspension");
        await Assert.ThrowsAsync<TelexException>(() => b.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = a.Did, Subject = "S", Body = "B" }, "officer"));
        await Assert.ThrowsAsync<TelexException>(() => a.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = b.Did, Subject = "S", Body = "A" }, "officer"));

        // Bravo is up and has Alpha's notice of the suspension, queued after the telegram. Alpha's outbox takes the
        // telegram up twice more (so at least once with Bravo up) and holds it: it is still queued and not at Bravo.
        long before = OutboxAttempts(a, held.Id);
        await Eventually.UntilAsync(() => Task.FromResult(OutboxAttempts(a, held.Id)), n => n >= before + 2, TimeSpan.FromSeconds(20),
            "Alpha's outbox takes the held telegram up again");
        Assert.Null(await b.Store.Telegrams.GetTelegramAsync(held.Id, Direction.Inbound));
        Assert.Equal(TelegramStatus.Queued, (await a.Store.Telegrams.GetTelegramAsync(held.Id, Direction.Outbound))!.Status);

        await a.Agency.Ties.ChangeTieStatusAsync(b.Did, TieStatus.Established);
        await Eventually.UntilAsync(() => b.Store.Ties.GetTieAsync(a.Did), t => t?.Status == TieStatus.Established, TimeSpan.FromSeconds(20), "B sees the resumption");
        await Eventually.UntilAsync(() => a.Store.Telegrams.GetTelegramAsync(held.Id, Direction.Outbound), t => t?.Status == TelegramStatus.Delivered,
            TimeSpan.FromSeconds(20), "the held telegram is delivered after resuming");
        var sent = await b.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = a.Did, Subject = "Resumed", Body = "Flows again." }, "officer");
        await Eventually.UntilAsync(() => b.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound), t => t?.Status == TelegramStatus.Delivered,
            TimeSpan.FromSeconds(20), "delivered after resuming");

        await b.Agency.Ties.ChangeTieStatusAsync(a.Did, TieStatus.Severed);
        await Eventually.UntilAsync(() => a.Store.Ties.GetTieAsync(b.Did), t => t?.Status == TieStatus.Severed, TimeSpan.FromSeconds(20), "A sees the severance");
        await Assert.ThrowsAsync<TelexException>(() => a.Agency.Ties.ChangeTieStatusAsync(b.Did, TieStatus.Established));
    }

    [Fact]
    public async Task A_read_receipt_is_sent_when_the_tie_allows_and_the_telegram_is_first_opened()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        await a.Agency.Ties.ProposeTermsAsync(b.Did, TieTerms.Default with { ReadReceipts = true });
        await Eventually.UntilAsync(() => b.Store.Ties.GetTieAsync(a.Did), t => t?.ProposedTerms is not null, TimeSpan.FromSeconds(20), "proposal arrives");
        await b.Agency.Ties.SignProposedTermsAsync(a.Did);
        await Eventually.UntilAsync(() => a.Store.Ties.GetTieAsync(b.Did), t => t?.Terms.ReadReceipts == true, TimeSpan.FromSeconds(20), "terms signed");
        using var events = a.Agency.Events.Subscribe();

        var sent = await a.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = b.Did, Subject = "Read me", Body = "Please." }, "officer");
        await Eventually.UntilAsync(() => b.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Inbound), t => t is not null, TimeSpan.FromSeconds(20), "arrived");
        Assert.True(await b.Agency.Telegrams.MarkReadAsync(sent.Id));
        Assert.False(await b.Agency.Telegrams.MarkReadAsync(sent.Id));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        AgencyEvent e;
        do
        {
            e = await events.Reader.ReadAsync(cts.Token);
        }
        while (e.Kind != "telegram.read");
        Assert.Equal(sent.Id, e.TelegramId);
    }

    /// <summary>How often the agency's outbox has taken up the telegram so far, read from its SQLite file.</summary>
    private static long OutboxAttempts(TestAgency agency, Guid telegram)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(agency.Directory, "telex.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT attempts FROM outbox WHERE lower(telegram_id) = lower($id)";
        command.Parameters.AddWithValue("$id", telegram.ToString());
        return command.ExecuteScalar() is long attempts ? attempts : -1;
    }
}
