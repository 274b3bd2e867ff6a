using System.Net;
using System.Text.Json.Nodes;

using Telex.Core.Model;
using Telex.Core.Protocol;
using Telex.Core.Register;
using Telex.Server.Tests.Api;
using Telex.TestKit;

namespace Telex.Server.Tests.Register;

public sealed class CheckpointTests
{
    private static TelegramDraft Draft(string to) => new() { To = to, Subject = "Ties", Body = "Ties for now with only five." };

    [Fact]
    public async Task The_agency_signs_checkpoints_periodically_and_its_counterpart_keeps_them_verified_against_its_key()
    {
        var delivery = TestAgency.FastDelivery with { CheckpointInterval = TimeSpan.FromMilliseconds(200) };
        await using var a = await TestAgency.StartAsync("Alpha", delivery);
        await using var b = await TestAgency.StartAsync("Bravo", delivery);
        await TestAgency.TieAsync(a, b);

        var sent = await a.Agency.Telegrams.ReleaseAsync(Draft(b.Did), "officer");
        await Eventually.UntilAsync(() => a.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound), t => t?.Status == TelegramStatus.Delivered,
            TimeSpan.FromSeconds(30), "delivered");

        // Alpha's chain holds the release and the delivery; a periodic checkpoint over both reaches Bravo.
        var atBravo = await Eventually.UntilAsync(() => b.Store.Register.ListCheckpointsAsync(a.Did),
            list => list.Any(c => c.Count >= 2), TimeSpan.FromSeconds(30), "Alpha's checkpoint over 2 entries kept by Bravo");
        var kept = atBravo.First(c => c.Count >= 2);
        var statement = b.Agency.Register.OpenCheckpoint(kept.SignedMessage);
        Assert.NotNull(statement);
        Assert.Equal(a.Did, statement!.Signer);
        Assert.Equal(kept.Head, statement.Head);
        var own = (await a.Store.Register.ListCheckpointsAsync(a.Did)).Single(c => c.Count == kept.Count && c.Head == kept.Head);
        Assert.Equal(own.Head, (await a.Store.Register.ReadRegisterAsync()).Entries[(int)own.Count - 1].Hash);

        // A register that did not grow is not checkpointed again: every checkpoint covers more than the one before.
        var second = await a.Agency.Telegrams.ReleaseAsync(Draft(b.Did), "officer");
        await Eventually.UntilAsync(() => a.Store.Telegrams.GetTelegramAsync(second.Id, Direction.Outbound), t => t?.Status == TelegramStatus.Delivered,
            TimeSpan.FromSeconds(30), "second delivered");
        await Eventually.UntilAsync(() => b.Store.Register.ListCheckpointsAsync(a.Did), list => list.Any(c => c.Count >= 4),
            TimeSpan.FromSeconds(30), "Alpha's checkpoint over 4 entries kept by Bravo");
        var counts = (await a.Store.Register.ListCheckpointsAsync(a.Did)).Select(c => c.Count).ToList();
        Assert.Equal(counts.Order().Distinct(), counts);

