using System.Text.Json.Nodes;

using Telex.Core.Identity;
using Telex.Core.Keys;
using Telex.Core.Model;
using Telex.Core.Protocol;
using Telex.Core.Register;
using Telex.Core.Storage;
using Telex.DidComm;
using Telex.DidComm.Dids;
using Telex.DidComm.Messages;
using Telex.TestKit;

namespace Telex.Server.Tests.Keys;

public sealed class KeyRotationTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private static TelegramDraft Draft(string to, string subject) => new() { To = to, Subject = subject, Body = "Text of " + subject + "." };

    [Fact]
    public async Task Rotation_under_load_loses_no_telegram_and_both_registers_verify_with_old_and_new_keys()
    {
        const int PerSide = 60;
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        string oldA = a.Did, oldB = b.Did;
        await a.Agency.Register.CheckpointAsync();
        await b.Agency.Register.CheckpointAsync();

        // Both send all the time; Alpha rotates a third of the way through its stream, Bravo two thirds through its own.
        KeyRotationResult? rotatedA = null, rotatedB = null;
        static async Task SendAsync(TestAgency from, string to, int rotateAt, Action<KeyRotationResult> rotated)
        {
            for (int i = 1; i <= PerSide; i++)
            {
                await from.Agency.Telegrams.ReleaseAsync(Draft(to, $"{from.Identity.Name} {i}"), "officer");
                if (i == rotateAt)
                {
                    rotated(await from.Agency.Keys.RotateKeysAsync());
                }
            }
        }

        // Each side keeps addressing the counterpart's first DID: the tie is found under it after the rotation too.
        await Task.WhenAll(
            Task.Run(() => SendAsync(a, oldB, PerSide / 3, r => rotatedA = r)),
            Task.Run(() => SendAsync(b, oldA, 2 * PerSide / 3, r => rotatedB = r)));

        Assert.Equal(oldA, rotatedA!.OldDid);
        Assert.Equal(1, rotatedA.TiesTold);
        Assert.Equal(oldB, rotatedB!.OldDid);
        foreach (var (sender, receiver, senderOld, senderNew) in new[] { (a, b, oldA, rotatedA.NewDid), (b, a, oldB, rotatedB.NewDid) })
        {
            await Eventually.UntilAsync(() => sender.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Outbound, Status = TelegramStatus.Delivered }),
                n => n == PerSide, Deadline, $"every telegram from {sender.Identity.Name} delivered with its receipt");

            // Exactly once, serials 1..N without a gap, under the one tie whatever DID they came from.
            Assert.Equal(Enumerable.Range(1, PerSide).Select(i => (long)i), await receiver.Store.Telegrams.ReceivedSerialsAsync(senderNew));
            Assert.Equal(PerSide, await receiver.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Inbound }));
            var tie = await receiver.Store.Ties.GetTieAsync(senderOld);
            Assert.Equal(senderNew, tie!.PeerDid);
            Assert.True(tie.Verified);
            Assert.Single(await receiver.Store.Ties.ListTiesAsync());

            // Each telegram verifies, with a resolver that knows nothing but did:peer:2, by the DID it was signed with.
            var outbound = await sender.Store.Register.QueryAsync(new RegisterQuery { Direction = Direction.Outbound, Limit = 1000 });
            var signers = outbound.OrderBy(t => t.Serial).Select(t => SignerOf(t.SignedOriginal)).ToList();
            Assert.All(signers, s => Assert.True(s == senderOld || s == senderNew, s));
            int firstNew = signers.IndexOf(senderNew);
            Assert.True(firstNew > 0, "telegrams were signed with the old key before the rotation");
            Assert.All(signers.Skip(firstNew), s => Assert.Equal(senderNew, s));
        }

        await a.Agency.Register.CheckpointAsync();
        foreach (var agency in new[] { a, b })
        {
            var report = await agency.Agency.Register.VerifyRegisterAsync();
            Assert.True(report.Ok, string.Join('\n', report.Problems));
            var register = await agency.Store.Register.ReadRegisterAsync();
            Assert.Equal(2, register.Entries.Count(e => e.Kind == RegisterKinds.KeyRotation));
        }

        // Traffic after both rotations flows under the new DIDs.
        var after = await a.Agency.Telegrams.ReleaseAsync(Draft(b.Did, "After both rotations"), "officer");
        Assert.Equal(PerSide + 1, after.Serial);
        await Eventually.UntilAsync(() => a.Store.Telegrams.GetTelegramAsync(after.Id, Direction.Outbound), t => t?.Status == TelegramStatus.Delivered,
            Deadline, "a telegram after both rotations delivered");
    }

    [Fact]
    public async Task Telegrams_in_flight_across_a_rotation_are_delivered_and_attributed_to_the_same_tie()
    {
        using var gate = new GatedTransport();
        await using var a = await TestAgency.StartAsync("Alpha", transport: gate);
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        string oldA = a.Did;

        // Alpha's messages wait at the gate: its telegrams signed with the old key, its receipts, its announcement.
        gate.Close();
        var before = new List<Guid>();
        for (int i = 1; i <= 5; i++)
        {
            before.Add((await a.Agency.Telegrams.ReleaseAsync(Draft(b.Did, $"Before {i}"), "officer")).Id);
            await b.Agency.Telegrams.ReleaseAsync(Draft(oldA, $"To the old DID {i}"), "officer");
        }

        await Eventually.UntilAsync(() => a.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Inbound }), n => n == 5, Deadline,
            "Bravo's first telegrams registered at Alpha");
        var rotation = await a.Agency.Keys.RotateKeysAsync();

        // Bravo has not heard of it yet and keeps writing to the old DID, encrypted to the old key.
        for (int i = 6; i <= 8; i++)
        {
            await b.Agency.Telegrams.ReleaseAsync(Draft(oldA, $"To the old DID {i}"), "officer");
        }

        await Eventually.UntilAsync(() => a.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Inbound }), n => n == 8, Deadline,
            "telegrams to the old DID registered after the rotation");
        gate.Open();

        await Eventually.UntilAsync(() => b.Store.Ties.GetTieAsync(oldA), t => t?.PeerDid == rotation.NewDid, Deadline, "Bravo switched to the new DID");
        await Eventually.UntilAsync(() => b.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Outbound, Status = TelegramStatus.Delivered }),
            n => n == 8, Deadline, "every telegram from Bravo delivered");
        await Eventually.UntilAsync(() => a.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Outbound, Status = TelegramStatus.Delivered }),
            n => n == 5, Deadline, "Alpha's telegrams signed with the old key delivered");
        var later = await a.Agency.Telegrams.ReleaseAsync(Draft(b.Did, "After"), "officer");
        await Eventually.UntilAsync(() => a.Store.Telegrams.GetTelegramAsync(later.Id, Direction.Outbound), t => t?.Status == TelegramStatus.Delivered,
            Deadline, "a telegram signed with the new key delivered");

        var inbound = await b.Store.Register.QueryAsync(new RegisterQuery { Direction = Direction.Inbound, Limit = 100 });
        Assert.Equal(6, inbound.Count);
        Assert.Equal([1L, 2, 3, 4, 5, 6], await b.Store.Telegrams.ReceivedSerialsAsync(rotation.NewDid));
        Assert.All(inbound.Where(t => before.Contains(t.Id)), t => Assert.Equal(oldA, SignerOf(t.SignedOriginal)));
        Assert.Equal(rotation.NewDid, SignerOf(inbound.Single(t => t.Id == later.Id).SignedOriginal));
        Assert.Equal(8, await a.Store.Register.CountAsync(new RegisterQuery { Counterpart = b.Did, Direction = Direction.Inbound }));
        Assert.True((await a.Agency.Register.VerifyRegisterAsync()).Ok);
        Assert.True((await b.Agency.Register.VerifyRegisterAsync()).Ok);
    }

    [Fact]
    public async Task A_from_prior_signed_by_a_key_other_than_the_ties_old_key_is_refused_and_changes_nothing()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var mallory = HostilePeer.Create();
        var head = await b.Store.Register.GetRegisterHeadAsync();

        // Mallory claims Alpha's old key signed her DID in, signing with her own key under Alpha's key id.
        using var forgedKey = mallory.Identity.Signing.WithKid(a.Did + "#key-2");
        string forged = FromPrior.Issue(a.Did, mallory.Did, forgedKey, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var message = mallory.Message(MessageTypes.KeysRotate, b.Did, new JsonObject()) with { FromPrior = forged };
        var (status, _) = await HostilePeer.PostAsync(b.Identity.Endpoint, mallory.SignAndEncrypt(message, b.Did));

        Assert.Equal(400, status);
        Assert.Equal(a.Did, (await b.Store.Ties.GetTieAsync(a.Did))!.PeerDid);
        Assert.Null(await b.Store.Ties.GetTieAsync(mallory.Did));
        Assert.Empty(await b.Store.Keys.ListKeyRotationsAsync());
        Assert.Equal(head, await b.Store.Register.GetRegisterHeadAsync());
    }

    [Fact]
    public async Task A_checkpoint_signed_with_the_old_key_arriving_after_the_rotation_is_filed_under_its_signer_and_the_register_verifies()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var before = HostilePeer.Create("Bravo");
        using var after = HostilePeer.Create("Bravo");
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, before.TieRequest(await a.Agency.Ties.CreateInvitationAsync()))).Status);

        // Bravo rotates, and a checkpoint it signed with its old key before then arrives afterwards (outboxes do not keep order).
        string fromPrior = FromPrior.Issue(before.Did, after.Did, before.Identity.Signing, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var rotation = after.Message(MessageTypes.KeysRotate, a.Did, new JsonObject { ["name"] = "Bravo" }) with { FromPrior = fromPrior };
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, after.SignAndEncrypt(rotation, a.Did))).Status);
        var statement = new JsonObject { ["count"] = 3, ["head"] = new string('b', 64), ["time"] = 1_000 };
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint,
            before.SignAndEncrypt(before.Message(MessageTypes.Checkpoint, a.Did, statement), a.Did))).Status);

        var report = await a.Agency.Register.VerifyRegisterAsync();
        Assert.True(report.Ok, string.Join('\n', report.Problems));
        var kept = Assert.Single(await a.Store.Register.ListCheckpointsAsync(before.Did));
        Assert.Equal(before.Did, a.Agency.Register.OpenCheckpoint(kept.SignedMessage)?.Signer);
    }

    [Fact]
    public async Task A_counterpart_whose_tie_is_suspended_here_may_rotate_its_keys_and_the_tie_stays_suspended_under_the_new_did()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var before = await HostilePeer.TiedWithAsync(a, "Bravo");
        using var after = HostilePeer.Create("Bravo");
        await a.Agency.Ties.ChangeTieStatusAsync(before.Did, TieStatus.Suspended);

        // A suspension is not a reason to keep a counterpart on keys it is retiring: when the tie is resumed, it goes on
        // under the new DID.
        string fromPrior = FromPrior.Issue(before.Did, after.Did, before.Identity.Signing, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var rotation = after.Message(MessageTypes.KeysRotate, a.Did, new JsonObject { ["name"] = "Bravo" }) with { FromPrior = fromPrior };
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, after.SignAndEncrypt(rotation, a.Did))).Status);

        var tie = await a.Store.Ties.GetTieAsync(before.Did);
        Assert.Equal((after.Did, TieStatus.Suspended, (TieSide?)TieSide.ThisAgency), (tie!.PeerDid, tie.Status, tie.SuspendedBy));
        Assert.Equal(after.Did, Assert.Single(await a.Store.Keys.ListKeyRotationsAsync()).NewDid);

        // Still suspended: the new DID's telegram is refused until this agency resumes the tie.
        Assert.Equal(403, (await HostilePeer.PostAsync(a.Identity.Endpoint, after.SignAndEncrypt(after.Telegram(a.Did, 1), a.Did))).Status);
        await a.Agency.Ties.ChangeTieStatusAsync(after.Did, TieStatus.Established);
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, after.SignAndEncrypt(after.Telegram(a.Did, 1), a.Did))).Status);
    }

    [Fact]
    public async Task A_rotation_announced_by_an_agency_without_a_tie_is_refused()
    {
        await using var b = await TestAgency.StartAsync("Bravo");
        using var before = HostilePeer.Create();
        using var after = HostilePeer.Create();
        var head = await b.Store.Register.GetRegisterHeadAsync();

        // A genuine from_prior, but for a DID Bravo has no tie with.
        string fromPrior = FromPrior.Issue(before.Did, after.Did, before.Identity.Signing, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var message = after.Message(MessageTypes.KeysRotate, b.Did, new JsonObject()) with { FromPrior = fromPrior };
        var (status, code) = await HostilePeer.PostAsync(b.Identity.Endpoint, after.SignAndEncrypt(message, b.Did));

        Assert.Equal(403, status);
        Assert.Equal("e.p.tie.none", code);
        Assert.Empty(await b.Store.Ties.ListTiesAsync());
        Assert.Empty(await b.Store.Keys.ListKeyRotationsAsync());
        Assert.Equal(head, await b.Store.Register.GetRegisterHeadAsync());

        // Without from_prior at all, a rotation is refused too.
        var bare = after.Message(MessageTypes.KeysRotate, b.Did, new JsonObject());
        Assert.Equal(400, (await HostilePeer.PostAsync(b.Identity.Endpoint, after.SignAndEncrypt(bare, b.Did))).Status);
    }

    [Fact]
    public async Task A_rotation_announced_for_a_severed_tie_is_refused_and_the_tie_stays_severed_under_its_old_did()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var former = HostilePeer.Create("Former");
        using var next = HostilePeer.Create("Former");
        var invitation = await a.Agency.Ties.CreateInvitationAsync();
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, former.TieRequest(invitation))).Status);
        var severed = await a.Agency.Ties.ChangeTieStatusAsync(former.Did, TieStatus.Severed);
        var head = await a.Store.Register.GetRegisterHeadAsync();

        // A genuine from_prior by the severed counterpart's key: the tie may not move to a DID no one severed.
        string fromPrior = FromPrior.Issue(former.Did, next.Did, former.Identity.Signing, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var message = next.Message(MessageTypes.KeysRotate, a.Did, new JsonObject { ["name"] = "Former" }) with { FromPrior = fromPrior };
        Assert.Equal((403, "e.p.tie.none"), await HostilePeer.PostAsync(a.Identity.Endpoint, next.SignAndEncrypt(message, a.Did)));

        Assert.Equal(severed, await a.Store.Ties.GetTieAsync(former.Did));
        Assert.Null(await a.Store.Ties.GetTieAsync(next.Did));
        Assert.Empty(await a.Store.Keys.ListKeyRotationsAsync());
        Assert.Equal(head, await a.Store.Register.GetRegisterHeadAsync());
        Assert.Equal((403, "e.p.tie.none"), await HostilePeer.PostAsync(a.Identity.Endpoint, next.SignAndEncrypt(next.Telegram(a.Did, 1), a.Did)));
    }

    [Fact]
    public async Task A_rotation_to_a_did_naming_no_endpoint_is_refused_and_the_tie_keeps_its_did()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var peer = HostilePeer.Create("Bravo");
        using var nowhere = new EndpointlessPeer();
        var invitation = await a.Agency.Ties.CreateInvitationAsync();
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, peer.TieRequest(invitation))).Status);
        var tie = (await a.Store.Ties.GetTieAsync(peer.Did))!;
        var head = await a.Store.Register.GetRegisterHeadAsync();

        // Signed in by the tie's own key, but to a DID Alpha could send nothing to: the tie would go silent.
        string fromPrior = FromPrior.Issue(peer.Did, nowhere.Did, peer.Identity.Signing, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var message = peer.Message(MessageTypes.KeysRotate, a.Did, new JsonObject { ["name"] = "Bravo" }) with { FromPrior = fromPrior };
        Assert.Equal((400, "e.p.did.no-endpoint"), await HostilePeer.PostAsync(a.Identity.Endpoint, nowhere.SignAndEncrypt(message, a.Did)));

        Assert.Equal(tie, await a.Store.Ties.GetTieAsync(peer.Did));
        Assert.Null(await a.Store.Ties.GetTieAsync(nowhere.Did));
        Assert.Empty(await a.Store.Keys.ListKeyRotationsAsync());
        Assert.Equal(head, await a.Store.Register.GetRegisterHeadAsync());
        Assert.Equal(202, (await HostilePeer.PostAsync(a.Identity.Endpoint, peer.SignAndEncrypt(peer.Telegram(a.Did, 1), a.Did))).Status);
    }

    [Fact]
    public async Task Prior_keys_survive_a_restart_in_a_key_file_readable_by_the_owner_only()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        var first = await a.Agency.Telegrams.ReleaseAsync(Draft(b.Did, "Before"), "officer");
        var rotation = await a.Agency.Keys.RotateKeysAsync();

        using (var saved = AgencyIdentity.Load(a.KeyFile))
        {
            Assert.Equal(rotation.NewDid, saved.Did);
            var prior = Assert.Single(saved.Priors);
            Assert.Equal(rotation.OldDid, prior.Did);
            Assert.Equal(rotation.NewDid, prior.NextDid);
            Assert.Equal(rotation.OldDid + "#key-1", prior.Agreement.Kid);
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(a.KeyFile));
        }

        await a.StopAsync();
        await a.RestartAsync();

        Assert.Equal(rotation.NewDid, a.Did);
        Assert.Equal([rotation.OldDid], a.Identity.Priors.Select(p => p.Did));
        await Eventually.UntilAsync(() => b.Store.Ties.GetTieAsync(rotation.OldDid), t => t?.PeerDid == rotation.NewDid, Deadline, "Bravo switched");
        var reply = await b.Agency.Telegrams.ReleaseAsync(Draft(rotation.NewDid, "Reply"), "officer");
        await Eventually.UntilAsync(() => b.Store.Telegrams.GetTelegramAsync(reply.Id, Direction.Outbound), t => t?.Status == TelegramStatus.Delivered,
            Deadline, "a telegram to the restarted agency delivered");
        await Eventually.UntilAsync(() => a.Store.Telegrams.GetTelegramAsync(first.Id, Direction.Outbound), t => t?.Status == TelegramStatus.Delivered,
            Deadline, "the telegram signed before the rotation delivered");
        Assert.True((await a.Agency.Register.VerifyRegisterAsync()).Ok);
        Assert.Equal(0, await a.Agency.Keys.ResumeRotationsAsync());
    }

    [Fact]
    public async Task A_rotation_written_to_the_key_file_but_not_yet_filed_is_filed_and_announced_at_the_next_start()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        string oldDid = a.Did;
        await a.StopAsync();

        // As if the agency stopped right after writing the key file, before anything was filed or announced.
        string newDid;
        using (var saved = AgencyIdentity.Load(a.KeyFile))
        {
            using var next = saved.Rotate(DateTimeOffset.UtcNow);
            next.Save(a.KeyFile);
            newDid = next.Did;
        }

        Assert.Empty(await a.Store.Keys.ListKeyRotationsAsync());
        await a.RestartAsync();

        await Eventually.UntilAsync(() => b.Store.Ties.GetTieAsync(oldDid), t => t?.PeerDid == newDid, Deadline, "Bravo switched to the new DID");
        var own = Assert.Single(await a.Store.Keys.ListKeyRotationsAsync());
        Assert.Equal((oldDid, newDid, true), (own.OldDid, own.NewDid, own.Own));
        Assert.True((await a.Agency.Register.VerifyRegisterAsync()).Ok);
        Assert.True((await b.Agency.Register.VerifyRegisterAsync()).Ok);
    }

    [Fact]
    public async Task An_issue_opened_before_rotations_on_both_sides_goes_on_between_the_new_dids()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        string oldA = a.Did, oldB = b.Did;
        var issue = await a.Agency.Issues.OpenIssueAsync(oldB, "Aid to the Orient", "officer");
        await Eventually.UntilAsync(() => b.Store.Issues.GetIssueAsync(issue.Id), i => i is not null, Deadline, "Bravo holds the issue");

        var rotatedA = await a.Agency.Keys.RotateKeysAsync();
        var rotatedB = await b.Agency.Keys.RotateKeysAsync();
        await Eventually.UntilAsync(() => a.Store.Ties.GetTieAsync(oldB), t => t?.PeerDid == rotatedB.NewDid, Deadline, "Alpha switched");
        await Eventually.UntilAsync(() => b.Store.Ties.GetTieAsync(oldA), t => t?.PeerDid == rotatedA.NewDid, Deadline, "Bravo switched");

        // Each side changes the issue filed under the other's old DID; the other accepts it from the new one.
        await b.Agency.Issues.ChangeIssueStatusAsync(issue.Id, IssueStatus.Deferred, "Premature", null, "officer");
        await Eventually.UntilAsync(() => a.Store.Issues.GetIssueAsync(issue.Id), i => i?.Status == IssueStatus.Deferred, Deadline, "Alpha sees Bravo's change");
        await a.Agency.Issues.ChangeIssueStatusAsync(issue.Id, IssueStatus.Agreed, "Aid granted", null, "officer");
        await Eventually.UntilAsync(() => b.Store.Issues.GetIssueAsync(issue.Id), i => i?.Status == IssueStatus.Agreed, Deadline, "Bravo sees Alpha's change");

        // A telegram on the issue goes to the counterpart's new DID.
        var telegram = await a.Agency.Telegrams.ReleaseAsync(Draft(rotatedB.NewDid, "On the issue") with { IssueId = issue.Id }, "officer");
        await Eventually.UntilAsync(() => a.Store.Telegrams.GetTelegramAsync(telegram.Id, Direction.Outbound), t => t?.Status == TelegramStatus.Delivered,
            Deadline, "the telegram on the issue delivered");
        Assert.True((await a.Agency.Register.VerifyRegisterAsync()).Ok);
        Assert.True((await b.Agency.Register.VerifyRegisterAsync()).Ok);
    }

    [Fact]
    public async Task A_register_with_rotations_on_both_sides_exports_and_imports_into_a_fresh_agency_and_verifies_there()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await using var archive = await TestAgency.StartAsync("Archive");
        await TestAgency.TieAsync(a, b);
        string oldA = a.Did, oldB = b.Did;
        await a.Agency.Telegrams.ReleaseAsync(Draft(oldB, "Old to old"), "officer");
        await b.Agency.Telegrams.ReleaseAsync(Draft(oldA, "Old from Bravo"), "officer");
        await a.Agency.Keys.RotateKeysAsync();
        await b.Agency.Keys.RotateKeysAsync();
        await a.Agency.Telegrams.ReleaseAsync(Draft(oldB, "New to new"), "officer");
        await b.Agency.Telegrams.ReleaseAsync(Draft(oldA, "New from Bravo"), "officer");
        foreach (var agency in new[] { a, b })
        {
            await Eventually.UntilAsync(() => agency.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Outbound, Status = TelegramStatus.Delivered }),
                n => n == 2, Deadline, $"{agency.Identity.Name}'s telegrams delivered");
        }

        await a.Agency.Register.CheckpointAsync();
        using var export = new MemoryStream();
        await a.Agency.Register.ExportRegisterAsync(export);
        export.Position = 0;

        var imported = await archive.Agency.Register.ImportRegisterAsync(export);

        Assert.True(imported.Ok, string.Join('\n', imported.Problems));
        Assert.Equal(4, imported.Telegrams);
        var report = await archive.Agency.Register.VerifyRegisterAsync();
        Assert.True(report.Ok, string.Join('\n', report.Problems));
    }

    [Fact]
    public void A_key_file_with_priors_reads_back_and_a_rotation_signs_its_from_prior_with_the_old_key()
    {
        string path = Path.Combine(Path.GetTempPath(), "telex-keys-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            using var first = AgencyIdentity.Create("Alpha", "http://127.0.0.1:9/didcomm");
            using var second = first.Rotate(DateTimeOffset.UtcNow);
            using var third = second.Rotate(DateTimeOffset.UtcNow);
            third.Save(path);

            using var loaded = AgencyIdentity.Load(path);
            Assert.Equal(third.Did, loaded.Did);
            Assert.Equal([first.Did, second.Did], loaded.Priors.Select(p => p.Did));
            Assert.Equal([second.Did, third.Did], loaded.Priors.Select(p => p.NextDid));
            Assert.Equal("http://127.0.0.1:9/didcomm", loaded.Endpoint);
            Assert.True(loaded.IsOwnDid(first.Did));

            // The from_prior verifies against the old DID's key on unpack, naming the new DID.
            var probe = new Message { Id = "1", Type = MessageTypes.KeysRotate, From = second.Did, FromPrior = loaded.Priors[0].FromPrior, Body = Message.EmptyBody };
            var unpacked = new DidCommPacker(new DidResolver(), new SecretResolver()).Unpack(DidCommPacker.PackPlaintext(probe));
            Assert.True(unpacked.Success, unpacked.Failure?.ToString());
            Assert.Equal(first.Did + "#key-2", unpacked.Metadata!.FromPriorIssuerKid);

            // A key file whose prior keys do not match the prior DID is refused.
            var json = JsonNode.Parse(File.ReadAllText(path))!;
            json["priors"]![0]!["signing"] = json["signing"]!.DeepClone();
            File.WriteAllText(path, json.ToJsonString());
            Assert.Throws<InvalidDataException>(() => AgencyIdentity.Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The DID whose key signed a signed message, checked by a packer that knows nothing but how to resolve did:peer:2.</summary>
    private static string? SignerOf(byte[] signed)
    {
        var unpacked = new DidCommPacker(new DidResolver(), new SecretResolver()).Unpack(signed);
        return unpacked.Success && unpacked.Metadata!.SignFrom is { } kid ? kid[..kid.IndexOf('#', StringComparison.Ordinal)] : null;
    }
}