        Assert.True((await a.Agency.Register.VerifyRegisterAsync()).Ok);
        Assert.True((await b.Agency.Register.VerifyRegisterAsync()).Ok);
    }

    [Fact]
    public async Task A_checkpoint_that_states_nothing_valid_is_refused_and_not_stored()
    {
        await using var b = await TestAgency.StartAsync("Bravo");
        using var peer = HostilePeer.Create();
        var invitation = await b.Agency.Ties.CreateInvitationAsync();
        Assert.Equal(202, (await HostilePeer.PostAsync(b.Identity.Endpoint, peer.TieRequest(invitation))).Status);

        foreach (var body in new[]
        {
            new JsonObject { ["count"] = 3, ["head"] = "not a hash", ["time"] = 1 },
            new JsonObject { ["count"] = -1, ["head"] = new string('a', 64), ["time"] = 1 },
            new JsonObject { ["head"] = new string('a', 64), ["time"] = 1 },
        })
        {
            var (status, code) = await HostilePeer.PostAsync(b.Identity.Endpoint, peer.SignAndEncrypt(peer.Message(MessageTypes.Checkpoint, b.Did, body), b.Did));
            Assert.Equal(400, status);
            Assert.Equal("e.p.msg.bad-checkpoint", code);
        }

        Assert.Empty(await b.Store.Register.ListCheckpointsAsync());
        var good = new JsonObject { ["count"] = 3, ["head"] = new string('b', 64), ["time"] = 1_000 };
        Assert.Equal(202, (await HostilePeer.PostAsync(b.Identity.Endpoint, peer.SignAndEncrypt(peer.Message(MessageTypes.Checkpoint, b.Did, good), b.Did))).Status);
        var kept = Assert.Single(await b.Store.Register.ListCheckpointsAsync(peer.Did));
        Assert.Equal(3, kept.Count);
        Assert.Equal(peer.Did, b.Agency.Register.OpenCheckpoint(kept.SignedMessage)?.Signer);
    }

    [Fact]
    public async Task A_checkpoint_from_an_agency_without_a_tie_is_refused()
    {
        await using var b = await TestAgency.StartAsync("Bravo");
        using var stranger = HostilePeer.Create();
        var body = new JsonObject { ["count"] = 3, ["head"] = new string('b', 64), ["time"] = 1_000 };
        var (status, _) = await HostilePeer.PostAsync(b.Identity.Endpoint, stranger.SignAndEncrypt(stranger.Message(MessageTypes.Checkpoint, b.Did, body), b.Did));
        Assert.Equal(403, status);
        Assert.Empty(await b.Store.Register.ListCheckpointsAsync());
    }

    [Fact]
    public async Task The_api_verifies_lists_and_exports_the_register_for_any_officer_including_auditors_and_signs_checkpoints_for_admins()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        var sent = await a.Agency.Telegrams.ReleaseAsync(Draft(b.Did), "officer");
        await Eventually.UntilAsync(() => a.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound), t => t?.Status == TelegramStatus.Delivered,
            TimeSpan.FromSeconds(30), "delivered");
        using var auditor = await ApiClient.SignInAsync(a, Role.Auditor);
        using var admin = await ApiClient.SignInAsync(a, Role.Admin);

        // A checkpoint is the agency's signed word on its register, sent to every tie: an admin's act, not an auditor's.
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsync("/api/register/checkpoints", null)).StatusCode);
        var created = await (await admin.PostAsync("/api/register/checkpoints", null)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(2, created.GetProperty("count").GetInt64());
        Assert.Equal(a.Did, created.GetProperty("agency").GetString());

        var report = await (await auditor.GetAsync("/api/register/verify")).JsonAsync(HttpStatusCode.OK);
        Assert.True(report.GetProperty("ok").GetBoolean());
        Assert.Equal(2, report.GetProperty("entries").GetInt64());
        Assert.Equal(1, report.GetProperty("checkpoints").GetInt64());

        var list = await (await auditor.GetAsync("/api/register/checkpoints?agency=" + Uri.EscapeDataString(a.Did))).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(created.GetProperty("head").GetString(), Assert.Single(list.EnumerateArray()).GetProperty("head").GetString());

        using var export = await auditor.GetAsync("/api/register/export");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("application/jsonl", export.Content.Headers.ContentType?.MediaType);
        var (register, header, error) = await RegisterExport.ReadAsync(await export.Content.ReadAsStreamAsync());
        Assert.Null(error);
        Assert.Equal(a.Did, header!.Agency);
        Assert.Equal(sent.Id, Assert.Single(register!.Telegrams).Id);

        // The same register changed behind the agency's back: the API reports it, naming the telegram.
        await using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(a.Directory, "telex.db")};Pooling=False"))
        {
            await c.OpenAsync();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE telegrams SET subject='Altered' WHERE id=$i";
            cmd.Parameters.AddWithValue("$i", sent.Id.ToString());
            await cmd.ExecuteNonQueryAsync();
        }

        var tampered = await (await auditor.GetAsync("/api/register/verify")).JsonAsync(HttpStatusCode.OK);
        Assert.False(tampered.GetProperty("ok").GetBoolean());
        var first = tampered.GetProperty("problems")[0];
        Assert.Equal(1, first.GetProperty("position").GetInt64());
        Assert.Equal(sent.Id.ToString(), first.GetProperty("telegramId").GetString());

        using var anonymous = ApiClient.Anonymous(a.Url);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/register/verify")).StatusCode);
    }
}
